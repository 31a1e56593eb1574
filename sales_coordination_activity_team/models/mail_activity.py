from odoo import api, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _sc_set_activity_teams(self, team_of):
        """Set the activity team of follow-ups, in one statement. The
        assignee is left as it is: Odoo's mail requires one, and the follow-up
        rules chose it (a queued follow-up's holder).

        :param dict team_of: ``{activity id: mail.activity.team id}``
        """
        self._sc_set_column("team_id", team_of)

from odoo import api, models
from odoo.tools import SQL


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _sc_set_activity_teams(self, team_of):
        """Set the activity team of follow-ups, in one statement. The
        assignee is left as it is: Odoo's mail requires one, and the follow-up
        rules chose it (a queued follow-up's holder).

        :param dict team_of: ``{activity id: mail.activity.team id}``
        """
        if not team_of:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE mail_activity act SET team_id = data.team
                     FROM unnest(%s::int[], %s::int[]) AS data(id, team)
                    WHERE act.id = data.id""",
                list(team_of),
                list(team_of.values()),
            )
        )
        self.browse(team_of).invalidate_recordset(["team_id"])

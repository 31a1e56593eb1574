from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    activity_team_id = fields.Many2one(
        comodel_name="mail.activity.team",
        string="Activity Team",
        ondelete="set null",
        help="The activity team that holds this sales team's coordination "
        "queue: the follow-ups queued for the sales team show in its team "
        "views and counters.",
    )

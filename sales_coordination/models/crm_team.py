from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    coordinator_id = fields.Many2one(
        comodel_name="res.users",
        string="Coordinator",
        index="btree_not_null",
        domain="[('share', '=', False)]",
        help="Default Sales Coordinator of this team's orders, when the "
        "customer has none of its own.",
    )
    administrator_id = fields.Many2one(
        comodel_name="res.users",
        string="Administrator",
        index="btree_not_null",
        domain="[('share', '=', False)]",
        help="Default Sales Administrator of this team's orders, when the "
        "customer has none of its own.",
    )

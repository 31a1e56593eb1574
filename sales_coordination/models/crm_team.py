from odoo import api, fields, models


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
    use_coordination = fields.Boolean(
        string="Coordination",
        default=True,
        help="The team's orders, invoices, customers and meetings show in the "
        "coordination workspaces and count in its KPIs. Untick it for a team "
        "the coordinators do not serve (a web shop, a shop counter, another "
        "business of the company).",
    )

    @api.model
    def _sc_uncoordinated_team_ids(self):
        """Ids of the teams out of coordination (``use_coordination`` unset),
        archived ones included; usually none."""
        return (
            self.with_context(active_test=False)
            .search([("use_coordination", "=", False)])
            .ids
        )

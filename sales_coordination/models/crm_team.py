from odoo import api, fields, models, tools

from .res_users_coordination import ADMINISTRATORS_DOMAIN, COORDINATORS_DOMAIN

# a change of these fields may put a team in or out of coordination
SCOPE_FIELDS = {"use_coordination", "active"}


class CrmTeam(models.Model):
    _inherit = "crm.team"

    coordinator_id = fields.Many2one(
        comodel_name="res.users",
        string="Coordinator",
        index="btree_not_null",
        domain=COORDINATORS_DOMAIN,
        help="Default Sales Coordinator of this team's orders, when the "
        "customer has none of its own.",
    )
    administrator_id = fields.Many2one(
        comodel_name="res.users",
        string="Administrator",
        index="btree_not_null",
        domain=ADMINISTRATORS_DOMAIN,
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

    accuracy_mode = fields.Selection(
        selection=[("observe", "Observe"), ("enforce", "Enforce")],
        string="Order Accuracy Mode",
        help="The accuracy mode of this team's orders; empty: the company's. "
        "Roll enforce out team by team: a team that enforces blocks the "
        "confirmation of its orders with open blocking issues, the others "
        "keep observing.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        if not all(teams.mapped("use_coordination")):
            self.env.registry.clear_cache()
        return teams

    def write(self, vals):
        result = super().write(vals)
        if SCOPE_FIELDS.intersection(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        uncoordinated = any(not team.use_coordination for team in self)
        result = super().unlink()
        if uncoordinated:
            self.env.registry.clear_cache()
        return result

    @api.model
    def _sc_uncoordinated_team_ids(self):
        """Ids of the teams out of coordination (``use_coordination`` unset),
        archived ones included; usually none. Cached for the registry (the
        workspaces, the KPIs and the follow-up engine ask on every call):
        creating, changing or deleting a team out of coordination clears it."""
        return list(self._sc_uncoordinated_team_ids_cached())

    @tools.ormcache()
    def _sc_uncoordinated_team_ids_cached(self):
        return tuple(
            self.sudo()
            .with_context(active_test=False)
            .search([("use_coordination", "=", False)], order="id")
            .ids
        )

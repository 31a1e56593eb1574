from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class SalesCoordinationScopeMixin(models.AbstractModel):
    """Records of the sales teams in coordination.

    A sales team can be out of coordination (``crm.team.use_coordination``
    unset): its records stay out of the workspaces, reports, KPIs and
    follow-ups, unless someone in coordination owns them. This mixin is the
    one definition of that scope: ``sc_coordinated``, a searchable field,
    and ``_sc_coordinated_domain(prefix)``, the domain behind it, for the
    views, the SQL reports, the KPIs and the follow-up finders alike.

    A model says which field holds its team (``_sc_scope_team_field``) and
    which fields, when set, keep a record in coordination whatever its team
    (``_sc_scope_owner_fields``); a model whose scope is another shape
    (customers, meetings) overrides ``_sc_coordinated_domain``.
    """

    _name = "sales.coordination.scope.mixin"
    _description = "Sales Coordination: records of the coordinated teams"

    _sc_scope_team_field = "team_id"
    _sc_scope_owner_fields = ()

    sc_coordinated = fields.Boolean(
        string="Coordinated",
        compute="_compute_sc_coordinated",
        search="_search_sc_coordinated",
        help="Technical: unset when the record belongs to a sales team out of "
        "coordination and nobody in coordination owns it.",
    )

    # === COMPUTE METHODS ===

    def _compute_sc_coordinated(self):
        inside = self.filtered_domain(self._sc_coordinated_domain())
        for record in self:
            record.sc_coordinated = record in inside

    def _search_sc_coordinated(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("sc_coordinated can only be compared to True or False.")
            )
        domain = self._sc_coordinated_domain()
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    # === BUSINESS METHODS ===

    @api.model
    def _sc_coordinated_domain(self, prefix=""):
        """The domain of the records in coordination, on field paths starting
        with ``prefix`` (``"order_id."`` from an issue): a coordinated team or
        none, or an owner set. Always true when every team is coordinated."""
        teams = self.env["crm.team"]._sc_uncoordinated_team_ids()
        if not teams:
            return list(expression.TRUE_DOMAIN)
        return expression.OR(
            [[(f"{prefix}{self._sc_scope_team_field}", "not in", teams)]]
            + [
                [(f"{prefix}{fname}", "!=", False)]
                for fname in self._sc_scope_owner_fields
            ]
        )

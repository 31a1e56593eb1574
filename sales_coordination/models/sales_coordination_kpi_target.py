from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sales_coordination_kpi import KPI_KEYS

KPI_LABELS = {
    "quotations": "Quotations",
    "orders_confirmed": "Orders Confirmed",
    "quote_to_order_rate": "Quote-to-Order Rate (%)",
    "order_accuracy_rate": "Order Accuracy Rate (%)",
    "data_entry_accuracy_rate": "Data-Entry Accuracy Rate (%)",
    "support_turnaround_hours": "Support Turnaround (h)",
    "internal_response_hours": "Internal Response Time (h)",
    "meeting_efficiency_rate": "Meeting Efficiency Rate (%)",
    "invoice_processing_hours": "Invoice Processing Time (h)",
    "fulfillment_rate": "Fulfillment Rate, OTIF (%)",
    "sales_growth_rate": "Sales Growth Rate (%)",
    "new_clients": "New Clients",
    "followups_overdue": "Overdue Follow-ups",
}

# Whether a higher figure is better, by default, for a new target.
KPI_HIGHER_IS_BETTER = {
    "support_turnaround_hours": False,
    "internal_response_hours": False,
    "invoice_processing_hours": False,
    "followups_overdue": False,
}

KPI_SELECTION = [(key, KPI_LABELS[key]) for key in KPI_KEYS]


class SalesCoordinationKpiTarget(models.Model):
    _name = "sales.coordination.kpi.target"
    _description = "Sales Coordination KPI Target"
    _order = "kpi, team_id, user_id, id"
    _check_company_auto = True

    kpi = fields.Selection(
        selection=KPI_SELECTION,
        string="KPI",
        required=True,
    )
    team_id = fields.Many2one(
        comodel_name="crm.team",
        string="Sales Team",
        check_company=True,
        ondelete="cascade",
        help="Leave empty, with no user either, for a company-wide target.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="User",
        ondelete="cascade",
        domain="[('share', '=', False)]",
        help="A personal target for this coordinator or administrator.",
    )
    target = fields.Float(required=True, help="The value to reach.")
    higher_is_better = fields.Boolean(
        compute="_compute_higher_is_better",
        store=True,
        readonly=False,
        precompute=True,
        help="Checked when the KPI is good above the target (a rate); "
        "unchecked when it is good below it (hours, overdue follow-ups).",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [  # noqa: RUF012
        (
            "team_or_user",
            "CHECK(team_id IS NULL OR user_id IS NULL)",
            "A KPI target is for a team, for a user, or company-wide; not both.",
        ),
    ]

    # === COMPUTE METHODS ===

    @api.depends("kpi")
    def _compute_higher_is_better(self):
        for target in self:
            target.higher_is_better = KPI_HIGHER_IS_BETTER.get(target.kpi, True)

    @api.depends("kpi", "team_id", "user_id")
    def _compute_display_name(self):
        labels = dict(KPI_SELECTION)
        for target in self:
            scope = target.user_id.name or target.team_id.name or self.env._("Company")
            target.display_name = f"{labels.get(target.kpi, '')} / {scope}"

    # === CONSTRAINTS ===

    @api.constrains("kpi", "team_id", "user_id", "company_id", "active")
    def _check_unique_scope(self):
        for target in self.filtered("active"):
            count = self.search_count(
                [
                    ("kpi", "=", target.kpi),
                    ("team_id", "=", target.team_id.id),
                    ("user_id", "=", target.user_id.id),
                    ("company_id", "=", target.company_id.id),
                ]
            )
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "There is already a target for %(target)s.",
                        target=target.display_name,
                    )
                )

    # === BUSINESS METHODS ===

    @api.model
    def _get_targets(self, team_ids=None, user_ids=None):
        """The applicable target of each KPI as ``{kpi: target record}``:
        the user's when one user is filtered, else the team's when one team
        is, else the company-wide one."""
        targets = self.search([("company_id", "in", self.env.companies.ids)])
        by_scope = {}
        for target in targets:
            by_scope.setdefault(
                (target.kpi, target.team_id.id, target.user_id.id), target
            )
        result = {}
        for kpi in KPI_KEYS:
            candidates = []
            if user_ids and len(user_ids) == 1:
                candidates.append((kpi, False, user_ids[0]))
            if team_ids and len(team_ids) == 1:
                candidates.append((kpi, team_ids[0], False))
            candidates.append((kpi, False, False))
            for scope in candidates:
                if scope in by_scope:
                    result[kpi] = by_scope[scope]
                    break
        return result

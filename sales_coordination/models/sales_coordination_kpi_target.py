from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sales_coordination_kpi_definitions import (
    KPI_DEFINITIONS,
    KPI_HIGHER_IS_BETTER,
    KPI_KEYS,
    KPI_SELECTION,
)

# The target a KPI accepts, (minimum, maximum) both included, by unit: rates
# in %, durations in hours (a year at most), counts. The constraint, its
# error, the field help and docs/rpc.md all read these.
RATE_RANGE = (0, 100)
HOURS_RANGE = (0, 8760)
DAYS_RANGE = (0, 365)
COUNT_RANGE = (0, 10_000_000)
KPI_TARGET_RANGES = {
    **{
        definition.key: {
            "percent": RATE_RANGE,
            "hours": HOURS_RANGE,
            "days": DAYS_RANGE,
        }[definition.unit]
        for definition in KPI_DEFINITIONS
        if definition.unit != "count"
    },
    "sales_growth_rate": (-100, 10_000),
}
TARGET_HELP = (
    "The value to reach: a rate from {rate[0]} to {rate[1]} %, a duration "
    "from {hours[0]} to {hours[1]} hours (a delay from {days[0]} to {days[1]} "
    "days), a count from {count[0]} to "
    "{count[1]:,} (sales growth: {growth[0]} to {growth[1]:,} %)."
).format(
    rate=RATE_RANGE,
    hours=HOURS_RANGE,
    days=DAYS_RANGE,
    count=COUNT_RANGE,
    growth=KPI_TARGET_RANGES["sales_growth_rate"],
)
# The widest range, checked on the raw values of create and write (the KPI
# may change in the same write); the constraint checks the KPI's own range.
TARGET_WIDEST_RANGE = (
    min(low for low, __ in [*KPI_TARGET_RANGES.values(), COUNT_RANGE]),
    max(high for __, high in [*KPI_TARGET_RANGES.values(), COUNT_RANGE]),
)


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
    target = fields.Float(required=True, help=TARGET_HELP)
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

    @api.constrains("kpi", "target")
    def _check_target_range(self):
        check = self.env["sales.coordination.rpc.check"]
        for target in self:
            check._sc_check_number(
                target,
                "target",
                target.target,
                KPI_TARGET_RANGES.get(target.kpi, COUNT_RANGE),
            )

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

    # === CRUD ===

    @api.model_create_multi
    def create(self, vals_list):
        self.env["sales.coordination.rpc.check"]._sc_check_vals_numbers(
            self, vals_list, {"target": TARGET_WIDEST_RANGE}
        )
        return super().create(vals_list)

    def write(self, vals):
        self.env["sales.coordination.rpc.check"]._sc_check_vals_numbers(
            self, [vals], {"target": TARGET_WIDEST_RANGE}
        )
        return super().write(vals)

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

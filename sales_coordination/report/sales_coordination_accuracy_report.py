from odoo import fields, models
from odoo.tools import SQL

from ..models.sale_accuracy_selections import (
    ACCURACY_CATEGORIES,
    ACCURACY_ISSUE_STATES,
    ACCURACY_SEVERITIES,
)


class SalesCoordinationAccuracyReport(models.Model):
    _name = "sales.coordination.accuracy.report"
    _inherit = [  # noqa: RUF012
        "sales.coordination.source.mixin",
        "sales.coordination.scope.mixin",
    ]
    _description = "Order Accuracy Analysis"
    _auto = False
    _rec_name = "order_id"
    _order = "date_found desc"
    _sc_source_fields = ("issue_id",)
    _sc_scope_owner_fields = ("coordinator_id", "administrator_id")

    issue_id = fields.Many2one("sale.accuracy.issue", string="Issue", readonly=True)
    order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    rule_id = fields.Many2one("sale.accuracy.rule", string="Rule", readonly=True)
    category = fields.Selection(
        selection=ACCURACY_CATEGORIES,
        readonly=True,
    )
    severity = fields.Selection(selection=ACCURACY_SEVERITIES, readonly=True)
    state = fields.Selection(
        selection=ACCURACY_ISSUE_STATES,
        readonly=True,
    )
    administrator_id = fields.Many2one(
        "res.users", string="Administrator", readonly=True
    )
    coordinator_id = fields.Many2one("res.users", string="Coordinator", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_found = fields.Datetime(string="Found On", readonly=True)
    at_first_check = fields.Boolean(
        string="Found at First Check",
        readonly=True,
        help="Found by the order's first accuracy check (counts against "
        "first-time-right and data-entry accuracy).",
    )
    issue_count = fields.Integer(string="Issues", readonly=True)
    fix_count = fields.Integer(
        string="Fixes", readonly=True, help="Issues resolved since they were found."
    )
    override_count = fields.Integer(
        string="Overrides",
        readonly=True,
        help="Overrides decided by a Coordination Manager: one per order and "
        "rule (on the order's first overridden issue of the rule), however many "
        "of its lines the rule flagged.",
    )
    override_rate = fields.Float(
        string="Override Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Overrides per order hit, for each rule (set on the order's first "
        "issue of the rule, empty on the others): a rule that is always "
        "overridden is a wrong rule.",
    )

    def _query(self):
        # One override per order and rule (its first overridden issue), the
        # rate on the order's first issue of the rule: correlated probes of
        # the order's issues (order_id index), not window functions, so that
        # a filter (a period, a team) applies before them instead of after a
        # pass over every issue.
        return SQL(
            """
            SELECT i.id AS id,
                   i.id AS issue_id,
                   i.order_id AS order_id,
                   i.rule_id AS rule_id,
                   i.category AS category,
                   i.severity AS severity,
                   i.state AS state,
                   so.administrator_id AS administrator_id,
                   so.coordinator_id AS coordinator_id,
                   so.team_id AS team_id,
                   partner.commercial_partner_id AS partner_id,
                   so.company_id AS company_id,
                   i.date_found AS date_found,
                   COALESCE(i.date_found <= so.accuracy_first_checked_date, false)
                       AS at_first_check,
                   1 AS issue_count,
                   (i.state = 'resolved')::int AS fix_count,
                   (i.state = 'overridden' AND NOT EXISTS(
                       SELECT 1 FROM sale_accuracy_issue sc_before
                        WHERE sc_before.order_id = i.order_id
                          AND sc_before.rule_id = i.rule_id
                          AND sc_before.state = 'overridden'
                          AND sc_before.id < i.id
                   ))::int AS override_count,
                   CASE WHEN NOT EXISTS(
                       SELECT 1 FROM sale_accuracy_issue sc_before
                        WHERE sc_before.order_id = i.order_id
                          AND sc_before.rule_id = i.rule_id
                          AND sc_before.id < i.id
                   ) THEN CASE WHEN EXISTS(
                       SELECT 1 FROM sale_accuracy_issue sc_any
                        WHERE sc_any.order_id = i.order_id
                          AND sc_any.rule_id = i.rule_id
                          AND sc_any.state = 'overridden'
                   ) THEN 100.0 ELSE 0.0 END END AS override_rate
              FROM sale_accuracy_issue i
              JOIN sale_order so ON so.id = i.order_id
              JOIN res_partner partner ON partner.id = so.partner_id
            """
        )

    @property
    def _table_query(self):
        return self._query()

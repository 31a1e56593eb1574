from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .sale_accuracy_data import _AccuracyData
from .sale_accuracy_selections import ACCURACY_CATEGORIES, ACCURACY_SEVERITIES
from .sales_coordination_rule_mixin import RULE_NUMBER_RANGES

# The rule statistics look back this many days.
STATS_DAYS = 90
# simulate() lists at most this many flagged orders per rule.
SIMULATE_MAX_IDS = 100

# The numbers a rule accepts: field name -> (minimum, maximum), both included.
# The threshold's range depends on what it means for the check type:
# THRESHOLD_RANGES, with THRESHOLD_DEFAULT_RANGE for the other types (which
# ignore it). The constraints, their errors, the field help and docs/rpc.md
# all read these.
ACCURACY_NUMBER_RANGES = dict(RULE_NUMBER_RANGES)
THRESHOLD_RANGES = {
    "price_deviation": (0, 100),  # % off the pricelist price
    "discount_limit": (0, 100),  # % discount
    "duplicate_order": (0, 365),  # days between two identical orders
    "minimum_order": (0, 1_000_000_000),  # untaxed amount
}
THRESHOLD_DEFAULT_RANGE = (0, 1_000_000_000)
THRESHOLD_HELP = (
    "Percentage, number of days or amount, depending on the check type: "
    "price deviation and discount limit in % ({price_deviation[1]} and "
    "{discount_limit[1]} at most), duplicate orders within this many days "
    "({duplicate_order[1]} at most), minimum order amount ({minimum_order[1]:,} "
    "at most). Never negative."
).format(**THRESHOLD_RANGES)


class SaleAccuracyRule(models.Model):
    """A check run on quotations before confirmation.

    Each ``check_type`` lives in its own file (``sale_accuracy_check_*.py``),
    which adds its selection value and one private method
    ``_accuracy_check_<type>(data, order_ids, lines)`` returning its findings
    for all the orders the rule applies to, with a number of queries that does
    not depend on the number of orders. Another addon adds a check type the
    same way (see the README's architecture section).
    """

    _name = "sale.accuracy.rule"
    _inherit = ["sales.coordination.rule.mixin"]  # noqa: RUF012
    _description = "Order Accuracy Rule"
    _number_ranges = ACCURACY_NUMBER_RANGES

    code = fields.Char(
        required=True,
        help="Stable key of the rule, unique per company.",
    )
    severity = fields.Selection(
        selection=ACCURACY_SEVERITIES,
        required=True,
        default="warning",
        help="Blocking issues stop the confirmation in enforce mode; "
        "warnings never block.",
    )
    category = fields.Selection(
        selection=ACCURACY_CATEGORIES,
        required=True,
        default="data",
    )
    check_type = fields.Selection(
        selection=[],
        required=True,
        default="domain",
    )
    domain = fields.Char(
        default="[]",
        help="Sale order domain: an order fails the rule when it matches.",
    )
    threshold = fields.Float(help=THRESHOLD_HELP)
    description = fields.Text(translate=True)
    setting_warning = fields.Text(
        compute="_compute_setting_warning",
        help="Why the rule checks nothing in some of its companies (a setting "
        "of Odoo or a threshold it needs). Orders there are not checked by "
        "it, and their check does not count it as passed.",
    )

    stat_hit_count = fields.Integer(
        string="Orders Hit (90 days)",
        compute="_compute_stats",
        help="Orders this rule found issues on over the last 90 days (an "
        "order with four lines flagged by the rule counts once).",
    )
    stat_fix_count = fields.Integer(
        string="Orders Fixed (90 days)",
        compute="_compute_stats",
        help="Of those orders, the ones whose issues of this rule were fixed "
        "since (resolved).",
    )
    stat_override_count = fields.Integer(
        string="Overrides (90 days)",
        compute="_compute_stats",
        help="Of those orders, the ones a Coordination Manager overrode this "
        "rule on: one decision per order, however many of its lines the rule "
        "flagged.",
    )
    stat_override_rate = fields.Float(
        string="Override Rate (%)",
        compute="_compute_stats",
        digits=(16, 1),
        help="Overrides per order hit over the last 90 days: a rule that is "
        "always overridden is a wrong rule.",
    )

    # === COMPUTE METHODS ===

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_stats(self):
        """Counted in orders, not issues: an order whose four lines break a
        rule is one hit, and its override one decision."""
        since = fields.Datetime.now() - timedelta(days=STATS_DAYS)
        counts = {}
        hits = {}
        rules = self.filtered("id")
        # as the reader: a rule shared by every company counts only the
        # issues of the orders they may read
        Issue = self.env["sale.accuracy.issue"]
        if rules and Issue.has_access("read"):
            domain = [
                ("rule_id", "in", rules.ids),
                ("date_found", ">=", since),
                ("state", "in", ("open", "resolved", "overridden")),
            ]
            for rule, state, count in Issue._read_group(
                domain, ["rule_id", "state"], ["order_id:count_distinct"]
            ):
                counts[(rule.id, state)] = count
            hits = {
                rule.id: count
                for rule, count in Issue._read_group(
                    domain, ["rule_id"], ["order_id:count_distinct"]
                )
            }
        for rule in self:
            hit_count = hits.get(rule.id, 0)
            overrides = counts.get((rule.id, "overridden"), 0)
            rule.stat_hit_count = hit_count
            rule.stat_fix_count = counts.get((rule.id, "resolved"), 0)
            rule.stat_override_count = overrides
            rule.stat_override_rate = (
                100.0 * overrides / hit_count if hit_count else 0.0
            )

    @api.depends("check_type", "threshold", "company_id")
    @api.depends_context("allowed_company_ids")
    def _compute_setting_warning(self):
        for rule in self:
            companies = rule.company_id or self.env.companies
            reasons = {}
            for company in companies:
                reason = rule._inapplicable_reason(company)
                if reason:
                    reasons.setdefault(reason, []).append(company.name)
            rule.setting_warning = (
                "\n".join(
                    self.env._(
                        "%(reason)s (%(companies)s)",
                        reason=reason,
                        companies=", ".join(names),
                    )
                    if len(self.env.companies) > 1 or rule.company_id
                    else reason
                    for reason, names in reasons.items()
                )
                or False
            )

    # === CONSTRAINT METHODS ===

    @api.constrains("code", "company_id")
    def _check_code_unique(self):
        groups = self.with_context(active_test=False)._read_group(
            [("code", "in", self.mapped("code"))],
            ["code", "company_id"],
            ["__count"],
        )
        for code, company, count in groups:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "The rule code %(code)s is already used in %(company)s.",
                        code=code,
                        company=company.display_name or self.env._("all companies"),
                    )
                )

    @api.constrains("check_type", "threshold")
    def _check_threshold(self):
        check = self.env["sales.coordination.rpc.check"]
        for rule in self:
            check._sc_check_number(
                rule,
                "threshold",
                rule.threshold,
                THRESHOLD_RANGES.get(rule.check_type, THRESHOLD_DEFAULT_RANGE),
            )

    # === BUSINESS METHODS: RULE MIXIN ===

    @api.model
    def _rule_vals_ranges(self):
        """Numbers the database could not store are refused before they reach
        it; the precise threshold range of the check type is the constraint's
        (the check type may change in the same write)."""
        widest = (
            min(low for low, __ in THRESHOLD_RANGES.values()),
            max(
                THRESHOLD_DEFAULT_RANGE[1],
                *(high for __, high in THRESHOLD_RANGES.values()),
            ),
        )
        return dict(super()._rule_vals_ranges(), threshold=widest)

    @api.model
    def _rule_domain_depends(self):
        return ("check_type", "domain")

    def _rule_uses_domain(self):
        self.ensure_one()
        return self.check_type == "domain"

    def _rule_domain_model(self):
        return "sale.order"

    # === BUSINESS METHODS ===

    def _accuracy_data(self, orders):
        """Read what the checks need of ``orders``, in two queries.

        The checks work on plain values rather than records: reading fields
        record by record through the ORM costs far more than the queries
        themselves when thousands of orders are checked at once. Records are
        only browsed to build the messages of the findings, and for the
        pricelist and stock computations that Odoo owns.
        """
        return _AccuracyData(self._accuracy_env(), orders)

    def _accuracy_env(self):
        """The environment the checks compute with: the same user and mode,
        and a context built here rather than the caller's. Odoo's price and
        stock computations read the context (``no_variant_attributes_price_extra``,
        ``pricelist``, ``quantity``, ``to_date``, ...) and a caller chooses
        it: only the caller's language (when installed) and companies (ids)
        are kept, for the messages and the company-dependent values."""
        context = self.env.context
        lang = context.get("lang")
        installed = dict(self.env["res.lang"].get_installed())
        companies = context.get("allowed_company_ids")
        clean = {
            "lang": lang
            if isinstance(lang, str) and lang in installed
            # the user's language as Odoo's context_get() gives it: cached
            # per user, no query on every check
            else self.env["res.users"].context_get().get("lang")
        }
        if isinstance(companies, list | tuple) and all(
            type(cid) is int for cid in companies
        ):
            clean["allowed_company_ids"] = list(companies)
        return self.env(context=clean)

    def _inapplicable_reason(self, company):
        """Why this rule cannot check the orders of ``company``, or False.

        A rule that needs a setting of Odoo (or a threshold) checks nothing
        while it is missing: the orders of that company are not checked by it,
        and the reason shows on the rule form (``setting_warning``) and on the
        orders (``accuracy_not_applied``). A check type's file extends it for
        its own type.
        """
        self.ensure_one()
        return False

    @api.model
    def _accuracy_order_columns(self):
        """Extra stored columns of ``sale_order`` for the checks' data, as
        ``{key: field name}``: each order row of ``_AccuracyData.orders``
        gets ``row[key]``. Extend it (``super()`` then add) for a check type
        that reads more of the order."""
        return {}

    @api.model
    def _accuracy_line_columns(self):
        """Extra stored columns of ``sale_order_line`` for the checks' data,
        as ``{key: field name}`` (see ``_accuracy_order_columns``)."""
        return {}

    def _applicable_order_ids(self, data):
        """Ids of the orders of ``data`` this rule applies to (company and
        teams), leaving out the companies where it cannot check anything
        (``_inapplicable_reason``)."""
        self.ensure_one()
        company_id = self.company_id.id
        team_ids = set(self.team_ids.ids)
        companies = {order["company_id"] for order in data.orders.values()}
        skipped = {
            cid
            for cid in companies
            if self._inapplicable_reason(self.env["res.company"].sudo().browse(cid))
        }
        if not company_id and not team_ids and not skipped:
            return list(data.orders)
        return [
            oid
            for oid, order in data.orders.items()
            if (not company_id or order["company_id"] == company_id)
            and (not team_ids or order["team_id"] in team_ids)
            and order["company_id"] not in skipped
        ]

    def _not_applied_rules(self, company):
        """The rules of ``self`` that cannot check the orders of ``company``."""
        return self.filtered(
            lambda rule: (
                rule._inapplicable_reason(company)
                and (not rule.company_id or rule.company_id == company)
            )
        )

    def _run_checks(self, data):
        """Run every rule in ``self`` on the orders of ``data`` it applies to.

        Each check receives the data, the ids of the orders the rule applies
        to and their product lines (rows of ``data.lines``), and returns
        ``(order_id, line_id or False, message)`` findings.

        :return: list of findings ``(rule, order_id, line_id, message)``
        """
        findings = []
        for rule in self.with_env(data.env):
            order_ids = rule._applicable_order_ids(data)
            if not order_ids:
                continue
            if len(order_ids) == len(data.orders):
                lines = data.lines
            else:
                lines = [line for oid in order_ids for line in data.lines_by_order[oid]]
            method = getattr(rule, f"_accuracy_check_{rule.check_type}")
            findings += [
                (rule, order_id, line_id, message)
                for order_id, line_id, message in method(data, order_ids, lines)
            ]
        return findings

    # === SIMULATION ===

    @api.model
    @api.readonly
    def simulate(self, date_from, date_to, rule_ids=None, include_uncoordinated=False):
        """What the rules would have found on the orders created between
        ``date_from`` and ``date_to`` (both included), as if they were
        quotations. Writes nothing: no issue, no state, no message.

        Coordination Managers only; the orders are those they may read, of
        the sales teams in coordination (as the checks themselves) unless
        ``include_uncoordinated`` asks for the others too.

        :param date_from: first day (date or ``YYYY-MM-DD``)
        :param date_to: last day (date or ``YYYY-MM-DD``)
        :param rule_ids: ids of the rules to try (archived ones included);
            by default every active rule
        :param bool include_uncoordinated: also the orders of the sales teams
            out of coordination
        :return: ``{rule code: {"orders": distinct orders checked, "flagged":
            with a finding, "blocking": that it would have blocked,
            "order_ids": the first 100 flagged}}``
        :raise AccessError: when the user is not a Coordination Manager
        :raise UserError: on bad dates, ids or flag
        """
        return self._simulate(date_from, date_to, rule_ids, include_uncoordinated)[0]

    @api.model
    def _simulate(self, date_from, date_to, rule_ids=None, include_uncoordinated=False):
        """``simulate``, and its totals over the rules: ``(per rule, total)``
        where ``total`` counts distinct orders (``orders``, ``flagged``,
        ``blocking``): an order flagged by three rules is one flagged order."""
        if not self.env.user.has_group("sales_coordination.group_manager"):
            raise AccessError(
                self.env._("Only Coordination Managers can simulate accuracy rules.")
            )
        check = self.env["sales.coordination.rpc.check"]
        first = check._sc_check_date(date_from, "date_from")
        last = check._sc_check_date(date_to, "date_to")
        check._sc_check_period(first, last, "date_from..date_to")
        if not isinstance(include_uncoordinated, bool):
            raise UserError(self.env._("include_uncoordinated must be true or false."))
        if rule_ids is None:
            rules = self.search([])
        else:
            rules = check._sc_browse_ids(
                "sale.accuracy.rule", rule_ids, "rule_ids"
            ).with_context(active_test=False)
            rules.check_access("read")
        start = fields.Datetime.to_datetime(fields.Date.to_date(first))
        end = fields.Datetime.to_datetime(fields.Date.to_date(last)) + timedelta(days=1)
        domain = [
            ("create_date", ">=", start),
            ("create_date", "<", end),
            ("state", "!=", "cancel"),
        ]
        if not include_uncoordinated:
            domain.append(("sc_coordinated", "=", True))
        orders = self.env["sale.order"].search(domain, order="id")
        return rules.sudo()._simulate_on(orders)

    def _simulate_on(self, orders, batch=1000):
        """Run the rules of ``self`` on ``orders`` as quotations, in batches,
        and count their findings per rule code and in total, in distinct
        orders (see ``_simulate``)."""
        result = {}
        total = {"orders": 0, "flagged": 0, "blocking": 0}
        for rule in self:
            result.setdefault(
                rule.code, {"orders": 0, "flagged": 0, "blocking": 0, "order_ids": []}
            )
        for start in range(0, len(orders), batch):
            data = self._accuracy_data(orders[start : start + batch])
            for row in data.orders.values():
                row["state"] = "draft"
            for line in data.lines:
                line["state"] = "draft"
            flagged = {}
            for rule, order_id, _line, _message in self._run_checks(data):
                flagged.setdefault(rule, set()).add(order_id)
            checked, any_flagged, any_blocking = set(), set(), set()
            for rule in self:
                entry = result[rule.code]
                applicable = rule._applicable_order_ids(data)
                checked.update(applicable)
                entry["orders"] += len(applicable)
                ids = flagged.get(rule, set())
                any_flagged |= ids
                entry["flagged"] += len(ids)
                if rule.severity == "blocking":
                    entry["blocking"] += len(ids)
                    any_blocking |= ids
                room = SIMULATE_MAX_IDS - len(entry["order_ids"])
                if room > 0:
                    entry["order_ids"] += sorted(ids)[:room]
            total["orders"] += len(checked)
            total["flagged"] += len(any_flagged)
            total["blocking"] += len(any_blocking)
        for entry in result.values():
            entry["order_ids"] = sorted(entry["order_ids"])[:SIMULATE_MAX_IDS]
        return result, total

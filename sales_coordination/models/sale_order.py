import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError

_logger = logging.getLogger(__name__)

ACCURACY_FIELDS = frozenset(
    {
        "accuracy_state",
        "accuracy_issue_ids",
        "accuracy_open_issue_ids",
        "accuracy_checked_date",
        "first_time_right",
    }
)
# Changing these on an overridden order voids the override.
ACCURACY_RESET_FIELDS = frozenset({"partner_id", "partner_shipping_id", "pricelist_id"})


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # === FIELDS: OWNERSHIP ===

    coordinator_id = fields.Many2one(
        comodel_name="res.users",
        string="Coordinator",
        compute="_compute_coordinator_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Sales Coordinator following this order. Defaults to the "
        "customer's coordinator, then to the sales team's.",
    )
    administrator_id = fields.Many2one(
        comodel_name="res.users",
        string="Administrator",
        compute="_compute_administrator_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Sales Administrator processing this order. Defaults to the "
        "customer's administrator, then to the sales team's.",
    )

    # === FIELDS: ACCURACY ===

    accuracy_state = fields.Selection(
        selection=[
            ("unchecked", "Unchecked"),
            ("passed", "Passed"),
            ("warning", "Warning"),
            ("blocked", "Blocked"),
            ("overridden", "Overridden"),
        ],
        string="Accuracy",
        # not required: code that creates orders while this addon is not
        # loaded (e.g. during an upgrade of sale) must not hit NOT NULL
        default="unchecked",
        readonly=True,
        copy=False,
        index=True,
        help="Result of the last accuracy check. Blocked orders cannot be "
        "confirmed in enforce mode unless a Coordination Manager overrides them.",
    )
    accuracy_issue_ids = fields.One2many(
        comodel_name="sale.accuracy.issue",
        inverse_name="order_id",
        string="Accuracy Issues",
        readonly=True,
        copy=False,
    )
    accuracy_open_issue_ids = fields.One2many(
        comodel_name="sale.accuracy.issue",
        inverse_name="order_id",
        string="Open Accuracy Issues",
        domain=[("state", "=", "open")],
        readonly=True,
        copy=False,
    )
    accuracy_checked_date = fields.Datetime(
        string="Accuracy Checked on", readonly=True, copy=False
    )
    first_time_right = fields.Boolean(
        string="First Time Right",
        readonly=True,
        copy=False,
        help="The first accuracy check of this order found no issue at all. "
        "Set once, at that first check, and never recomputed.",
    )

    # === COMPUTE METHODS ===

    @api.depends("partner_id", "team_id")
    def _compute_coordinator_id(self):
        for order in self:
            order.coordinator_id = (
                order.partner_id.commercial_partner_id.sales_coordinator_id
                or order.team_id.coordinator_id
                or order.coordinator_id
            )

    @api.depends("partner_id", "team_id")
    def _compute_administrator_id(self):
        for order in self:
            order.administrator_id = (
                order.partner_id.commercial_partner_id.sales_administrator_id
                or order.team_id.administrator_id
                or order.administrator_id
            )

    # === FIELDS: KPI TIMESTAMPS ===

    invoice_posted_date = fields.Datetime(
        string="First Invoice Posted On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the first customer invoice of this order was posted; "
        "the end of the invoice processing time.",
    )
    accuracy_first_checked_date = fields.Datetime(
        string="First Accuracy Check On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the accuracy checks first ran on this order; the data-entry "
        "accuracy KPI counts orders by this date.",
    )
    data_entry_right = fields.Boolean(
        string="Data Entered Right",
        readonly=True,
        copy=False,
        help="The first accuracy check of this order found no data-entry issue "
        "(category Data). Set once, at that first check.",
    )
    # === CRUD METHODS: ACCURACY ===

    def write(self, vals):
        # Follow-ups (issue 4): remember when the quotation was sent.
        if vals.get("state") == "sent" and "quotation_sent_date" not in vals:
            vals = dict(vals, quotation_sent_date=fields.Datetime.now())
        protected = ACCURACY_FIELDS.intersection(vals)
        if protected and not self.env.su:
            raise AccessError(
                self.env._(
                    "The accuracy fields (%(fields)s) are set by the accuracy "
                    "checks only.",
                    fields=", ".join(sorted(protected)),
                )
            )
        overridden = self.browse()
        if ACCURACY_RESET_FIELDS.intersection(vals):
            overridden = self.filtered(
                lambda o: (
                    o.accuracy_state == "overridden" and o.state in ("draft", "sent")
                )
            )
        res = super().write(vals)
        overridden._accuracy_reset_override()
        return res

    # === ACTION METHODS: ACCURACY ===

    def action_check_accuracy(self):
        """Run every applicable active accuracy rule on these orders.

        Opens new issues (never duplicating an open one), resolves the issues
        that no longer apply and sets ``accuracy_state``. Cancelled orders are
        skipped.

        :return: True
        :raise MissingError: when an order does not exist
        :raise AccessError: when the user may not modify an order
        """
        self._accuracy_check_records("write")
        self._accuracy_check()
        return True

    def action_confirm(self):
        """Run the accuracy checks, then confirm.

        In enforce mode, orders with open blocking issues are not confirmed:
        over RPC a UserError lists the issues (their findings survive the
        rollback); from the order form (context key ``accuracy_confirm_dialog``)
        a dialog showing the issues is returned instead.
        """
        # Malformed ids are refused before anything is read (no query here:
        # Odoo's own code confirms orders through this method too).
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(
            self, allow_empty=True, check_exists=False
        )
        quotations = self.filtered(lambda o: o.state in ("draft", "sent"))
        if quotations and not self._accuracy_skip_checks():
            quotations._accuracy_check()
            blocked = quotations._accuracy_blocked()
            if blocked:
                if self.env.context.get("accuracy_confirm_dialog"):
                    return blocked._accuracy_dialog_action(confirm_after=True)
                blocked._accuracy_keep_findings_after_rollback()
                raise UserError(blocked._accuracy_blocking_message())
        return super().action_confirm()

    def action_accuracy_override(self, reason=None):
        """Override the open blocking issues of these quotations.

        Coordination Managers only. The reason is posted in the chatter of
        each order, whose issues become ``overridden``; confirmation then goes
        through until the partner, a price or a quantity changes.

        :param str reason: why the order may go through despite its issues
        :return: True
        :raise AccessError: when the user is not a Coordination Manager
        :raise UserError: on an empty reason, a non-quotation or when there is
            nothing to override
        """
        if not self.env.user.has_group("sales_coordination.group_manager"):
            raise AccessError(
                self.env._("Only Coordination Managers can override accuracy issues.")
            )
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(
                self.env._("Give a reason for the override (a non-empty text).")
            )
        self._accuracy_check_records("write")
        not_quotations = self.filtered(lambda o: o.state not in ("draft", "sent"))
        if not_quotations:
            raise UserError(
                self.env._(
                    "Only quotations can be overridden: %(orders)s.",
                    orders=", ".join(not_quotations.mapped("name")),
                )
            )
        self._accuracy_check()
        blocking = self.accuracy_open_issue_ids.filtered(
            lambda i: i.severity == "blocking"
        )
        if not blocking:
            raise UserError(
                self.env._("These orders have no blocking issue to override.")
            )
        self._accuracy_override(blocking, reason.strip())
        return True

    # === BUSINESS METHODS: ACCURACY ===

    def _accuracy_check_records(self, operation):
        """Validate an RPC recordset: every id exists and is accessible."""
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(
            self, allow_empty=True, check_exists=False
        )
        if not self:
            raise UserError(self.env._("Select at least one order."))
        missing = self - self.exists()
        if missing:
            raise MissingError(
                self.env._(
                    "These orders do not exist (any more): %(ids)s.",
                    ids=", ".join(str(i) for i in missing.ids),
                )
            )
        self.check_access(operation)

    def _accuracy_skip_checks(self):
        """Data files (Odoo's own demo confirms orders) are never checked."""
        return bool(self.env.context.get("install_module"))

    def _accuracy_blocked(self):
        """Orders that may not be confirmed now. Customers confirming or
        paying online (portal and public users) are never blocked: their
        orders are checked, and the issues wait for the administrator."""
        if not self.env.user._is_internal():
            return self.browse()
        return self.filtered(
            lambda o: (
                o.accuracy_state == "blocked"
                and o.company_id.accuracy_mode == "enforce"
            )
        )

    def _accuracy_blocking_message(self):
        lines = [
            self.env._(
                "These orders cannot be confirmed until their blocking issues are "
                "fixed:"
            )
        ]
        for order in self:
            for issue in order.accuracy_open_issue_ids.filtered(
                lambda i: i.severity == "blocking"
            ):
                lines.append(
                    self.env._(
                        "- %(order)s: %(message)s",
                        order=order.name,
                        message=issue.message,
                    )
                )
        lines.append(
            self.env._(
                "Fix them and confirm again, or ask a Coordination Manager to override."
            )
        )
        return "\n".join(lines)

    def _accuracy_dialog_action(self, confirm_after):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Order Accuracy Issues"),
            "res_model": "sale.accuracy.confirm.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_order_ids": self.ids,
                "default_confirm_after": confirm_after,
            },
        }

    def _accuracy_check(self):
        """Run the checks and record their findings (set-wise, as superuser:
        the issues are the system's record, whoever triggers the check)."""
        orders = self.sudo().filtered(lambda o: o.state != "cancel")
        if not orders:
            return
        now = fields.Datetime.now()
        rules = (
            self.env["sale.accuracy.rule"]
            .sudo()
            .search([("company_id", "in", orders.company_id.ids + [False])])
        )
        findings = rules._run_checks(orders)
        Issue = self.env["sale.accuracy.issue"].sudo()
        existing = Issue.search(
            [("order_id", "in", orders.ids), ("state", "in", ("open", "overridden"))]
        )

        def key_of(issue):
            return (issue.order_id.id, issue.line_id.id, issue.rule_id.id)

        open_by_key = {key_of(i): i for i in existing if i.state == "open"}
        overridden_keys = {key_of(i) for i in existing if i.state == "overridden"}
        found_keys = set()
        to_create = []
        found_orders = set()
        data_orders = set()  # for the data-entry accuracy KPI
        blocking_orders, warning_orders, overridden_orders = set(), set(), set()
        for rule, order, line, message in findings:
            key = (order.id, line.id if line else False, rule.id)
            if key in found_keys:
                continue
            found_keys.add(key)
            found_orders.add(order.id)
            if rule.category == "data":
                data_orders.add(order.id)
            if key in overridden_keys and order.accuracy_state == "overridden":
                overridden_orders.add(order.id)
                continue
            (blocking_orders if rule.severity == "blocking" else warning_orders).add(
                order.id
            )
            issue = open_by_key.get(key)
            if issue:
                if issue.message != message:
                    issue.message = message
                continue
            to_create.append(
                {
                    "order_id": order.id,
                    "line_id": line.id if line else False,
                    "rule_id": rule.id,
                    # stored related values, given to spare an UPDATE
                    "rule_code": rule.code,
                    "company_id": order.company_id.id,
                    "partner_id": order.partner_id.id,
                    "severity": rule.severity,
                    "category": rule.category,
                    "message": message,
                    "date_found": now,
                }
            )
        existing.filtered(
            lambda i: i.state == "open" and key_of(i) not in found_keys
        ).write({"state": "resolved", "date_resolved": now})
        Issue.create(to_create)
        groups = defaultdict(list)
        for order in orders:
            if order.id in blocking_orders:
                state = "blocked"
            elif order.id in overridden_orders:
                state = "overridden"
            elif order.id in warning_orders:
                state = "warning"
            else:
                state = "passed"
            first = data_right = None
            if not order.accuracy_checked_date:
                first = order.id not in found_orders
                data_right = order.id not in data_orders
            groups[(state, first, data_right)].append(order.id)
        for (state, first, data_right), ids in groups.items():
            vals = {"accuracy_state": state, "accuracy_checked_date": now}
            if first is not None:
                vals["first_time_right"] = first
                # The data-entry accuracy KPI counts orders by their first check.
                vals["accuracy_first_checked_date"] = now
                vals["data_entry_right"] = data_right
            orders.browse(ids).write(vals)

    def _accuracy_override(self, issues, reason):
        now = fields.Datetime.now()
        issues.sudo().write(
            {
                "state": "overridden",
                "date_overridden": now,
                "overridden_by_id": self.env.uid,
            }
        )
        for order, order_issues in issues.grouped("order_id").items():
            order.sudo().write({"accuracy_state": "overridden"})
            items = Markup().join(
                Markup("<li>%s</li>") % issue.message for issue in order_issues
            )
            order.message_post(
                body=Markup("<p>%s</p><p>%s</p><ul>%s</ul>")
                % (
                    self.env._(
                        "Accuracy issues overridden by %(user)s.",
                        user=self.env.user.name,
                    ),
                    self.env._("Reason: %(reason)s", reason=reason),
                    items,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _accuracy_reset_override(self):
        """An overridden order whose partner, prices or quantities change must
        be checked again."""
        to_reset = self.filtered(
            lambda o: o.accuracy_state == "overridden" and o.state in ("draft", "sent")
        )
        if to_reset:
            to_reset.sudo().write({"accuracy_state": "unchecked"})

    def _accuracy_keep_findings_after_rollback(self):
        """Record the findings again once the current transaction is rolled
        back (a blocked confirmation over RPC raises a UserError).

        The hook runs after the rollback, when this transaction's locks are
        gone. It uses a new cursor, only touches orders that exist in the
        database (committed), skips the ones another transaction has locked
        (that transaction checks them itself) and gives up after a short lock
        timeout instead of hanging the worker. It never raises: the user's
        error is the UserError.
        """
        new_ids = {i for i in self.ids if isinstance(i, int)}
        if not new_ids:
            return
        # One hook per transaction, however many blocked attempts it makes.
        pending = self.env.cr.postrollback.data.setdefault(
            "sales_coordination.accuracy_order_ids", set()
        )
        first = not pending
        pending.update(new_ids)
        if not first:
            return
        registry = self.env.registry
        uid = self.env.uid
        context = dict(self.env.context)

        def record_findings():
            ids = tuple(sorted(pending))
            try:
                with registry.cursor() as cr:
                    if not registry.in_test_mode():
                        cr.execute("SET LOCAL lock_timeout = '2s'")
                        cr.execute("SET LOCAL statement_timeout = '30s'")
                    cr.execute(
                        "SELECT id FROM sale_order WHERE id IN %s "
                        "AND state IN ('draft', 'sent') "
                        "FOR NO KEY UPDATE SKIP LOCKED",
                        [ids],
                    )
                    locked = [row[0] for row in cr.fetchall()]
                    if locked:
                        env = api.Environment(cr, uid, context)
                        env["sale.order"].browse(locked)._accuracy_check()
            except Exception:
                _logger.warning(
                    "Could not record the accuracy findings of orders %s after "
                    "a blocked confirmation",
                    ids,
                    exc_info=True,
                )

        self.env.cr.postrollback.add(record_findings)

    # =====================================================================
    # FOLLOW-UPS AND SUPPORT REQUESTS (issue 4)
    # Kept in one block at the end of the class.
    # =====================================================================

    quotation_sent_date = fields.Datetime(
        string="Quotation Sent On",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="When the quotation was last sent; the follow-up rules count "
        "their delay from it.",
    )
    support_request_ids = fields.One2many(
        comodel_name="sales.support.request",
        inverse_name="order_id",
        string="Support Requests",
    )
    support_request_count = fields.Integer(compute="_compute_support_request_count")

    def _compute_support_request_count(self):
        groups = self.env["sales.support.request"]._read_group(
            [("order_id", "in", self.ids)], ["order_id"], ["__count"]
        )
        counts = {order.id: count for order, count in groups}
        for order in self:
            order.support_request_count = counts.get(order.id, 0)

    def action_view_support_requests(self):
        return self.env["sales.support.request"]._action_view_for(self, "order_id")

    def action_create_support_request(self):
        return self.env["sales.support.request"]._action_create_for(self, "order_id")

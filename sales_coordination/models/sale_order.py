import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

_logger = logging.getLogger(__name__)

ACCURACY_FIELDS = frozenset(
    {
        "accuracy_state",
        "accuracy_issue_ids",
        "accuracy_open_issue_ids",
        "accuracy_checked_date",
        "first_time_right",
        "accuracy_first_checked_date",
        "data_entry_right",
    }
)
# Set by the addon only (see sales.coordination.field.guard): the accuracy
# fields, and the KPI timestamps of posting and sending.
PROTECTED_FIELDS = ACCURACY_FIELDS | {"invoice_posted_date", "quotation_sent_date"}
# The override request of a blocked quotation: set by its actions only.
OVERRIDE_REQUEST_FIELDS = frozenset(
    {
        "accuracy_override_requested_by_id",
        "accuracy_override_request_reason",
        "accuracy_override_request_date",
    }
)
PROTECTED_FIELDS |= OVERRIDE_REQUEST_FIELDS
# Changing these on an overridden order voids the override.
ACCURACY_RESET_FIELDS = frozenset({"partner_id", "partner_shipping_id", "pricelist_id"})
# Changing these on a quotation runs its checks again before the commit (the
# lines' own fields: sale_order_line.LINE_TRIGGER_FIELDS).
ACCURACY_TRIGGER_FIELDS = frozenset(
    {
        "partner_id",
        "partner_invoice_id",
        "partner_shipping_id",
        "pricelist_id",
        "payment_term_id",
        "client_order_ref",
        "order_line",
        "company_id",
        "team_id",
        "date_order",
        "commitment_date",
    }
)
# The orders to check before the transaction commits (cr.precommit.data).
ACCURACY_PRECOMMIT_KEY = "sales_coordination.accuracy_check_ids"


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "sales.coordination.scope.mixin"]  # noqa: RUF012
    _sc_scope_owner_fields = ("coordinator_id", "administrator_id")

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

    accuracy_override_requested_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Override Requested by",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Who asked a Coordination Manager to override the blocking "
        "issues (action_accuracy_request_override); cleared by the decision.",
    )
    accuracy_override_request_reason = fields.Text(
        string="Override Request Reason", readonly=True, copy=False
    )
    accuracy_override_request_date = fields.Datetime(
        string="Override Requested on", readonly=True, copy=False
    )
    accuracy_override_request_age = fields.Integer(
        string="Waiting (days)",
        compute="_compute_accuracy_override_request_age",
        help="Days since the override was requested.",
    )
    accuracy_not_applied = fields.Text(
        string="Rules Not Applied",
        compute="_compute_accuracy_not_applied",
        help="Active accuracy rules that cannot check this order, and why (a "
        "setting they need is off). A passed check means that every other "
        "rule passed; these were not checked.",
    )

    # === COMPUTE METHODS ===

    @api.depends("accuracy_override_request_date")
    def _compute_accuracy_override_request_age(self):
        now = fields.Datetime.now()
        for order in self:
            date = order.accuracy_override_request_date
            order.accuracy_override_request_age = (now - date).days if date else 0

    @api.depends("company_id", "team_id")
    def _compute_accuracy_not_applied(self):
        rules = self.env["sale.accuracy.rule"].sudo().search([])
        for order in self:
            company = order.company_id or self.env.company
            not_applied = rules._not_applied_rules(company).filtered(
                lambda rule, order=order: (
                    not rule.team_ids or order.team_id in rule.team_ids
                )
            )
            order.accuracy_not_applied = (
                "\n".join(
                    self.env._(
                        "%(rule)s: %(reason)s",
                        rule=rule.name,
                        reason=rule._inapplicable_reason(company),
                    )
                    for rule in not_applied
                )
                or False
            )

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

    def _compute_partner_credit_warning(self):
        """Compute Odoo's credit-limit banner as superuser.

        Odoo 18.0 reads the customer's credit limit (a company-dependent field
        restricted to accounting users) as the current user: once "Sales Credit
        Limit" is enabled, a coordinator or salesperson without accounting
        rights cannot even open a quotation (fixed upstream after 18.0, in
        odoo/odoo#189209). The banner only shows amounts the credit-limit
        accuracy rule also reports to them.
        """
        return super(SaleOrder, self.sudo())._compute_partner_credit_warning()

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

    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sales.coordination.field.guard"]._sc_guard_create(
            self, vals_list, PROTECTED_FIELDS
        )
        if not self.env.su and any(
            vals.get("state", self.env.context.get("default_state")) == "sale"
            for vals in vals_list
        ):
            raise UserError(self._accuracy_confirm_only_message())
        records = super(SaleOrder, orders).create(vals_list)
        records._accuracy_schedule_check()
        return records

    def write(self, vals):
        guard = self.env["sales.coordination.field.guard"]
        guard._sc_guard_write(self, vals, PROTECTED_FIELDS)
        if vals.get("state") == "sale" and not guard._sc_is_trusted(self, "state"):
            raise UserError(self._accuracy_confirm_only_message())
        # Follow-ups: remember when the quotation was sent.
        if vals.get("state") == "sent" and "quotation_sent_date" not in vals:
            vals = dict(vals, quotation_sent_date=fields.Datetime.now())
        overridden = self.browse()
        if ACCURACY_RESET_FIELDS.intersection(vals):
            overridden = self.filtered(
                lambda o: (
                    o.accuracy_state == "overridden" and o.state in ("draft", "sent")
                )
            )
        res = super().write(vals)
        overridden._accuracy_reset_override()
        if vals.get("state") == "sent" or ACCURACY_TRIGGER_FIELDS.intersection(vals):
            self._accuracy_schedule_check()
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
        if quotations:
            # the checks write as superuser: a user who may only read the
            # orders must not make them write anything
            quotations.check_access("write")
            quotations._accuracy_check()
            blocked = quotations._accuracy_blocked()
            if blocked:
                if self.env.context.get("accuracy_confirm_dialog"):
                    return blocked._accuracy_dialog_action(confirm_after=True)
                blocked._accuracy_keep_findings_after_rollback()
                raise UserError(blocked._accuracy_blocking_message())
        # Odoo's confirmation writes the state itself: only this flow, on
        # these orders, may set it to ``sale`` (see write).
        trusted = self.env["sales.coordination.field.guard"]._sc_trusted(
            self, ["state"]
        )
        return super(SaleOrder, trusted).action_confirm()

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

    def action_accuracy_request_override(self, reason=None):
        """Ask a Coordination Manager to override the blocking issues.

        For whoever may modify these quotations and is stopped by a blocking
        issue. Records who asked, why and when, and schedules an "Override
        request" activity for a Coordination Manager of the order's company:
        the sales team's leader when he is one, else the first one. A new
        request replaces a pending one.

        :param str reason: why the order should go through
        :return: True
        :raise UserError: on an empty reason, a non-quotation, an order without
            a blocking issue, or a company without a Coordination Manager
        :raise AccessError: when the user may not modify an order
        """
        reason = self._accuracy_reason(reason)
        self._accuracy_check_records("write")
        self._accuracy_check_quotations()
        self._accuracy_check()
        unblocked = self.filtered(lambda o: o.accuracy_state != "blocked")
        if unblocked:
            raise UserError(
                self.env._(
                    "Only blocked quotations need an override: %(orders)s.",
                    orders=", ".join(unblocked.mapped("name")),
                )
            )
        approvers = {order.id: order._accuracy_override_approver() for order in self}
        missing = self.filtered(lambda o: not approvers[o.id])
        if missing:
            raise UserError(
                self.env._(
                    "No Coordination Manager can approve overrides in the company "
                    "of %(orders)s: ask your administrator to appoint one.",
                    orders=", ".join(missing.mapped("name")),
                )
            )
        self._accuracy_close_override_request(False, False)
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "accuracy_override_requested_by_id": self.env.uid,
                "accuracy_override_request_reason": reason,
                "accuracy_override_request_date": now,
            }
        )
        for order in self.sudo():
            order.activity_schedule(
                "sales_coordination.mail_activity_type_override_request",
                user_id=approvers[order.id].id,
                summary=self.env._(
                    "Override requested by %(user)s", user=self.env.user.name
                ),
                note=reason,
            )
        bodies = {
            order.id: Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "Override requested by %(user)s from %(manager)s.",
                    user=self.env.user.name,
                    manager=approvers[order.id].name,
                ),
                self.env._("Reason: %(reason)s", reason=reason),
            )
            for order in self
        }
        self._message_log_batch(bodies=bodies)
        return True

    def action_accuracy_reject_override(self, reason=None):
        """Refuse the pending override requests of these quotations.

        Coordination Managers only. The "Override request" activity is closed
        with the decision, a note telling the requester is logged, and the
        request fields are cleared; the issues stay open.

        :param str reason: why the order may not go through
        :return: True
        :raise AccessError: when the user is not a Coordination Manager
        :raise UserError: on an empty reason or an order without a pending
            request
        """
        self._accuracy_check_manager()
        reason = self._accuracy_reason(reason)
        self._accuracy_check_records("write")
        not_requested = self.filtered(lambda o: not o.accuracy_override_requested_by_id)
        if not_requested:
            raise UserError(
                self.env._(
                    "No override was requested for %(orders)s.",
                    orders=", ".join(not_requested.mapped("name")),
                )
            )
        self._accuracy_close_override_request(
            self.env._("Override refused: %(reason)s", reason=reason),
            self.env._("Override refused by %(user)s.", user=self.env.user.name),
            reason,
        )
        return True

    # === BUSINESS METHODS: ACCURACY ===

    def _accuracy_check_manager(self):
        if not self.env.user.has_group("sales_coordination.group_manager"):
            raise AccessError(
                self.env._("Only Coordination Managers can decide on overrides.")
            )

    def _accuracy_reason(self, reason):
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("Give a reason (a non-empty text)."))
        return reason.strip()

    def _accuracy_check_quotations(self):
        not_quotations = self.filtered(lambda o: o.state not in ("draft", "sent"))
        if not_quotations:
            raise UserError(
                self.env._(
                    "Only quotations can be overridden: %(orders)s.",
                    orders=", ".join(not_quotations.mapped("name")),
                )
            )

    def _accuracy_override_approver(self):
        """The Coordination Manager who receives the override request: the
        sales team's leader when he is one, else the first manager of the
        order's company (Odoo administrators last)."""
        self.ensure_one()
        managers = self.company_id._sc_coordination_managers()
        leader = self.team_id.sudo().user_id
        if leader in managers:
            return leader
        return managers.sorted(lambda u: (u._is_admin(), u.id))[:1]

    def _accuracy_close_override_request(self, feedback, decision, reason=None):
        """Close the pending override requests: their activities are marked
        done with ``feedback``, a note tells the requester the ``decision``,
        and the request fields are cleared. Without ``decision`` (a new
        request replacing one) the old activities are simply removed."""
        requested = self.sudo().filtered("accuracy_override_requested_by_id")
        if not requested:
            return
        activity_type = self.env.ref(
            "sales_coordination.mail_activity_type_override_request"
        )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", requested.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        if decision:
            # Odoo posts the "activity done" message as the current user,
            # which needs an email address: without one, as the system
            author = (
                self.env.user if self.env.user.email else self.env.ref("base.user_root")
            )
            activities.with_user(author)._action_done(feedback=feedback)
            bodies = {
                order.id: Markup("<p>%s</p><p>%s</p>")
                % (decision, self.env._("Reason: %(reason)s", reason=reason))
                for order in requested
            }
            for order in requested:
                order.with_env(self.env)._message_log(
                    body=bodies[order.id],
                    partner_ids=order.accuracy_override_requested_by_id.partner_id.ids,
                )
        else:
            activities.unlink()
        requested.write(dict.fromkeys(OVERRIDE_REQUEST_FIELDS, False))

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

    def _accuracy_blocked(self):
        """Orders that may not be confirmed now. Customers confirming or
        paying online (portal and public users) are never blocked: their
        orders are checked, and the issues wait for the administrator.
        Neither are the orders that modules confirm in their data files while
        they are installed or upgraded: the registry is ready only once every
        module is loaded, and no request is served before (no context key a
        caller could send decides this)."""
        if not self.env.user._is_internal() or not self.env.registry.ready:
            return self.browse()
        return self.filtered(
            lambda o: (
                o.accuracy_state == "blocked"
                and o.company_id.accuracy_mode == "enforce"
            )
        )

    def _accuracy_confirm_only_message(self):
        return self.env._(
            "An order becomes a sales order only through its confirmation "
            "(the Confirm button, or action_confirm over RPC), which runs the "
            "accuracy checks; the state cannot be set to %(state)s directly.",
            state="sale",
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

    def _accuracy_schedule_check(self):
        """Check these orders before the transaction commits.

        In the manner of mail's tracking: the ids gather in the cursor's
        pre-commit data, and one hook per transaction checks all of them at
        once (``_accuracy_precommit_check``), however many creates and writes
        touched them. Only quotations are checked; an order checked
        explicitly later in the transaction leaves the set.
        """
        ids = [i for i in self.ids if isinstance(i, int)]
        if not ids:
            return
        data = self.env.cr.precommit.data
        pending = data.get(ACCURACY_PRECOMMIT_KEY)
        if pending is None:
            pending = data[ACCURACY_PRECOMMIT_KEY] = set()
            self.env.cr.precommit.add(self.browse()._accuracy_precommit_check)
        pending.update(ids)

    def _accuracy_precommit_check(self):
        """The pre-commit hook: check the quotations gathered in this
        transaction, set-wise, in a savepoint. It never raises: a check that
        fails leaves these orders as they were (logged), and the user's
        transaction commits."""
        ids = self.env.cr.precommit.data.pop(ACCURACY_PRECOMMIT_KEY, set())
        if not ids:
            return
        orders = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [("id", "in", list(ids)), ("state", "in", ("draft", "sent"))],
                order="id",
            )
        )
        if not orders:
            return
        try:
            with self.env.cr.savepoint():
                orders.with_env(self.env)._accuracy_check_orders()
                self.env.flush_all()
        except Exception:
            _logger.warning(
                "Could not check the accuracy of orders %s before the commit",
                sorted(ids),
                exc_info=True,
            )

    def _accuracy_check(self):
        """Run the checks and record their findings (set-wise, as superuser:
        the issues are the system's record, whoever triggers the check).

        The issues are written with a few set-wise statements rather than the
        ORM's ``create`` and ``write``: checking thousands of orders opens
        thousands of issues, and ``sale.accuracy.issue`` has no override, no
        tracking and no stored field computed from another model. The caches
        of what depends on the issues are invalidated afterwards.
        """
        orders = self.sudo().search(
            [("id", "in", self.ids), ("state", "!=", "cancel")], order="id"
        )
        orders.with_env(self.env)._accuracy_check_orders()

    def _accuracy_check_orders(self):
        """``_accuracy_check`` on orders known to exist and not to be
        cancelled, in the order of their ids (the pre-commit hook has just
        searched them: no second search)."""
        orders = self.sudo()
        pending = self.env.cr.precommit.data.get(ACCURACY_PRECOMMIT_KEY)
        if pending:
            pending.difference_update(orders.ids)
        if not orders:
            return
        now = fields.Datetime.now()
        rules = (
            self.env["sale.accuracy.rule"]
            .sudo()
            .search([("company_id", "in", orders.company_id.ids + [False])])
        )
        data = rules._accuracy_data(orders)
        findings = rules._run_checks(data)
        rule_info = {
            rule.id: (rule.code, rule.severity, rule.category) for rule in rules
        }
        Issue = self.env["sale.accuracy.issue"].sudo()
        Issue.flush_model()
        existing = self.env.execute_query(
            SQL(
                "SELECT id, order_id, COALESCE(line_id, 0), rule_id, state, message "
                "FROM sale_accuracy_issue "
                "WHERE order_id = ANY(%s) AND state IN ('open', 'overridden')",
                list(data.orders),
            )
        )
        open_by_key = {}
        overridden_keys = set()
        for issue_id, order_id, line_id, rule_id, state, message in existing:
            if state == "open":
                open_by_key[(order_id, line_id, rule_id)] = (issue_id, message)
            else:
                overridden_keys.add((order_id, line_id, rule_id))
        found_keys = set()
        to_create = []
        to_update = []  # (issue id, new message)
        found_orders = set()
        data_orders = set()  # for the data-entry accuracy KPI
        blocking_orders, warning_orders, overridden_orders = set(), set(), set()
        for rule, order_id, line_id, message in findings:
            key = (order_id, line_id or 0, rule.id)
            if key in found_keys:
                continue
            found_keys.add(key)
            found_orders.add(order_id)
            code, severity, category = rule_info[rule.id]
            if category == "data":
                data_orders.add(order_id)
            order = data.orders[order_id]
            if key in overridden_keys and order["accuracy_state"] == "overridden":
                overridden_orders.add(order_id)
                continue
            (blocking_orders if severity == "blocking" else warning_orders).add(
                order_id
            )
            if key in open_by_key:
                issue_id, old_message = open_by_key[key]
                if old_message != message:
                    to_update.append((issue_id, message))
                continue
            to_create.append(
                (
                    order_id,
                    line_id or None,
                    rule.id,
                    code,
                    order["company_id"],
                    order["partner_id"],
                    severity,
                    category,
                    message,
                )
            )
        resolved = [
            issue_id
            for key, (issue_id, _message) in open_by_key.items()
            if key not in found_keys
        ]
        self._accuracy_write_issues(to_create, to_update, resolved, now)
        self._accuracy_write_states(
            data,
            {
                "blocked": blocking_orders,
                "overridden": overridden_orders,
                "warning": warning_orders,
            },
            found_orders,
            data_orders,
            now,
        )

    def _accuracy_write_states(self, data, by_state, found_orders, data_orders, now):
        """Set the accuracy state of the checked orders, grouped by value.

        :param by_state: order ids per state, the most severe state winning:
            ``blocked``, then ``overridden``, then ``warning``; the others
            passed
        :param found_orders: ids of the orders with any finding
        :param data_orders: ids of the orders with a finding of the data
            category
        """
        orders = self.env["sale.order"].sudo()
        groups = defaultdict(list)
        for order_id, order in data.orders.items():
            state = next(
                (state for state, ids in by_state.items() if order_id in ids),
                "passed",
            )
            first = data_right = None
            if not order["accuracy_checked_date"]:
                first = order_id not in found_orders
                data_right = order_id not in data_orders
            groups[(state, first, data_right)].append(order_id)
        for (state, first, data_right), ids in groups.items():
            vals = {"accuracy_state": state, "accuracy_checked_date": now}
            if first is not None:
                vals["first_time_right"] = first
                # The data-entry accuracy KPI counts orders by their first check.
                vals["accuracy_first_checked_date"] = now
                vals["data_entry_right"] = data_right
            orders.browse(ids).write(vals)

    def _accuracy_write_issues(self, to_create, to_update, to_resolve, now):
        """Insert, update and resolve accuracy issues in three statements.

        :param to_create: tuples (order, line or None, rule, rule code, company,
            partner, severity, category, message)
        :param to_update: tuples (issue id, new message)
        :param to_resolve: ids of the open issues that no longer apply
        """
        uid = self.env.uid
        if to_create:
            columns = list(zip(*to_create, strict=True))
            self.env.execute_query(
                SQL(
                    """
                INSERT INTO sale_accuracy_issue (
                    order_id, line_id, rule_id, rule_code, company_id,
                    partner_id, severity, category, message, state, date_found,
                    create_uid, create_date, write_uid, write_date)
                SELECT t.*, 'open', %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(orders)s::int4[], %(lines)s::int4[],
                              %(rules)s::int4[], %(codes)s::varchar[],
                              %(companies)s::int4[], %(partners)s::int4[],
                              %(severities)s::varchar[], %(categories)s::varchar[],
                              %(messages)s::text[]) AS t
                    """,
                    now=now,
                    uid=uid,
                    orders=list(columns[0]),
                    lines=list(columns[1]),
                    rules=list(columns[2]),
                    codes=list(columns[3]),
                    companies=list(columns[4]),
                    partners=list(columns[5]),
                    severities=list(columns[6]),
                    categories=list(columns[7]),
                    messages=list(columns[8]),
                )
            )
        if to_update:
            ids, messages = zip(*to_update, strict=True)
            self.env.execute_query(
                SQL(
                    """
                UPDATE sale_accuracy_issue i
                   SET message = t.message, write_uid = %s, write_date = %s
                  FROM unnest(%s::int4[], %s::text[]) AS t(id, message)
                 WHERE i.id = t.id
                    """,
                    uid,
                    now,
                    list(ids),
                    list(messages),
                )
            )
        if to_resolve:
            self.env.execute_query(
                SQL(
                    "UPDATE sale_accuracy_issue SET state = 'resolved', "
                    "date_resolved = %s, write_uid = %s, write_date = %s "
                    "WHERE id = ANY(%s)",
                    now,
                    uid,
                    now,
                    to_resolve,
                )
            )
        if to_create or to_update or to_resolve:
            # what reads the issues: the issues themselves, the orders' issue
            # lists and the line markers
            self.env["sale.accuracy.issue"].invalidate_model()
            self.env["sale.order"].invalidate_model(
                ["accuracy_issue_ids", "accuracy_open_issue_ids"]
            )
            self.env["sale.order.line"].invalidate_model(
                ["accuracy_issue_level", "accuracy_issue_message"]
            )

    def _accuracy_override(self, issues, reason):
        now = fields.Datetime.now()
        issues.sudo().write(
            {
                "state": "overridden",
                "date_overridden": now,
                "overridden_by_id": self.env.uid,
            }
        )
        bodies = {}
        for order, order_issues in issues.grouped("order_id").items():
            order.sudo().write({"accuracy_state": "overridden"})
            items = Markup().join(
                Markup("<li>%s</li>") % issue.message for issue in order_issues
            )
            bodies[order.id] = Markup("<p>%s</p><p>%s</p><ul>%s</ul>") % (
                self.env._(
                    "Accuracy issues overridden by %(user)s.",
                    user=self.env.user.name,
                ),
                self.env._("Reason: %(reason)s", reason=reason),
                items,
            )
        # An audit note, logged: it notifies nobody, so its author (the
        # manager) needs no email address, unlike message_post.
        self.browse(list(bodies))._message_log_batch(bodies=bodies)
        self.browse(list(bodies))._accuracy_close_override_request(
            self.env._("Override approved: %(reason)s", reason=reason),
            self.env._("Override approved by %(user)s.", user=self.env.user.name),
            reason,
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
        # warehouse and billing users read orders but not requests
        groups="sales_team.group_sale_salesman",
    )
    support_request_count = fields.Integer(compute="_compute_support_request_count")

    def _compute_support_request_count(self):
        Request = self.env["sales.support.request"]
        if not Request.has_access("read"):
            self.support_request_count = 0
            return
        groups = Request._read_group(
            [("order_id", "in", self.ids)], ["order_id"], ["__count"]
        )
        counts = {order.id: count for order, count in groups}
        for order in self:
            order.support_request_count = counts.get(order.id, 0)

    def action_view_support_requests(self):
        return self.env["sales.support.request"]._action_view_for(self, "order_id")

    def action_create_support_request(self):
        return self.env["sales.support.request"]._action_create_for(self, "order_id")

    # =====================================================================
    # HISTORY AT INSTALL
    # The post-install hook (hooks.py) fills the stored fields the KPIs and
    # the follow-ups read from the orders' history, in SQL and in batches of
    # order ids. One overridable method per field family.
    # =====================================================================

    _history_batch_size = 100_000

    def _auto_init(self):
        # Created before the ORM sees the fields: the ORM would compute the
        # owners of every existing order one by one at install; on years of
        # orders the post-install hook does it in SQL instead
        # (_history_backfill_owners).
        cr = self.env.cr
        for column in ("coordinator_id", "administrator_id"):
            if not column_exists(cr, "sale_order", column):
                create_column(cr, "sale_order", column, "int4")
        return super()._auto_init()

    @api.model
    def _history_backfill(self):
        """Back-fill the addon's stored fields of the existing orders."""
        self.env.flush_all()
        self._history_backfill_owners()
        self._history_backfill_invoice_posted_date()
        self._history_backfill_quotation_sent_date()
        self.invalidate_model(
            ["coordinator_id", "administrator_id", "invoice_posted_date"]
            + ["quotation_sent_date"]
        )

    @api.model
    def _history_backfill_owners(self):
        """Coordinator and administrator of the orders that have none: the
        customer's commercial partner's, else the sales team's (as
        ``_compute_coordinator_id`` would)."""
        return self._history_run_batches(
            "owners",
            lambda low, high: SQL(
                """
                UPDATE sale_order so
                   SET coordinator_id = COALESCE(so.coordinator_id, src.coordinator),
                       administrator_id = COALESCE(so.administrator_id,
                                                   src.administrator)
                  FROM (
                    SELECT o.id,
                           COALESCE(cp.sales_coordinator_id, t.coordinator_id)
                               AS coordinator,
                           COALESCE(cp.sales_administrator_id, t.administrator_id)
                               AS administrator
                      FROM sale_order o
                      JOIN res_partner p ON p.id = o.partner_id
                      LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
                      LEFT JOIN crm_team t ON t.id = o.team_id
                     WHERE o.id >= %(low)s AND o.id < %(high)s
                       AND (o.coordinator_id IS NULL OR o.administrator_id IS NULL)
                  ) AS src
                 WHERE so.id = src.id
                   AND so.id >= %(low)s AND so.id < %(high)s
                   AND ((so.coordinator_id IS NULL AND src.coordinator IS NOT NULL)
                        OR (so.administrator_id IS NULL
                            AND src.administrator IS NOT NULL))
                """,
                low=low,
                high=high,
            ),
        )

    @api.model
    def _history_backfill_invoice_posted_date(self):
        """When each order's first customer invoice was posted: the earliest
        tracked change of an invoice's state to posted, else (no tracking) the
        invoice date of its posted invoices, never before the order date."""
        state_field, labels = self._history_selection_labels(
            "account.move", "state", "posted"
        )
        return self._history_run_batches(
            "invoice_posted_date",
            lambda low, high: SQL(
                """
                UPDATE sale_order so
                   SET invoice_posted_date = src.posted
                  FROM (
                    SELECT sol.order_id,
                           min(COALESCE(
                               tracked.posted,
                               CASE WHEN am.state = 'posted' THEN
                                   GREATEST(am.invoice_date::timestamp, o.date_order)
                               END)) AS posted
                      FROM sale_order_line sol
                      JOIN sale_order o ON o.id = sol.order_id
                      JOIN sale_order_line_invoice_rel rel
                        ON rel.order_line_id = sol.id
                      JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                      JOIN account_move am
                        ON am.id = aml.move_id AND am.move_type = 'out_invoice'
                      LEFT JOIN LATERAL (
                        SELECT min(m.date) AS posted
                          FROM mail_message m
                          JOIN mail_tracking_value v ON v.mail_message_id = m.id
                         WHERE m.model = 'account.move' AND m.res_id = am.id
                           AND v.field_id = %(field)s
                           AND v.new_value_char = ANY(%(labels)s)
                      ) AS tracked ON TRUE
                     WHERE sol.order_id >= %(low)s AND sol.order_id < %(high)s
                       AND o.invoice_posted_date IS NULL
                     GROUP BY sol.order_id
                  ) AS src
                 WHERE so.id = src.order_id AND src.posted IS NOT NULL
                   AND so.id >= %(low)s AND so.id < %(high)s
                """,
                field=state_field,
                labels=labels,
                low=low,
                high=high,
            ),
        )

    @api.model
    def _history_backfill_quotation_sent_date(self):
        """When each quotation was last sent: the latest tracked change of its
        state to sent. A quotation still sent without such a tracking (sent by
        email, which Odoo does not track) gets its last email to the
        customer, else its quotation date."""
        state_field, labels = self._history_selection_labels(
            "sale.order", "state", "sent"
        )
        return self._history_run_batches(
            "quotation_sent_date",
            lambda low, high: SQL(
                """
                UPDATE sale_order so
                   SET quotation_sent_date = COALESCE(
                           tracked.sent, emailed.sent, so.date_order)
                  FROM sale_order o
                  LEFT JOIN LATERAL (
                    SELECT max(m.date) AS sent
                      FROM mail_message m
                      JOIN mail_tracking_value v ON v.mail_message_id = m.id
                     WHERE m.model = 'sale.order' AND m.res_id = o.id
                       AND v.field_id = %(field)s
                       AND v.new_value_char = ANY(%(labels)s)
                  ) AS tracked ON TRUE
                  LEFT JOIN LATERAL (
                    SELECT max(m.date) AS sent
                      FROM mail_message m
                     WHERE o.state = 'sent'
                       AND m.model = 'sale.order' AND m.res_id = o.id
                       AND m.message_type = 'comment'
                       AND EXISTS(
                           SELECT 1 FROM mail_message_res_partner_rel r
                            WHERE r.mail_message_id = m.id
                              AND r.res_partner_id = o.partner_id)
                  ) AS emailed ON TRUE
                 WHERE so.id = o.id
                   AND so.id >= %(low)s AND so.id < %(high)s
                   AND o.id >= %(low)s AND o.id < %(high)s
                   AND o.quotation_sent_date IS NULL
                   AND (tracked.sent IS NOT NULL OR o.state = 'sent')
                """,
                field=state_field,
                labels=labels,
                low=low,
                high=high,
            ),
        )

    @api.model
    def _history_selection_labels(self, model, fname, value):
        """(field id, labels of ``value`` in every language): tracking values
        keep a selection's label, in the language of whoever changed it."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT f.id, array_agg(DISTINCT t.label)
                  FROM ir_model_fields f
                  JOIN ir_model_fields_selection s
                    ON s.field_id = f.id AND s.value = %(value)s
                 CROSS JOIN LATERAL jsonb_each_text(s.name) AS t(lang, label)
                 WHERE f.model = %(model)s AND f.name = %(fname)s
                 GROUP BY f.id
                """,
                model=model,
                fname=fname,
                value=value,
            )
        )
        if not rows:
            return 0, []
        return rows[0]

    @api.model
    def _history_run_batches(self, label, make_statement):
        """Run ``make_statement(low, high)`` over the order ids in batches of
        ``_history_batch_size``, logging the progress; return the number of
        orders updated."""
        cr = self.env.cr
        cr.execute("SELECT min(id), max(id) FROM sale_order")
        first, last = cr.fetchone()
        if first is None:
            return 0
        size = self._history_batch_size
        updated = 0
        for low in range(first, last + 1, size):
            high = min(low + size, last + 1)
            cr.execute(make_statement(low, high))
            updated += cr.rowcount
            _logger.info(
                "Sales Coordination back-fill of %s: orders up to id %s of %s, "
                "%s updated",
                label,
                high - 1,
                last,
                updated,
            )
        return updated

    # === BUSINESS METHODS: FOLLOW-UPS ===

    def _action_confirm(self):
        res = super()._action_confirm()
        # The quotation follow-ups have no reason left: closed at once.
        self.env["sales.followup.rule"]._close_followups_of(self)
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self.env["sales.followup.rule"]._close_followups_of(self)
        return res

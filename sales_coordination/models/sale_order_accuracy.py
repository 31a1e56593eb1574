# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import MissingError, UserError
from odoo.tools import SQL

from .sale_accuracy_data import pg_array
from .sale_order_accuracy_override import OVERRIDE_REQUEST_FIELDS
from .sale_order_accuracy_scope import ORDER_PRICE_FIELDS, ORDER_STOCK_FIELDS

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
# fields, the override request, and the KPI timestamps of posting and sending.
PROTECTED_FIELDS = (
    ACCURACY_FIELDS
    | OVERRIDE_REQUEST_FIELDS
    | {"invoice_posted_date", "quotation_sent_date"}
)
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
    """Accuracy: the checks' fields, the check and confirmation actions (the
    automatic check before the commit: sale_order_accuracy_precommit.py; the
    findings: sale_order_accuracy_issues.py; the override requests:
    sale_order_accuracy_override.py)."""

    _inherit = "sale.order"

    # === FIELDS ===

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
        "confirmed in enforce mode unless a Coordination Manager overrides them. "
        "The check that runs by itself on a save prices again only the lines "
        "whose product, quantity, unit, price or discount changed (all lines "
        "when the customer, pricelist, date or company changed), and "
        "forecasts again only the stock of the products whose lines changed "
        "(all of them when the delivery date, warehouse or company changed); "
        "Check accuracy and the confirmation check every line.",
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
        string="Accuracy Checked on",
        readonly=True,
        copy=False,
        help="When a check last changed the result of this order (its state "
        "or its issues). A check that finds what the previous one found "
        "writes nothing on the order, this date included.",
    )
    first_time_right = fields.Boolean(
        string="First Time Right",
        readonly=True,
        copy=False,
        help="The first accuracy check of this order found no issue at all. "
        "Set once, at that first check, and never recomputed.",
    )

    accuracy_not_applied = fields.Text(
        string="Rules Not Applied",
        compute="_compute_accuracy_not_applied",
        help="Active accuracy rules that cannot check this order, and why (a "
        "setting they need is off). A passed check means that every other "
        "rule passed; these were not checked.",
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
    # === COMPUTE METHODS ===

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

    # === CRUD METHODS ===

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
        records._accuracy_reprice_lines()
        records._accuracy_restock_lines()
        records._accuracy_schedule_check()
        return records

    def write(self, vals):
        guard = self.env["sales.coordination.field.guard"]
        guard._sc_guard_write(self, vals, PROTECTED_FIELDS)
        if vals.get("state") == "sale" and not guard._sc_is_trusted(self, "state"):
            raise UserError(self._accuracy_confirm_only_message())
        res = super().write(vals)
        if ORDER_PRICE_FIELDS.intersection(vals):
            self._accuracy_reprice_lines()
        if ORDER_STOCK_FIELDS.intersection(vals):
            self._accuracy_restock_lines()
        if vals.get("state") == "sent" or ACCURACY_TRIGGER_FIELDS.intersection(vals):
            self._accuracy_schedule_check()
        return res

    def web_save(self, vals, specification, next_id=None):
        # The form reads the saved quotation back at once: its automatic
        # check runs before that read (web_read below), so the answer to
        # the save shows the checked state and the banner.
        return super(
            SaleOrder, self.with_context(sc_accuracy_check_on_read=True)
        ).web_save(vals, specification, next_id=next_id)

    def web_read(self, specification):
        if self.env.context.get("sc_accuracy_check_on_read") is True:
            self._accuracy_check_pending_now()
        return super().web_read(specification)

    # === ACTION METHODS ===

    def action_accuracy_fix_all(self):
        """Apply every one-click fix available on these quotations, then
        check them again (a fix may reveal another fixable issue: up to
        three rounds).

        :return: True (from the form, context ``sc_accuracy_notify``: a
            notification saying how many issues were fixed)
        :raise UserError: when an order is not a quotation
        :raise AccessError: when the user may not modify an order
        """
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self)
        self.check_access("write")
        self._accuracy_assert_fixable()
        fixed = 0
        for __ in range(3):
            self.invalidate_recordset(["accuracy_open_issue_ids"])
            issues = self.accuracy_open_issue_ids.filtered("fix_label")
            if not issues:
                break
            issues.with_context(sc_accuracy_notify=False).action_fix()
            fixed += len(issues)
        if not fixed:
            self._accuracy_run()
        Issue = self.env["sale.accuracy.issue"]
        return Issue._accuracy_fix_answer(
            self.env._(
                "%(count)s issue(s) fixed; the quotation was checked again.",
                count=fixed,
            )
            if fixed
            else self.env._(
                "Nothing to fix in one click; the quotation was checked again."
            )
        )

    def action_check_accuracy(self):
        """Run every applicable active accuracy rule on these orders.

        Opens new issues (never duplicating an open one), resolves the issues
        that no longer apply and sets ``accuracy_state``. Cancelled orders are
        skipped.

        :return: True
        :raise MissingError: when an order does not exist
        :raise AccessError: when the user may not modify an order
        """
        ids = self._accuracy_validate_records("write")
        self.browse(sorted(ids))._accuracy_run_orders()
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
            quotations._accuracy_run()
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

    # === BUSINESS METHODS ===

    def _accuracy_validate_records(self, operation):
        """Validate an RPC recordset: every id exists and is accessible.

        :return: the ids of these orders that are not cancelled (read in the
            same query as their existence)
        """
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(
            self, allow_empty=True, check_exists=False
        )
        if not self:
            raise UserError(self.env._("Select at least one order."))
        existing = self._accuracy_states_in_db()
        missing = self.filtered(lambda order: order.id not in existing)
        if missing:
            raise MissingError(
                self.env._(
                    "These orders do not exist (any more): %(ids)s.",
                    ids=", ".join(str(i) for i in missing.ids),
                )
            )
        self.check_access(operation)
        return {oid for oid, state in existing.items() if state != "cancel"}

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
            lambda o: o.accuracy_state == "blocked" and o._accuracy_mode() == "enforce"
        )

    def _accuracy_mode(self):
        """The accuracy mode of the order: its sales team's when the team has
        one, else its company's."""
        self.ensure_one()
        return self.team_id.sudo().accuracy_mode or self.company_id.accuracy_mode

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

    def _accuracy_assert_fixable(self):
        """Only the issues of quotations are fixed (a UserError otherwise)."""
        wrong = self.filtered(lambda order: order.state not in ("draft", "sent"))
        if wrong:
            raise UserError(
                self.env._(
                    "Only the issues of quotations can be fixed: %(orders)s is "
                    "confirmed or cancelled.",
                    orders=", ".join(wrong.mapped("name")),
                )
            )

    def _accuracy_run(self):
        """Run the checks and record their findings (set-wise, as superuser:
        the issues are the system's record, whoever triggers the check).

        The issues are written with a few set-wise statements rather than the
        ORM's ``create`` and ``write``: checking thousands of orders opens
        thousands of issues, and ``sale.accuracy.issue`` has no override, no
        tracking and no stored field computed from another model. The caches
        of what depends on the issues are invalidated afterwards.
        """
        states = self._accuracy_states_in_db()
        ids = [oid for oid, state in states.items() if state != "cancel"]
        self.browse(sorted(ids))._accuracy_run_orders()

    def _accuracy_states_in_db(self):
        """``{id: state}`` of these orders that exist, in one query on an
        array of ids: thousands of ids in an ``IN`` list, as ``exists()``
        and ``search()`` send them, take longer to plan than the query takes
        to run."""
        ids = [i for i in self._ids if isinstance(i, int)]
        if not ids:
            return {}
        self.flush_model(["state"])
        return dict(
            self.env.execute_query(
                SQL(
                    "SELECT id, state FROM sale_order WHERE id = ANY(%s::int4[])",
                    pg_array(ids),
                )
            )
        )

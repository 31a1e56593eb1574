# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# The override request of a blocked quotation: set by its actions only.
OVERRIDE_REQUEST_FIELDS = frozenset(
    {
        "accuracy_override_requested_by_id",
        "accuracy_override_request_reason",
        "accuracy_override_request_date",
        "accuracy_override_refusal",
    }
)
# Changing these on an overridden order voids the override.
ACCURACY_RESET_FIELDS = frozenset({"partner_id", "partner_shipping_id", "pricelist_id"})


class SaleOrder(models.Model):
    """Accuracy overrides: a Coordination Manager overrides the blocking
    issues of a quotation, on request or at once; a change of the customer,
    the addresses or the pricelist voids the override."""

    _inherit = "sale.order"

    # === FIELDS ===

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
    accuracy_override_refusal = fields.Text(
        string="Override Refused",
        readonly=True,
        copy=False,
        help="Who refused the last override request, and why: shown on the "
        "quotation until it changes or a new request is made.",
    )
    accuracy_override_request_age = fields.Integer(
        string="Waiting (days)",
        compute="_compute_accuracy_override_request_age",
        help="Days since the override was requested.",
    )
    # === COMPUTE METHODS ===

    @api.depends("accuracy_override_request_date")
    def _compute_accuracy_override_request_age(self):
        now = fields.Datetime.now()
        for order in self:
            date = order.accuracy_override_request_date
            order.accuracy_override_request_age = (now - date).days if date else 0

    # === CRUD METHODS ===

    def write(self, vals):
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

    # === ACTION METHODS ===

    def action_accuracy_override(self, reason=None):
        """Override the open blocking issues of these quotations.

        Coordination Managers only. The reason is posted in the chatter of
        each order, whose issues become ``overridden``; confirmation then goes
        through until the partner, a price or a quantity changes.

        :param str reason: why the order may go through despite its issues
        :return: True (context ``sc_accuracy_notify``: Odoo's notification
            of what was done, closing the dialog)
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
        self._accuracy_validate_records("write")
        not_quotations = self.filtered(lambda o: o.state not in ("draft", "sent"))
        if not_quotations:
            raise UserError(
                self.env._(
                    "Only quotations can be overridden: %(orders)s.",
                    orders=", ".join(not_quotations.mapped("name")),
                )
            )
        self._accuracy_run()
        blocking = self.accuracy_open_issue_ids.filtered(
            lambda i: i.severity == "blocking"
        )
        if not blocking:
            raise UserError(
                self.env._("These orders have no blocking issue to override.")
            )
        self._accuracy_override(blocking, reason.strip())
        return self._accuracy_decision_answer(
            self.env._("Override approved: the quotation may be confirmed.")
        )

    def action_accuracy_request_override(self, reason=None):
        """Ask a Coordination Manager to override the blocking issues.

        For whoever may modify these quotations and is stopped by a blocking
        issue. Records who asked, why and when, and schedules an "Override
        request" activity for a Coordination Manager of the order's company:
        the sales team's leader when he is one, else the first one. A new
        request replaces a pending one.

        :param str reason: why the order should go through
        :return: True (context ``sc_accuracy_notify``: Odoo's notification
            of what was done, closing the dialog)
        :raise UserError: on an empty reason, a non-quotation, an order without
            a blocking issue, or a company without a Coordination Manager
        :raise AccessError: when the user may not modify an order
        """
        reason = self._accuracy_reason(reason)
        self._accuracy_validate_records("write")
        self._accuracy_assert_quotations()
        self._accuracy_run()
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
                "accuracy_override_refusal": False,
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
        return self._accuracy_decision_answer(
            self.env._(
                "Override requested from %(managers)s.",
                managers=", ".join(
                    sorted({approver.name for approver in approvers.values()})
                ),
            )
        )

    def action_accuracy_reject_override(self, reason=None):
        """Refuse the pending override requests of these quotations.

        Coordination Managers only. The "Override request" activity is closed
        with the decision, a note telling the requester is logged, and the
        request fields are cleared; the issues stay open.

        :param str reason: why the order may not go through
        :return: True (context ``sc_accuracy_notify``: Odoo's notification
            of what was done, closing the dialog)
        :raise AccessError: when the user is not a Coordination Manager
        :raise UserError: on an empty reason or an order without a pending
            request
        """
        self._accuracy_assert_manager()
        reason = self._accuracy_reason(reason)
        self._accuracy_validate_records("write")
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
        self.sudo().write(
            {
                "accuracy_override_refusal": self.env._(
                    "Override refused by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                )
            }
        )
        return self._accuracy_decision_answer(
            self.env._("Override refused; the requester is told why.")
        )

    # === BUSINESS METHODS ===

    def _accuracy_decision_answer(self, message):
        """What an override request or decision returns: True over RPC; from
        the form or its dialog (context ``sc_accuracy_notify``, as the
        fixes), Odoo's notification with ``message``, the dialog closed."""
        return self.env["sale.accuracy.issue"]._accuracy_fix_answer(
            message, next_action={"type": "ir.actions.act_window_close"}
        )

    def _accuracy_assert_manager(self):
        if not self.env.user.has_group("sales_coordination.group_manager"):
            raise AccessError(
                self.env._("Only Coordination Managers can decide on overrides.")
            )

    def _accuracy_reason(self, reason):
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("Give a reason (a non-empty text)."))
        return reason.strip()

    def _accuracy_assert_quotations(self):
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
        self.browse(list(bodies))._accuracy_clear_refusal()
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

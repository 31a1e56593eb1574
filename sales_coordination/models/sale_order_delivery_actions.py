# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
import logging
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

REVISION_REASONS = [
    ("supplier_delay", "Supplier delay"),
    ("stock_error", "Stock error"),
    ("customer_request", "Customer request"),
    ("carrier", "Carrier"),
    ("other", "Other"),
]
# How far a revised promise may go.
REVISION_HORIZON_DAYS = 730
UPDATE_TEMPLATE = "sales_coordination.mail_template_delivery_update"
# The composer's context key: a delivery update sent from the form.
UPDATE_SENT_KEY = "sc_delivery_update_sent"


class SaleOrder(models.Model):
    """Delivery promises, the actions: revise a promise, send the customer a
    delivery update, read the status over RPC, and the hourly pass that
    catches time passing."""

    _inherit = "sale.order"

    # === ACTION METHODS ===

    def action_revise_promise(
        self, new_date=None, reason=None, note=None, notify_customer=False
    ):
        """Change the delivery promise of these confirmed orders.

        Every change is kept in ``sale.delivery.promise.revision``; with
        ``notify_customer`` the customer gets the delivery update
        (:meth:`action_send_delivery_update`) in the same call.

        :param new_date: the new promise, a datetime or ``'YYYY-MM-DD
            HH:MM:SS'`` (a date alone is the start of that day), UTC
        :param str reason: ``supplier_delay``, ``stock_error``,
            ``customer_request``, ``carrier`` or ``other``
        :param str note: free text; required for ``other``
        :param bool notify_customer: send the customer the update too
        :return: True
        :raise UserError: on a bad date, reason or note, a quotation or a
            cancelled order, a customer without an email address (with
            ``notify_customer``); nothing is written
        :raise AccessError: when the user may not modify an order
        """
        check = self.env["sales.coordination.rpc.check"]
        check._sc_validate_ids(self)
        self.check_access("write")
        promise = self._delivery_check_revision(new_date, reason, note)
        if not isinstance(notify_customer, bool):
            raise UserError(self.env._("notify_customer must be true or false."))
        if notify_customer:
            self._delivery_check_recipients()
        now = fields.Datetime.now()
        in_time = self.filtered(
            lambda order: (
                not order.delivery_promise_date or now <= order.delivery_promise_date
            )
        )
        revisions = [
            {
                "order_id": order.id,
                "previous_date": order.delivery_promise_date,
                "new_date": promise,
                "reason": reason,
                "note": note or False,
                "customer_notified": notify_customer,
            }
            for order in self
        ]
        self.env["sale.delivery.promise.revision"]._sc_log(revisions)
        guard = self.env["sales.coordination.field.guard"]
        guard._sc_write_trusted(self, {"delivery_promise_date": promise})
        reason_label = dict(REVISION_REASONS)[reason]
        note_text = f": {note}" if note else ""
        for order, revision in zip(self, revisions, strict=True):
            order.message_post(
                body=self.env._(
                    "Delivery promise revised from %(previous)s to %(new)s "
                    "(%(reason)s)%(note)s",
                    previous=revision["previous_date"] or "-",
                    new=promise,
                    reason=reason_label,
                    note=note_text,
                ),
                subtype_xmlid="mail.mt_note",
            )
        if notify_customer:
            self._delivery_send_updates(informed_in_time=in_time)
        return True

    def action_send_delivery_update(self):
        """Send the customer (the order's delivery contact when it has an
        email address, else the customer) the delivery update: promised and
        expected dates, what is still to come, the shipments already sent.

        From the form (context ``sc_delivery_update_composer``) it opens
        Odoo's composer with the template; otherwise it sends at once.

        :return: True, or the composer's action
        :raise UserError: for a quotation or a cancelled order, or a customer
            without an email address; nothing is sent
        :raise AccessError: when the user may not modify an order
        """
        check = self.env["sales.coordination.rpc.check"]
        check._sc_validate_ids(self)
        self.check_access("write")
        self._delivery_check_confirmed()
        self._delivery_check_recipients()
        if self.env.context.get("sc_delivery_update_composer") is True:
            self.ensure_one()
            template = self.env.ref(UPDATE_TEMPLATE)
            return {
                "type": "ir.actions.act_window",
                "res_model": "mail.compose.message",
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "new",
                "context": {
                    "default_model": self._name,
                    "default_res_ids": self.ids,
                    "default_composition_mode": "comment",
                    "default_template_id": template.id,
                    "default_email_layout_xmlid": (
                        "mail.mail_notification_layout_with_responsible_signature"
                    ),
                    "force_email": True,
                    UPDATE_SENT_KEY: True,
                },
            }
        self._delivery_send_updates()
        return True

    @api.model
    @api.readonly
    def get_delivery_status(self, order_ids):
        """The delivery status of orders, for integrators.

        :param list order_ids: ids of sale orders
        :return: one dict per id, in the order of ``order_ids``: ``id``,
            ``promised``, ``expected``, ``risk``, ``delay_days``, ``missing``
            (``product``, ``quantity``, ``expected``), ``pickings``
            (``name``, ``state``, ``scheduled``, ``tracking_ref``) and
            ``notified``; dates as ISO strings, False where unknown
        :raise AccessError: when the user may not read an order
        :raise UserError: when ``order_ids`` is not a list of ids
        """
        check = self.env["sales.coordination.rpc.check"]
        orders = check._sc_browse_ids(self._name, order_ids, self.env._("The orders"))
        orders.check_access("read")
        lines = orders._delivery_lines_to_come()
        pickings = orders._delivery_pickings()
        return [
            {
                "id": order.id,
                "promised": _iso(order.delivery_promise_date),
                "expected": _iso(order.delivery_expected_date),
                "risk": order.delivery_risk or "none",
                "delay_days": order.delivery_delay_days or 0.0,
                "missing": [
                    {
                        "product": line["product"],
                        "quantity": line["quantity"],
                        "expected": _iso(line["expected"]),
                    }
                    for line in lines.get(order.id, [])
                ],
                "pickings": [
                    {
                        "name": picking["name"],
                        "state": picking["state"],
                        "scheduled": _iso(picking["scheduled"]),
                        "tracking_ref": picking["tracking_ref"] or False,
                    }
                    for picking in pickings[order.id]
                ],
                "notified": _iso(order.delivery_customer_notified_date),
            }
            for order in orders
        ]

    # === BUSINESS METHODS ===

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if self.env.context.get(UPDATE_SENT_KEY) is True:
            # sent from the composer opened by action_send_delivery_update:
            # the context key only says where the message comes from, the
            # message itself must be the customer's update
            self.filtered(
                lambda order: (
                    order.state == "sale" and order._delivery_is_update(message)
                )
            )._delivery_mark_sent()
        return message

    def _delivery_check_revision(self, new_date, reason, note):
        """The new promise as a datetime, or a UserError."""
        self._delivery_check_confirmed()
        if reason not in dict(REVISION_REASONS):
            raise UserError(
                self.env._(
                    "The reason of a revised promise must be one of %(reasons)s, "
                    "not %(value)r.",
                    reasons=", ".join(dict(REVISION_REASONS)),
                    value=reason,
                )
            )
        if note is not None and note is not False and not isinstance(note, str):
            raise UserError(self.env._("The note must be text."))
        if reason == "other" and not (note or "").strip():
            raise UserError(
                self.env._(
                    "Say why the promise changes: a note is required for "
                    "the reason Other."
                )
            )
        check = self.env["sales.coordination.rpc.check"]
        promise = check._sc_check_date(new_date, self.env._("The new promise"))
        if not isinstance(promise, datetime):
            promise = datetime.combine(promise, datetime.min.time())
        promise = promise.replace(tzinfo=None, microsecond=0)
        latest = fields.Datetime.now() + timedelta(days=REVISION_HORIZON_DAYS)
        for order in self:
            if promise.date() < order.date_order.date():
                raise UserError(
                    self.env._(
                        "The new promise of %(order)s (%(date)s) is before the "
                        "order date (%(order_date)s).",
                        order=order.name,
                        date=promise,
                        order_date=order.date_order.date(),
                    )
                )
        if promise > latest:
            raise UserError(
                self.env._(
                    "A promise more than two years away (%(date)s) is not a "
                    "promise: give a date before %(latest)s.",
                    date=promise,
                    latest=latest.date(),
                )
            )
        return promise

    def _delivery_check_confirmed(self):
        wrong = self.filtered(lambda order: order.state != "sale")
        if wrong:
            raise UserError(
                self.env._(
                    "Only confirmed orders have a delivery promise: %(orders)s "
                    "is a quotation or cancelled.",
                    orders=", ".join(wrong.mapped("name")),
                )
            )

    def _delivery_is_update(self, message):
        """Whether ``message`` informed the customer: a comment (not an
        internal note) sent to the order's update recipient. Anyone may set
        the composer's context key over RPC; only such a message counts."""
        self.ensure_one()
        message = message.sudo()
        recipient = self._delivery_recipient()
        return bool(
            recipient
            and message.message_type == "comment"
            and message.subtype_id
            and not message.subtype_id.internal
            and recipient <= message.partner_ids
        )

    def _delivery_recipient(self):
        """The partner who receives the delivery updates of the order."""
        self.ensure_one()
        if self.partner_shipping_id.email:
            return self.partner_shipping_id
        return self.partner_id if self.partner_id.email else self.env["res.partner"]

    def _delivery_check_recipients(self):
        missing = self.filtered(lambda order: not order._delivery_recipient())
        if missing:
            raise UserError(
                self.env._(
                    "The customer of %(orders)s has no email address: add one to "
                    "the customer or the delivery address, then send the update.",
                    orders=", ".join(missing.mapped("name")),
                )
            )

    def _delivery_send_updates(self, informed_in_time=None):
        """Post the delivery update template on each order, to its recipient
        (logged in the chatter, mailed by Odoo's queue)."""
        template = self.env.ref(UPDATE_TEMPLATE)
        for order in self:
            order.with_context(**{UPDATE_SENT_KEY: False}).message_post_with_source(
                template,
                email_layout_xmlid=(
                    "mail.mail_notification_layout_with_responsible_signature"
                ),
                subtype_xmlid="mail.mt_comment",
                partner_ids=order._delivery_recipient().ids,
            )
        self._delivery_mark_sent(informed_in_time)

    def _delivery_mark_sent(self, informed_in_time=None):
        """Remember the update: when, and whether it came in time (after the
        order first turned at risk, before its promise passed)."""
        now = fields.Datetime.now()
        if informed_in_time is None:
            informed_in_time = self.filtered(
                lambda order: (
                    not order.delivery_promise_date
                    or now <= order.delivery_promise_date
                )
            )
        guard = self.env["sales.coordination.field.guard"]
        guard._sc_write_trusted(self, {"delivery_customer_notified_date": now})
        proactive = (informed_in_time & self).filtered(
            lambda order: (
                order.delivery_first_risk_date and not order.delivery_informed_in_time
            )
        )
        if proactive:
            guard._sc_write_trusted(proactive, {"delivery_informed_in_time": True})
        self.env["sales.followup.rule"]._close_followups_of(self)

    def _delivery_automatic_updates(self):
        """The automatic updates: the orders of customers whose policy is
        automatic, at most once per the company's interval; a customer
        without an email address is skipped (and logged)."""
        orders = (
            self.sudo()
            .exists()
            .filtered(
                lambda order: (
                    order.state == "sale"
                    and order.partner_id.commercial_partner_id.delivery_update_policy
                    == "automatic"
                )
            )
        )
        for order in orders:
            if not order._delivery_recipient():
                _logger.info("No delivery update for %s: no email address", order.name)
                continue
            try:
                with self.env.cr.savepoint():
                    # checked inside the savepoint: entering it flushes, which
                    # may have sent this order's update already
                    if not order._delivery_recently_notified():
                        order._delivery_send_updates()
            except Exception:
                _logger.exception("Delivery update of %s failed", order.name)

    def _delivery_recently_notified(self):
        """Whether the customer got an update within the company's interval."""
        self.ensure_one()
        last = self.delivery_customer_notified_date
        interval = timedelta(days=self.company_id.delivery_update_interval_days or 0)
        return bool(last and last > fields.Datetime.now() - interval)


def _iso(value):
    return fields.Datetime.to_string(value) if value else False

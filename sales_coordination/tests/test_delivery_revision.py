from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_delivery import NOW, DeliveryCase


@tagged("post_install", "-at_install")
class TestDeliveryRevision(DeliveryCase):
    """A promise changes only through action_revise_promise, which keeps
    every change; bad input is a clear error and writes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._put_in_stock(cls.kibble, 100)
        cls.order = cls._confirmed_order([(cls.kibble, 10)], promise=cls._days(3))

    def _revisions(self, order=None):
        return self.env["sale.delivery.promise.revision"].search(
            [("order_id", "=", (order or self.order).id)]
        )

    def test_revision_moves_the_promise_and_keeps_the_history(self):
        with freeze_time(NOW):
            result = self.order.with_user(self.coordinator).action_revise_promise(
                "2026-03-09 16:00:00", "supplier_delay", note="Kibble 2 weeks late"
            )
        self.assertIs(result, True)
        self.assertEqual(self.order.delivery_promise_date, self._days(7))
        self.assertEqual(self.order.delivery_first_promise_date, self._days(3))
        revision = self._revisions()
        self.assertRecordValues(
            revision,
            [
                {
                    "previous_date": self._days(3),
                    "new_date": self._days(7),
                    "reason": "supplier_delay",
                    "note": "Kibble 2 weeks late",
                    "user_id": self.coordinator.id,
                    "customer_notified": False,
                }
            ],
        )
        self.assertIn("Delivery promise revised", self.order.message_ids[0].body)

    def test_a_date_alone_is_the_start_of_that_day(self):
        with freeze_time(NOW):
            self.order.action_revise_promise("2026-03-10", "customer_request")
        self.assertEqual(self.order.delivery_promise_date, self._days(8, hour=0))

    def test_bad_input_is_a_clear_error_and_writes_nothing(self):
        cases = [
            ("2026-02-01 10:00:00", "supplier_delay", None, "before the order date"),
            ("2029-03-02 10:00:00", "supplier_delay", None, "two years"),
            ("2026-03-09 10:00:00", "aliens", None, "must be one of"),
            ("2026-03-09 10:00:00", "other", None, "note is required"),
            ("2026-03-09 10:00:00", "other", "   ", "note is required"),
            ("2026-03-09 10:00:00", "carrier", ["x"], "must be text"),
            ("next tuesday", "carrier", None, "must be a date"),
            (None, "carrier", None, "must be a date"),
        ]
        for new_date, reason, note, message in cases:
            with (
                self.subTest(new_date=new_date, reason=reason),
                freeze_time(NOW),
                self.assertRaisesRegex(UserError, message),
            ):
                self.order.with_user(self.coordinator).action_revise_promise(
                    new_date, reason, note=note
                )
        self.assertFalse(self._revisions())
        self.assertEqual(self.order.delivery_promise_date, self._days(3))

    def test_quotations_and_cancelled_orders_have_no_promise_to_revise(self):
        quotation = self._create_order()
        cancelled = self._confirmed_order([(self.kibble, 1)], promise=self._days(3))
        cancelled._action_cancel()
        for order in (quotation, cancelled):
            with self.subTest(state=order.state), freeze_time(NOW):
                with self.assertRaisesRegex(UserError, "Only confirmed orders"):
                    order.action_revise_promise("2026-03-09", "carrier")
                with self.assertRaisesRegex(UserError, "Only confirmed orders"):
                    order.action_send_delivery_update()

    def test_notify_without_an_email_address_writes_nothing(self):
        self.customer.email = False
        self.branch.email = False
        with freeze_time(NOW), self.assertRaisesRegex(UserError, "no email address"):
            self.order.action_revise_promise(
                "2026-03-09", "carrier", notify_customer=True
            )
        self.assertFalse(self._revisions())
        self.assertFalse(self.order.delivery_customer_notified_date)

    def test_notify_customer_sends_the_update_in_the_same_call(self):
        with freeze_time(NOW):
            self.order.with_user(self.coordinator).action_revise_promise(
                "2026-03-09", "supplier_delay", notify_customer=True
            )
        self.assertTrue(self._revisions().customer_notified)
        self.assertEqual(self.order.delivery_customer_notified_date, NOW)
        update = self.order.message_ids.filtered(
            lambda message: "delivery update" in (message.subject or "")
        )
        self.assertEqual(len(update), 1)

    def test_who_may_revise(self):
        """Coordinators, administrators and managers revise the orders they
        may write; a salesperson only their own orders."""
        for user in (self.coordinator, self.administrator, self.manager):
            with self.subTest(user=user.login), freeze_time(NOW):
                self.order.with_user(user).action_revise_promise(
                    "2026-03-09", "carrier"
                )
        with freeze_time(NOW), self.assertRaises(AccessError):
            self.order.with_user(self.salesperson).action_revise_promise(
                "2026-03-09", "carrier"
            )
        own = self._confirmed_order(
            [(self.kibble, 1)], promise=self._days(3), user_id=self.salesperson.id
        )
        with freeze_time(NOW):
            own.with_user(self.salesperson).action_revise_promise(
                "2026-03-09", "carrier"
            )
        self.assertEqual(own.delivery_promise_date, self._days(7, hour=0))

    def test_revision_history_is_read_like_its_order(self):
        with freeze_time(NOW):
            self.order.action_revise_promise("2026-03-09", "carrier")
        Revision = self.env["sale.delivery.promise.revision"]
        self.assertEqual(
            Revision.with_user(self.coordinator).search(
                [("order_id", "=", self.order.id)]
            ),
            self._revisions(),
        )
        self.assertFalse(
            Revision.with_user(self.salesperson).search(
                [("order_id", "=", self.order.id)]
            )
        )
        with self.assertRaises(AccessError):
            Revision.with_user(self.coordinator).create(
                {"order_id": self.order.id, "new_date": NOW, "reason": "carrier"}
            )
        with self.assertRaises(AccessError):
            self._revisions().with_user(self.manager).write({"reason": "other"})

    def test_the_dialog_revises_from_the_form(self):
        wizard = (
            self.env["sale.delivery.promise.revise"]
            .with_user(self.coordinator)
            .with_context(active_model="sale.order", active_ids=self.order.ids)
            .create(
                {
                    "new_date": self._days(6),
                    "reason": "stock_error",
                    "notify_customer": False,
                }
            )
        )
        self.assertEqual(wizard.order_ids, self.order)
        with freeze_time(NOW):
            wizard.action_apply()
        self.assertEqual(self.order.delivery_promise_date, self._days(6))
        self.assertEqual(self._revisions().reason, "stock_error")

    def test_revising_later_puts_an_at_risk_order_back_on_track(self):
        order = self._confirmed_order([(self.litter, 5)], promise=self._days(3))
        self._plan_receipt(self.litter, 50, self._days(5, hour=10))
        with freeze_time(NOW):
            order._delivery_refresh()
            self.assertEqual(order.delivery_risk, "at_risk")
            order.action_revise_promise(self._days(6), "supplier_delay")
            self.assertEqual(order.delivery_risk, "on_track")
            self.assertEqual(order.delivery_delay_days, 0.0)
        self.assertEqual(order.delivery_first_promise_date, self._days(3))
        self.assertLess(self._days(3), order.delivery_promise_date)
        self.assertEqual(order.delivery_promise_date - self._days(3), timedelta(3))

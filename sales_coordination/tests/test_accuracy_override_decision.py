from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyOverrideDecision(AccuracyCase):
    """The manager decides knowing who asked, when and why; the requester
    sees a refusal on the quotation until it changes; both get a short
    confirmation of what they did."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nowhere = cls.env["res.partner"].create({"name": "Depot Without Street"})
        cls.manager.name = "Sofia Peeters"
        cls.salesperson.name = "Emma Laurent"

    def _requested(self, reason="Customer picks up at the dock"):
        order = self._clean_order(
            partner_shipping_id=self.nowhere.id,
            user_id=self.salesperson.id,
            lines=[{"product_id": self.product.id, "product_uom_qty": 60}],
        )
        with freeze_time("2026-03-02 09:00:00"):
            order.with_user(self.salesperson).action_accuracy_request_override(reason)
        return order

    def _dialog(self, order, user, **values):
        return (
            self.env["sale.accuracy.confirm.wizard"]
            .with_user(user)
            .create({"order_ids": order.ids, **values})
        )

    def test_the_dialog_shows_who_asked_when_and_why(self):
        order = self._requested()
        dialog = self._dialog(order, self.manager)
        self.assertTrue(dialog.override_requested)
        summary = str(dialog.override_request_summary)
        for expected in (order.name, "Emma Laurent", "Customer picks up at the dock"):
            self.assertIn(expected, summary)
        self.assertIn("Mar 2, 2026", summary)

    def test_a_refusal_shows_until_the_order_changes(self):
        order = self._requested()
        answer = self._dialog(
            order, self.manager, reason="Get the street first"
        ).action_reject()
        self.assertEqual(answer["tag"], "display_notification")
        self.assertEqual(
            answer["params"]["next"]["type"], "ir.actions.act_window_close"
        )
        self.assertEqual(
            order.accuracy_override_refusal,
            "Override refused by Sofia Peeters: Get the street first",
        )
        # not written by hand
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson).write(
                {"accuracy_override_refusal": False}
            )
        # a note changes nothing the checks read: the refusal stays
        order.with_user(self.salesperson).note = "Called the customer"
        self.assertTrue(order.accuracy_override_refusal)
        # the quotation changes: the refusal is history (the chatter keeps it)
        order.with_user(self.salesperson).order_line.product_uom_qty = 72
        self.assertFalse(order.accuracy_override_refusal)

    def test_a_new_request_clears_the_refusal(self):
        order = self._requested()
        order.with_user(self.manager).action_accuracy_reject_override("No")
        self.assertTrue(order.accuracy_override_refusal)
        order.with_user(self.salesperson).action_accuracy_request_override("Again")
        self.assertFalse(order.accuracy_override_refusal)

    def test_an_approval_ends_the_refusal(self):
        order = self._requested()
        order.with_user(self.manager).action_accuracy_reject_override("No")
        order.with_user(self.manager).action_accuracy_override("Fine after all")
        self.assertFalse(order.accuracy_override_refusal)

    def test_short_confirmations_from_the_dialog_only(self):
        order = self._clean_order(
            partner_shipping_id=self.nowhere.id,
            user_id=self.salesperson.id,
            lines=[{"product_id": self.product.id, "product_uom_qty": 60}],
        )
        order.action_check_accuracy()
        answer = self._dialog(
            order, self.salesperson, reason="Dock pickup"
        ).action_request_override()
        self.assertEqual(answer["tag"], "display_notification")
        self.assertIn("Override requested from", answer["params"]["message"])
        answer = self._dialog(
            order, self.manager, reason="Regular customer"
        ).action_override()
        self.assertEqual(answer["tag"], "display_notification")
        self.assertIn("approved", answer["params"]["message"])
        self.assertEqual(order.accuracy_state, "overridden")
        # over RPC, without the form's context: True as before
        other = self._requested()
        self.assertIs(
            other.with_user(self.manager).action_accuracy_reject_override("No"), True
        )

from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_accuracy import AccuracyCase

SOME_DATE = "2026-01-01 00:00:00"

ORDER_FIELDS = {
    "accuracy_state": "passed",
    "first_time_right": True,
    "accuracy_checked_date": SOME_DATE,
    "accuracy_first_checked_date": SOME_DATE,
    "data_entry_right": True,
    "invoice_posted_date": SOME_DATE,
    "quotation_sent_date": SOME_DATE,
}


@tagged("post_install", "-at_install")
class TestEnforceOrders(AccuracyCase):
    """Enforce mode: only the confirmation flow, with its checks, makes a
    sales order; the accuracy and KPI fields of an order are the addon's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nowhere = cls.env["res.partner"].create({"name": "Depot Without Street"})
        cls.company.accuracy_mode = "enforce"

    def _order(self, blocked=True, **values):
        values.setdefault("user_id", self.salesperson.id)
        if blocked:
            values.setdefault("partner_shipping_id", self.nowhere.id)
        return self._clean_order(
            lines=[{"product_id": self.product.id, "product_uom_qty": 60}], **values
        )

    def _vals(self, **values):
        vals = {
            "partner_id": self.customer.id,
            "partner_shipping_id": self.nowhere.id,
            "user_id": self.salesperson.id,
            "client_order_ref": "PO-SEC-1",
            "payment_term_id": self.payment_term.id,
            "order_line": [
                Command.create({"product_id": self.product.id, "product_uom_qty": 6})
            ],
        }
        vals.update(values)
        return vals

    # --- the context cannot skip the checks ---

    def test_no_context_key_skips_the_checks(self):
        order = self._order()
        for context in (
            {"install_module": "sale"},
            {"install_mode": True, "install_filename": "sale_demo.xml"},
            {"module": "sales_coordination", "noupdate": True},
            {"tracking_disable": True, "import_file": True},
        ):
            for user in (self.salesperson, self.manager):
                with self.assertRaises(UserError):
                    order.with_user(user).with_context(**context).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_module_loading_never_blocks(self):
        """While modules load (data files confirm their demo orders), the
        checks run and record, but do not block: the registry is not ready
        then, and no request is served."""
        order = self._order()
        self.patch(self.registry, "ready", False)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.accuracy_state, "blocked")
        self.assertTrue(order.accuracy_open_issue_ids)

    # --- state "sale" only through the confirmation ---

    def test_write_state_sale_is_refused(self):
        order = self._order()
        clean = self._order(blocked=False)
        self.env.cr.flush()  # the automatic check before the commit
        checked = clean.accuracy_checked_date
        for user in (self.salesperson, self.manager):
            for record in (order, clean):
                with self.assertRaises(UserError):
                    record.with_user(user).write({"state": "sale"})
                with self.assertRaises(UserError):
                    record.with_user(user).state = "sale"
        self.assertEqual((order | clean).mapped("state"), ["draft", "draft"])
        # the refused writes checked nothing
        self.assertEqual(clean.accuracy_checked_date, checked)

    def test_create_state_sale_is_refused(self):
        Order = self.env["sale.order"]
        for user in (self.salesperson, self.manager):
            with self.assertRaises(UserError):
                Order.with_user(user).create(self._vals(state="sale"))
            with self.assertRaises(UserError):
                Order.with_user(user).with_context(default_state="sale").create(
                    self._vals()
                )
            with self.assertRaises(UserError):
                Order.with_user(user).create(
                    [self._vals(), self._vals(state="sale", client_order_ref="B")]
                )
        self.assertFalse(Order.search([("client_order_ref", "in", ("PO-SEC-1", "B"))]))

    def test_copy_cannot_make_a_sales_order(self):
        order = self._order(blocked=False)
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).copy({"state": "sale"})
        copied = order.with_user(self.salesperson).copy()
        self.assertEqual(copied.state, "draft")

    def test_confirmation_flow_still_confirms(self):
        order = self._order(blocked=False)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.accuracy_state, "passed")
        self.assertTrue(order.picking_ids, "sale_stock still runs its part")

    def test_other_state_changes_still_work(self):
        order = self._order(blocked=False).with_user(self.salesperson)
        with freeze_time("2026-03-02 10:00:00"):
            order.action_quotation_sent()
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.quotation_sent_date, datetime(2026, 3, 2, 10, 0))
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(order.state, "cancel")
        order.action_draft()
        self.assertEqual(order.state, "draft")
        order.action_confirm()
        order.action_lock()
        self.assertTrue(order.locked)
        order.action_unlock()
        self.assertFalse(order.locked)
        copied = order.copy()
        self.assertEqual(copied.state, "draft")
        self.assertEqual(copied.accuracy_state, "unchecked")
        self.assertFalse(copied.first_time_right)
        self.assertFalse(copied.accuracy_first_checked_date)

    def test_superuser_code_may_still_write_the_state(self):
        order = self._order(blocked=False)
        order.sudo().write({"state": "sale"})
        self.assertEqual(order.state, "sale")

    def test_manager_overrides_then_confirms(self):
        order = self._order()
        order.with_user(self.manager).action_accuracy_override("Dock pickup")
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.accuracy_state, "overridden")

    # --- the order's computed fields ---

    def test_protected_fields_refused_on_write(self):
        order = self._order()
        order.action_check_accuracy()
        before = order.read(list(ORDER_FIELDS))
        for user in (self.salesperson, self.manager):
            for name, value in ORDER_FIELDS.items():
                with self.assertRaises(AccessError, msg=name):
                    order.with_user(user).write({name: value})
        self.assertEqual(order.read(list(ORDER_FIELDS)), before)

    def test_protected_fields_refused_on_create(self):
        Order = self.env["sale.order"]
        for user in (self.salesperson, self.manager):
            for name, value in ORDER_FIELDS.items():
                with self.assertRaises(AccessError, msg=name):
                    Order.with_user(user).create(self._vals(**{name: value}))
        self.assertFalse(Order.search([("client_order_ref", "=", "PO-SEC-1")]))

    def test_context_defaults_of_protected_fields_are_ignored(self):
        context = {f"default_{name}": value for name, value in ORDER_FIELDS.items()}
        order = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .with_context(**context)
            .create(self._vals())
        )
        self.assertEqual(order.accuracy_state, "unchecked")
        self.assertFalse(order.first_time_right)
        self.assertFalse(order.accuracy_checked_date)
        self.assertFalse(order.accuracy_first_checked_date)
        self.assertFalse(order.data_entry_right)
        self.assertFalse(order.invoice_posted_date)
        self.assertFalse(order.quotation_sent_date)

    def test_issue_lists_cannot_be_written(self):
        order = self._order()
        order.action_check_accuracy()
        issue = order.accuracy_open_issue_ids[:1]
        for vals in (
            {"accuracy_issue_ids": [Command.unlink(issue.id)]},
            {"accuracy_open_issue_ids": [Command.set([])]},
        ):
            with self.assertRaises(AccessError):
                order.with_user(self.manager).write(vals)
        self.assertEqual(issue.order_id, order)

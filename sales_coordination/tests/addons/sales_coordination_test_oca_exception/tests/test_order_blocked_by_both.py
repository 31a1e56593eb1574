from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.base_exception.exceptions import BaseExceptionError
from odoo.addons.sales_coordination.tests.common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestOrderBlockedByBoth(AccuracyCase):
    """An order that OCA's sale_exception blocks and the accuracy checks
    block.

    Given a company that enforces order accuracy, an exception rule
    "Customer reference required" (by domain: no customer reference), and a
    quotation without a customer reference, delivered to an address without
    a street:

    - both show what is wrong: their exception on the order
      (``exception_ids``), our issues (the missing customer reference, a
      warning; the incomplete delivery address, blocking) and
      ``accuracy_state`` "blocked";
    - it is not confirmed while either of them blocks;
    - it is confirmed once both are satisfied: their exception fixed or
      ignored, our issue fixed or overridden by a Coordination Manager;
    - our KPIs count it as a checked order that was not right the first
      time, beside a clean order that was.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["exception.rule"]
        Rule.search([("model", "in", ("sale.order", "sale.order.line"))]).active = False
        cls.reference_required = Rule.create(
            {
                "name": "Customer reference required",
                "model": "sale.order",
                "exception_type": "by_domain",
                "domain": "[('client_order_ref', '=', False)]",
            }
        )
        cls.depot = cls.env["res.partner"].create({"name": "Depot Without Street"})
        cls.neighbours = cls.env["crm.team"].create({"name": "OCA neighbours"})
        cls.company.accuracy_mode = "enforce"

    def _quotation(self):
        return self._clean_order(
            client_order_ref=False,
            partner_shipping_id=self.depot.id,
            team=self.neighbours,
        ).with_user(self.administrator)

    def _their_exceptions(self, order):
        """What sale_exception finds and stores on the order. Its detection
        raises (to roll back a confirmation) when it finds something new; in
        a test it writes on the test's cursor, which a failed confirmation
        rolls back with the rest: detect again, as the user's screen shows
        what its second cursor committed."""
        try:
            order.detect_exceptions()
        except BaseExceptionError:
            pass
        return order.exception_ids

    def _assert_not_confirmed(self, order, error_class, *, theirs):
        with self.assertRaises(error_class) as error:
            order.action_confirm()
        self.assertEqual(
            isinstance(error.exception, BaseExceptionError),
            theirs,
            f"blocked by {'sale_exception' if theirs else 'the accuracy checks'}",
        )
        self.assertEqual(order.state, "draft")

    def _kpis(self):
        today = fields.Date.context_today(self.manager)
        return (
            self.env["sales.coordination.kpi"]
            .with_user(self.manager)
            .get_kpis(
                fields.Date.to_string(today - timedelta(days=1)),
                fields.Date.to_string(today + timedelta(days=1)),
                team_ids=self.neighbours.ids,
            )
        )

    def test_both_show_what_is_wrong(self):
        order = self._quotation()
        order.action_check_accuracy()
        self.assertEqual(self._their_exceptions(order), self.reference_required)
        self.assertEqual(order.main_exception_id, self.reference_required)
        self.assertEqual(order.accuracy_state, "blocked")
        self.assertEqual(
            self._open_codes(order),
            {"missing_client_ref", "incomplete_delivery_address"},
        )
        self._assert_not_confirmed(order, UserError, theirs=False)

    def test_ours_fixed_theirs_ignored(self):
        order = self._quotation()
        self._assert_not_confirmed(order, UserError, theirs=False)
        # ours fixed: a delivery address with a street; theirs still blocks
        order.partner_shipping_id = self.customer
        self._assert_not_confirmed(order, BaseExceptionError, theirs=True)
        self.assertEqual(self._their_exceptions(order), self.reference_required)
        # a manager lets their exception go (it is not a blocking rule)
        order.with_user(self.manager).action_ignore_exceptions()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        # their detection leaves ignored orders out: the exception is gone
        self.assertTrue(order.ignore_exception)
        self.assertFalse(order.exception_ids)
        # ours: only the warning stays open, which never blocks
        self.assertEqual(order.accuracy_state, "warning")
        self.assertEqual(self._open_codes(order), {"missing_client_ref"})

    def test_theirs_fixed_ours_overridden(self):
        order = self._quotation()
        self.assertEqual(self._their_exceptions(order), self.reference_required)
        # theirs fixed (a customer reference, which fixes our warning too);
        # ours still blocks on the delivery address
        order.client_order_ref = "PO-NEIGHBOURS"
        self._assert_not_confirmed(order, UserError, theirs=False)
        self.assertFalse(self._their_exceptions(order))
        self.assertEqual(self._open_codes(order), {"incomplete_delivery_address"})
        order.with_user(self.manager).action_accuracy_override(
            reason="The carrier knows the depot."
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.exception_ids)
        self.assertFalse(self._open_codes(order))

    def test_counted_right_by_our_kpis(self):
        before = self._kpis()
        self.assertEqual(before["orders_confirmed"], 0)
        self.assertIs(before["order_accuracy_rate"], False)
        self.assertIs(before["data_entry_accuracy_rate"], False)
        order = self._quotation()
        self._assert_not_confirmed(order, UserError, theirs=False)
        order.action_check_accuracy()  # what the failed confirmation found
        blocked = self._kpis()
        # checked (its data wrong the first time), not confirmed
        self.assertEqual(blocked["orders_confirmed"], 0)
        self.assertIs(blocked["order_accuracy_rate"], False)
        self.assertEqual(blocked["data_entry_accuracy_rate"], 0.0)
        # fixed on both sides, and a clean order of the team beside it
        order.write(
            {
                "client_order_ref": "PO-NEIGHBOURS",
                "partner_shipping_id": self.customer.id,
            }
        )
        order.action_confirm()
        clean = self._clean_order(
            team=self.neighbours,
            lines=[{"product_id": self.product.id, "product_uom_qty": 7}],
        ).with_user(self.administrator)
        clean.action_confirm()
        self.assertEqual((order | clean).mapped("state"), ["sale", "sale"])
        self.assertFalse(clean.exception_ids)
        self.assertEqual((order | clean).mapped("first_time_right"), [False, True])
        after = self._kpis()
        self.assertEqual(after["orders_confirmed"], 2)
        self.assertEqual(after["order_accuracy_rate"], 50.0)
        self.assertEqual(after["data_entry_accuracy_rate"], 50.0)

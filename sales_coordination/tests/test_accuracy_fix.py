from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import format_amount

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyFix(AccuracyCase):
    """One-click fixes: each changes the order, checks it again and logs who
    fixed what; issues without a fix, and confirmed orders, refuse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.group_user").implied_ids |= cls.env.ref(
            "product.group_stock_packaging"
        )
        cls.case = cls.env["product.packaging"].create(
            {"name": "Case", "product_id": cls.product.id, "qty": 12, "sales": True}
        )

    def _issue(self, order, code):
        order.action_check_accuracy()
        issue = order.accuracy_open_issue_ids.filtered(lambda i: i.rule_code == code)
        self.assertEqual(len(issue), 1, code)
        return issue

    def _fix_as(self, user, issue):
        issue.with_user(user).action_fix()
        return issue.order_id

    def _last_note(self, order):
        return order.message_ids.sorted("id")[-1]

    def test_packaging_rounds_up_to_whole_packs(self):
        order = self._clean_order(
            lines=[{"product_id": self.product.id, "product_uom_qty": 5}]
        )
        issue = self._issue(order, "packaging_multiple")
        self.assertEqual(
            issue.message,
            f"{self.product.display_name}: 5 Units ordered, but they come in "
            "packs of 12 (Case): order 12 (1 Case).",
        )
        self.assertEqual(issue.fix_label, "Order 12 (1 Case)")
        self._fix_as(self.administrator, issue)
        self.assertEqual(order.order_line.product_uom_qty, 12)
        self.assertEqual(issue.state, "resolved")
        self.assertEqual(order.accuracy_state, "passed")
        note = self._last_note(order)
        self.assertIn(self.administrator.name, note.body)
        self.assertIn("Order 12 (1 Case)", note.body)
        self.assertEqual(note.message_type, "notification")

    def test_packaging_several_packs(self):
        order = self._clean_order(
            lines=[{"product_id": self.product.id, "product_uom_qty": 30}]
        )
        issue = self._issue(order, "packaging_multiple")
        self.assertEqual(issue.fix_label, "Order 36 (3 Case)")
        issue.action_fix()
        self.assertEqual(order.order_line.product_uom_qty, 36)

    def test_price_reset_to_odoo_price(self):
        order = self._clean_order()
        order.order_line.price_unit = 30.0
        issue = self._issue(order, "price_deviation")
        expected = format_amount(self.env, 42.0, order.currency_id)
        self.assertEqual(issue.fix_label, f"Reset the price to {expected}")
        self._fix_as(self.administrator, issue)
        self.assertEqual(order.order_line.price_unit, 42.0)
        self.assertEqual(order.accuracy_state, "passed")

    def test_discount_lowered_to_the_limit(self):
        order = self._clean_order()
        order.order_line.discount = 22.5
        issue = self._issue(order, "discount_limit")
        self.assertIn("discount 22.5% is above the limit of 15%", issue.message)
        self.assertEqual(issue.fix_label, "Lower the discount to 15%")
        self._fix_as(self.administrator, issue)
        self.assertEqual(order.order_line.discount, 15.0)
        self.assertEqual(order.accuracy_state, "passed")

    def test_delivery_address_from_the_customer(self):
        depot = self.env["res.partner"].create(
            {
                "name": "Unfinished Depot",
                "parent_id": self.customer.id,
                "type": "delivery",
            }
        )
        order = self._clean_order(partner_shipping_id=depot.id)
        issue = self._issue(order, "incomplete_delivery_address")
        self.assertEqual(issue.fix_label, f"Deliver to {self.branch.display_name}")
        self._fix_as(self.administrator, issue)
        self.assertEqual(order.partner_shipping_id, self.branch)
        self.assertEqual(order.accuracy_state, "passed")

    def test_payment_term_from_the_customer(self):
        order = self._clean_order(payment_term_id=False)
        issue = self._issue(order, "missing_payment_term")
        self.assertFalse(issue.fix_label)  # the customer has no payment term
        with self.assertRaisesRegex(UserError, "no fix"):
            issue.action_fix()
        self.customer.property_payment_term_id = self.payment_term
        issue.invalidate_recordset(["fix_label"])
        self.assertEqual(
            issue.fix_label, f"Use the payment term {self.payment_term.name}"
        )
        issue.action_fix()
        self.assertEqual(order.payment_term_id, self.payment_term)

    def test_issue_without_fix_is_refused(self):
        order = self._clean_order(client_order_ref=False)
        issue = self._issue(order, "missing_client_ref")
        self.assertFalse(issue.fix_label)
        with self.assertRaisesRegex(UserError, "no fix"):
            issue.action_fix()
        self.assertEqual(issue.state, "open")

    def test_confirmed_order_is_refused(self):
        order = self._clean_order()
        order.order_line.discount = 20
        issue = self._issue(order, "discount_limit")
        order.action_confirm()
        self.assertFalse(issue.fix_label)
        with self.assertRaisesRegex(UserError, "quotations"):
            issue.action_fix()
        self.assertEqual(order.order_line.discount, 20)

    def test_user_who_may_not_modify_the_order(self):
        order = self._clean_order()
        order.order_line.discount = 20
        issue = self._issue(order, "discount_limit")
        reader = self.env["res.users"].create(
            {
                "name": "Rita Reader",
                "login": "sc_fix_reader",
                "groups_id": [
                    (6, 0, [self.env.ref("sales_team.group_sale_salesman").id])
                ],
            }
        )
        # a salesperson reads only their own orders
        with self.assertRaises(AccessError):
            issue.with_user(reader).action_fix()
        self.assertEqual(order.order_line.discount, 20)

    def test_bad_input(self):
        Issue = self.env["sale.accuracy.issue"]
        with self.assertRaises(UserError):
            Issue.browse().action_fix()
        with self.assertRaises(UserError):
            Issue.browse(["abc"]).action_fix()

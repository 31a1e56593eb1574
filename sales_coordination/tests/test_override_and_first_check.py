from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestOverrideAndFirstCheck(AccuracyCase):
    """An override holds for the lines as they were, whichever field changes
    them; the first check that counts is the first one of an order with
    lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.accuracy_mode = "enforce"
        cls.env.user.groups_id |= cls.env.ref("product.group_stock_packaging")
        cls.case = cls.env["product.packaging"].create(
            {"name": "Case of 12", "product_id": cls.product.id, "qty": 12}
        )
        cls.nowhere = cls.env["res.partner"].create({"name": "Depot Without Street"})

    def _overridden(self):
        order = self._clean_order(
            partner_shipping_id=self.nowhere.id,
            lines=[
                {
                    "product_id": self.product.id,
                    "product_uom_qty": 12,
                    "product_packaging_id": self.case.id,
                }
            ],
        )
        order.with_user(self.manager).action_accuracy_override("Dock pickup")
        self.assertEqual(order.accuracy_state, "overridden")
        return order

    def test_a_packaging_quantity_voids_the_override(self):
        order = self._overridden()
        order.order_line.write({"product_packaging_qty": 37})
        self.assertEqual(order.order_line.product_uom_qty, 444)
        self.assertEqual(order.accuracy_state, "unchecked")
        with self.assertRaises(UserError):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_a_change_that_leaves_the_lines_keeps_the_override(self):
        order = self._overridden()
        order.order_line.write({"name": "Dry dog food, 15 kg bags", "sequence": 3})
        self.assertEqual(order.accuracy_state, "overridden")

    def test_first_check_that_counts_is_the_first_with_lines(self):
        order = self._clean_order(lines=[])
        self.assertFalse(order.order_line)
        order.action_check_accuracy()
        self.assertFalse(order.accuracy_first_checked_date)
        order.write(
            {
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 12,
                            "price_unit": 1.0,
                        }
                    )
                ]
            }
        )
        order.action_check_accuracy()
        self.assertTrue(order.accuracy_first_checked_date)
        self.assertFalse(order.first_time_right)

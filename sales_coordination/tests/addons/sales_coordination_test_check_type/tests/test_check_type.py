from odoo.tests import tagged

from odoo.addons.sales_coordination.tests.common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestCheckTypeFromAnotherAddon(AccuracyCase):
    """A check type added by another addon runs like a built-in one: its
    selection value, its ``_accuracy_check_<type>`` method and the extra
    columns it asked the data reader for."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.Rule.create(
            {
                "name": "Lines still marked TODO",
                "code": "test_line_todo",
                "check_type": "test_line_todo",
                "severity": "blocking",
            }
        )

    def test_check_type_is_a_selection_value(self):
        values = dict(self.Rule._fields["check_type"]._description_selection(self.env))
        self.assertIn("test_line_todo", values)
        self.assertIn("packaging_multiple", values)

    def test_finding_uses_the_extra_columns(self):
        order = self._clean_order(origin="Phone call 42")
        order.order_line.name = "Dry food TODO: confirm the bag size"
        order.action_check_accuracy()
        issue = order.accuracy_open_issue_ids.filtered(lambda i: i.rule_id == self.rule)
        self.assertEqual(issue.line_id, order.order_line)
        self.assertIn("Phone call 42", issue.message)
        self.assertEqual(order.accuracy_state, "blocked")

    def test_clean_line_passes(self):
        order = self._clean_order(
            lines=[{"product_id": self.product.id, "product_uom_qty": 12}]
        )
        order.order_line.name = "Dry food, 15 kg"
        order.action_check_accuracy()
        self.assertFalse(
            order.accuracy_open_issue_ids.filtered(lambda i: i.rule_id == self.rule)
        )
        self.assertEqual(order.accuracy_state, "passed")

    def test_extra_columns_in_the_reader(self):
        order = self._clean_order(origin="Email")
        data = self.Rule._accuracy_data(order)
        self.assertEqual(data.orders[order.id]["test_origin"], "Email")
        self.assertEqual(data.lines[0]["test_description"], order.order_line.name)

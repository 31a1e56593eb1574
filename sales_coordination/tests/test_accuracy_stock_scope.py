from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.sales_coordination.models.sale_order_accuracy_scope import (
    ACCURACY_STOCK_SCOPE_KEY,
)

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyStockScope(AccuracyCase):
    """The automatic check of a save forecasts again only the products whose
    lines changed in the transaction (every line of such a product in the
    order: they add up what they need); the stock findings of the other lines
    stay as they are. A full check forecasts every line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["sale.accuracy.rule"].search(
            [("check_type", "!=", "stock_availability")]
        ).active = False
        cls.litter, cls.kibble = cls.env["product.product"].create(
            [
                {
                    "name": name,
                    "type": "consu",
                    "is_storable": True,
                    "list_price": 8.0,
                }
                for name in ("Scope Litter", "Scope Kibble")
            ]
        )

    def _commit_hooks(self):
        self.env.flush_all()
        self.env.cr.flush()

    def _stock(self, order, product, qty):
        self.env["stock.quant"]._update_available_quantity(
            product, order.warehouse_id.lot_stock_id, qty
        )

    def _flagged(self, order):
        return order.accuracy_open_issue_ids.filtered(
            lambda issue: issue.rule_code == "stock_availability"
        ).line_id

    def _order(self, *lines):
        """A checked quotation of these ``(product, quantity)`` lines."""
        order = self._clean_order(
            lines=[
                {"product_id": product.id, "product_uom_qty": qty}
                for product, qty in lines
            ]
        )
        self._commit_hooks()
        return order

    def test_untouched_product_keeps_its_finding_touched_one_is_forecast(self):
        order = self._order((self.litter, 6), (self.kibble, 6))
        litter_line, kibble_line = order.order_line
        self.assertEqual(self._flagged(order), litter_line | kibble_line)
        kibble_issue = order.accuracy_open_issue_ids.filtered(
            lambda issue: issue.line_id == kibble_line
        )
        # both are in stock now; a save of the litter line forecasts litter
        self._stock(order, self.litter, 10)
        self._stock(order, self.kibble, 10)
        litter_line.product_uom_qty = 8
        self.assertEqual(
            self.env.cr.precommit.data[ACCURACY_STOCK_SCOPE_KEY],
            {order.id: {self.litter.id}},
        )
        self._commit_hooks()
        self.assertEqual(self._flagged(order), kibble_line)
        self.assertEqual(kibble_issue.state, "open")  # the same issue, kept
        self.assertFalse(self.env.cr.precommit.data.get(ACCURACY_STOCK_SCOPE_KEY))
        # a full check forecasts every line
        order.action_check_accuracy()
        self.assertFalse(self._flagged(order))
        self.assertEqual(kibble_issue.state, "resolved")

    def test_lines_of_a_changed_product_are_forecast_together(self):
        order = self._order((self.litter, 6), (self.litter, 6), (self.kibble, 1))
        first, second, _kibble_line = order.order_line
        self._stock(order, self.litter, 10)
        self._stock(order, self.kibble, 10)
        order.action_check_accuracy()
        # 6 + 6 needed, 10 in stock: the second line is short
        self.assertEqual(self._flagged(order), second)
        # the first line needs less: the second one, untouched, fits now
        first.product_uom_qty = 4
        self._commit_hooks()
        self.assertFalse(self._flagged(order))
        self.assertEqual(order.accuracy_state, "passed")

    def test_removed_or_replaced_line_frees_its_old_product(self):
        order = self._order((self.litter, 6), (self.litter, 6), (self.litter, 6))
        first, second, third = order.order_line
        self._stock(order, self.litter, 10)
        self._stock(order, self.kibble, 10)
        order.action_check_accuracy()
        self.assertEqual(self._flagged(order), second | third)
        # another product on the first line: litter needs 12 of 10 now
        first.product_id = self.kibble
        self.assertEqual(
            self.env.cr.precommit.data[ACCURACY_STOCK_SCOPE_KEY],
            {order.id: {self.litter.id, self.kibble.id}},
        )
        self._commit_hooks()
        self.assertEqual(self._flagged(order), third)
        # the second line goes away: litter needs 6 of 10
        second.unlink()
        self._commit_hooks()
        self.assertFalse(self._flagged(order))

    def test_delivery_date_change_forecasts_every_product(self):
        order = self._order((self.litter, 6), (self.kibble, 6))
        self._stock(order, self.litter, 10)
        self._stock(order, self.kibble, 10)
        order.commitment_date = fields.Datetime.add(fields.Datetime.now(), days=3)
        self.assertEqual(
            self.env.cr.precommit.data[ACCURACY_STOCK_SCOPE_KEY], {order.id: None}
        )
        self._commit_hooks()
        self.assertFalse(self._flagged(order))

    def test_order_field_change_without_stock_input_forecasts_nothing(self):
        order = self._order((self.litter, 6))
        self._stock(order, self.litter, 10)
        order.client_order_ref = "PO-STOCK-SCOPE"
        self._commit_hooks()
        self.assertEqual(self._flagged(order), order.order_line)
        self.assertEqual(order.accuracy_state, "warning")

    def test_new_line_is_forecast(self):
        order = self._order((self.kibble, 6))
        self._stock(order, self.kibble, 10)
        order.order_line = [
            Command.create({"product_id": self.litter.id, "product_uom_qty": 1})
        ]
        self._commit_hooks()
        # the new litter line is short; the kibble line keeps its finding
        self.assertEqual(self._flagged(order), order.order_line)

    def test_the_form_save_answers_with_the_forecast_of_the_changed_line(self):
        order = self._order((self.litter, 6), (self.kibble, 6))
        litter_line, kibble_line = order.order_line
        self._stock(order, self.litter, 10)
        answer = order.web_save(
            {"order_line": [Command.update(litter_line.id, {"product_uom_qty": 8})]},
            {
                "accuracy_state": {},
                "accuracy_open_issue_ids": {"fields": {"line_id": {}}},
            },
        )[0]
        lines = [issue["line_id"] for issue in answer["accuracy_open_issue_ids"]]
        self.assertEqual(lines, [kibble_line.id])
        self.assertEqual(answer["accuracy_state"], "warning")

    def test_confirmation_forecasts_every_line(self):
        order = self._order((self.litter, 6), (self.kibble, 6))
        _litter_line, kibble_line = order.order_line
        self._stock(order, self.litter, 10)
        self._stock(order, self.kibble, 10)
        order.client_order_ref = "PO-STOCK-CONFIRM"
        self._commit_hooks()
        # the save kept both findings, now stale
        self.assertEqual(len(self._flagged(order)), 2)
        self.assertIn(kibble_line, self._flagged(order))
        order.action_confirm()
        self.assertFalse(self._flagged(order))
        self.assertEqual(order.state, "sale")

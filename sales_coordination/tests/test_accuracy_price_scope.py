from odoo import Command
from odoo.tests import tagged

from odoo.addons.sales_coordination.models.sale_order_accuracy_scope import (
    ACCURACY_PRICE_SCOPE_KEY,
)

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyPriceScope(AccuracyCase):
    """The automatic check of a save prices again only the lines whose price
    inputs changed in the transaction; the price findings of the other lines
    stay as they are. A full check prices every line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["sale.accuracy.rule"].search(
            [("check_type", "!=", "price_deviation")]
        ).active = False

    def _commit_hooks(self):
        self.env.flush_all()
        self.env.cr.flush()

    def _order(self):
        """A checked quotation of two lines of 42.00 (the sales price); the
        first one at 46.20, flagged."""
        order = self._clean_order(
            lines=[
                {"product_id": self.product.id, "product_uom_qty": 12},
                {"product_id": self.product.id, "product_uom_qty": 24},
            ]
        )
        order.order_line[0].price_unit = 46.2
        self._commit_hooks()
        first, second = order.order_line
        self.assertEqual(self._flagged(order), first)
        return order, first, second

    def _flagged(self, order):
        return order.accuracy_open_issue_ids.filtered(
            lambda issue: issue.rule_code == "price_deviation"
        ).line_id

    def _price_to(self, pricelist, price):
        self.env["product.pricelist.item"].create(
            {
                "pricelist_id": pricelist.id,
                "applied_on": "1_product",
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "compute_price": "fixed",
                "fixed_price": price,
            }
        )

    def test_untouched_line_keeps_its_finding_touched_line_is_priced(self):
        order, first, second = self._order()
        issue = order.accuracy_open_issue_ids
        # the pricelist now says 46.20: the first line is right, the second
        # wrong; a save of the second line prices that line only
        self._price_to(self.pricelist, 46.2)
        second.write({"product_uom_qty": 36, "price_unit": 42.0})
        self.assertEqual(
            self.env.cr.precommit.data[ACCURACY_PRICE_SCOPE_KEY],
            {order.id: {second.id}},
        )
        self._commit_hooks()
        self.assertEqual(self._flagged(order), first | second)
        self.assertEqual(issue.state, "open")  # the same issue, kept
        self.assertFalse(self.env.cr.precommit.data.get(ACCURACY_PRICE_SCOPE_KEY))
        # a full check prices every line
        order.action_check_accuracy()
        self.assertEqual(self._flagged(order), second)
        self.assertEqual(issue.state, "resolved")

    def test_order_field_change_without_price_input_prices_nothing(self):
        order, first, _second = self._order()
        self._price_to(self.pricelist, 46.2)
        order.client_order_ref = "PO-SCOPE-1"
        self._commit_hooks()
        self.assertEqual(self._flagged(order), first)
        self.assertEqual(order.accuracy_state, "blocked")

    def test_new_line_is_priced(self):
        order, first, _second = self._order()
        order.order_line = [
            Command.create(
                {"product_id": self.product.id, "product_uom_qty": 6, "price_unit": 50}
            )
        ]
        self._commit_hooks()
        self.assertEqual(self._flagged(order), first | order.order_line[2])

    def test_pricelist_change_prices_every_line(self):
        order, _first, second = self._order()
        other = self.env["product.pricelist"].create(
            {"name": "Retail EUR", "currency_id": self.company.currency_id.id}
        )
        self._price_to(other, 46.2)
        order.pricelist_id = other
        self.assertEqual(
            self.env.cr.precommit.data[ACCURACY_PRICE_SCOPE_KEY], {order.id: None}
        )
        self._commit_hooks()
        # Odoo keeps the lines' prices on a pricelist change: the first line
        # is now right, the second one wrong
        self.assertEqual(second.price_unit, 42.0)
        self.assertEqual(self._flagged(order), second)

    def test_confirmation_checks_every_line(self):
        self.company.accuracy_mode = "enforce"
        order, first, second = self._order()
        self._price_to(self.pricelist, 46.2)
        second.price_unit = 46.2
        self._commit_hooks()
        # the save kept the first line's finding, now stale
        self.assertEqual(self._flagged(order), first)
        order.action_confirm()
        self.assertFalse(self._flagged(order))
        self.assertEqual(order.state, "sale")

    def test_unchecked_order_prices_every_line(self):
        order, first, _second = self._order()
        self.env.cr.execute(
            "UPDATE sale_order SET accuracy_checked_date = NULL WHERE id = %s",
            [order.id],
        )
        order.invalidate_recordset()
        self._price_to(self.pricelist, 46.2)
        order.client_order_ref = "PO-SCOPE-2"
        self._commit_hooks()
        self.assertFalse(self._flagged(order) & first)

    def test_price_check_of_untouched_lines_reads_at_most_one_query(self):
        products = self.env["product.product"].create(
            [{"name": f"Scope {i}", "list_price": 10.0 + i} for i in range(5)]
        )
        order = self._clean_order(
            lines=[{"product_id": p.id, "product_uom_qty": 1} for p in products]
        )
        self._commit_hooks()
        rule = self._rule("price_deviation").sudo()
        Rule = self.env["sale.accuracy.rule"].sudo()
        # no line to price: the findings to keep in one query, or none when
        # the caller has read the issues (the automatic check does)
        cases = (({order.id: set()}, None, 1), ({order.id: set()}, [], 0))
        for scope, held, count in (*cases, (None, None, 15)):
            data = Rule._accuracy_data(order)
            data.price_scope = scope
            data.held_issues = held
            lines = data.lines
            self.env.invalidate_all()
            with self.assertQueryCount(count):
                self.assertFalse(
                    rule._accuracy_check_price_deviation(data, [order.id], lines)
                )

from odoo import Command

from .common import SalesCoordinationCase


class AccuracyCase(SalesCoordinationCase):
    """Fixtures for the accuracy tests: a clean order passes every rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payment_term = cls.env.ref("account.account_payment_term_30days")
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Wholesale EUR", "currency_id": cls.company.currency_id.id}
        )
        cls.Rule = cls.env["sale.accuracy.rule"]
        cls._ref_counter = 0

    @classmethod
    def _clean_order(cls, lines=None, **values):
        """An order that passes every built-in rule."""
        cls._ref_counter += 1
        vals = {
            "client_order_ref": f"PO-{cls._ref_counter:05d}",
            "payment_term_id": cls.payment_term.id,
            "pricelist_id": cls.pricelist.id,
        }
        vals.update(values)
        if lines is not None:
            vals["order_line"] = [Command.create(line) for line in lines]
        return cls._create_order(**vals)

    def _open_codes(self, order):
        return set(order.accuracy_open_issue_ids.mapped("rule_code"))

    def _rule(self, code):
        return self.env.ref(f"sales_coordination.sale_accuracy_rule_{code}")

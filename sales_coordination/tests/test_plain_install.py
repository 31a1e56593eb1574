from odoo import Command
from odoo.tests import tagged

from .common import SalesCoordinationCase, arch_text

BUILTIN_CODES = {
    "missing_client_ref",
    "incomplete_delivery_address",
    "missing_payment_term",
    "price_deviation",
    "discount_limit",
    "invalid_quantity",
    "packaging_multiple",
    "stock_availability",
    "duplicate_order",
    "credit_limit",
    "minimum_order",
    "unsellable_product",
}
# Rules that need a setting (or a threshold) a plain install does not have.
NOT_APPLIED = {"packaging_multiple", "credit_limit", "minimum_order"}


@tagged("post_install", "-at_install", "-standard", "sc_plain")
class TestPlainInstall(SalesCoordinationCase):
    """Every built-in rule on a plain Odoo: installed without demo data, with
    none of the optional settings (pricelists, packagings, units of measure,
    variants, discounts, credit limit, multi-company).

    Run by the test command on its database installed without demo data
    (``--test-tags sc_plain``); not part of the standard runs on the demo
    database, where these settings are on. pytest-odoo, which ignores Odoo's
    tags, does not collect the class either (``__test__``).
    """

    __test__ = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payment_term = cls.env.ref("account.account_payment_term_30days")
        cls.priced = cls.env["product.product"].create(
            {"name": "Wet Cat Food Tray 24", "type": "consu", "list_price": 100.0}
        )
        cls._ref = 0

    def _order(self, lines=None, **values):
        """A quotation that passes every rule unless ``values`` break one
        (its own reference and quantity: never a duplicate of another)."""
        type(self)._ref += 1
        vals = {
            "partner_id": self.customer.id,
            "client_order_ref": f"PLAIN-{self._ref:04d}",
            "payment_term_id": self.payment_term.id,
            "order_line": [
                Command.create(line)
                for line in (
                    lines
                    or [{"product_id": self.priced.id, "product_uom_qty": self._ref}]
                )
            ],
        }
        vals.update(values)
        return self.env["sale.order"].create(vals)

    def _check(self, order):
        order.action_check_accuracy()
        return set(order.accuracy_open_issue_ids.mapped("rule_code"))

    def _rule(self, code):
        return self.env.ref(f"sales_coordination.sale_accuracy_rule_{code}")

    def test_database_is_plain(self):
        """Without demo data and with every optional setting off."""
        module = self.env["ir.module.module"].search(
            [("name", "=", "sales_coordination")]
        )
        self.assertFalse(module.demo, "the database was installed with demo data")
        self.assertFalse(
            self.env.ref(
                "sales_coordination.res_users_coordinator_demo",
                raise_if_not_found=False,
            )
        )
        internal = self.env.ref("base.group_user")
        for group in (
            "product.group_product_pricelist",
            "product.group_stock_packaging",
            "uom.group_uom",
            "product.group_product_variant",
            "sale.group_discount_per_so_line",
            "base.group_multi_company",
        ):
            with self.subTest(group=group):
                self.assertNotIn(self.env.ref(group), internal.implied_ids)
        self.assertFalse(self.company.account_use_credit_limit)
        self.assertEqual(self.env["res.company"].search_count([]), 1)
        self.assertFalse(self.env["product.pricelist"].search([]))

    def test_a_clean_order_passes_and_says_what_was_not_checked(self):
        order = self._order()
        self.assertFalse(order.pricelist_id)
        self.assertEqual(self._check(order), set())
        self.assertEqual(order.accuracy_state, "passed")
        self.assertTrue(order.first_time_right)
        for code in NOT_APPLIED:
            with self.subTest(code=code):
                self.assertIn(self._rule(code).name, order.accuracy_not_applied)
        self.assertIn("Product Packagings", order.accuracy_not_applied)
        self.assertIn("Sales Credit Limit", order.accuracy_not_applied)

    def test_rules_that_need_a_setting_say_so_on_their_form(self):
        rules = self.env["sale.accuracy.rule"].search(
            [("code", "in", list(BUILTIN_CODES))]
        )
        self.assertEqual(set(rules.mapped("code")), BUILTIN_CODES)
        for rule in rules:
            with self.subTest(rule=rule.code):
                self.assertEqual(bool(rule.setting_warning), rule.code in NOT_APPLIED)
        self.assertIn(
            "Product Packagings", self._rule("packaging_multiple").setting_warning
        )
        self.assertIn("Sales Credit Limit", self._rule("credit_limit").setting_warning)
        self.assertIn("Threshold", self._rule("minimum_order").setting_warning)
        # the alert on the form
        arch = arch_text(self.env["sale.accuracy.rule"].get_view(view_type="form"))
        self.assertIn('name="setting_warning"', arch)

    def test_hand_typed_price_without_pricelist(self):
        order = self._order()
        self.assertFalse(order.pricelist_id)
        line = order.order_line
        self.assertEqual(line.price_unit, 100.0)
        line.price_unit = 70.0
        self.assertEqual(self._check(order), {"price_deviation"})
        issue = order.accuracy_open_issue_ids
        self.assertEqual(issue.line_id, line)
        # amounts in the order's currency, as a person writes them
        self.assertIn("70.00 differs by 30% from the sales price", issue.message)
        self.assertIn("100.00", issue.message)
        self.assertEqual(order.accuracy_state, "blocked")
        line.price_unit = 104.0  # within 5 %
        self.assertEqual(self._check(order), set())

    def test_price_on_a_free_product_is_not_skipped(self):
        free = self.env["product.product"].create(
            {"name": "Sample Treats", "type": "consu", "list_price": 0.0}
        )
        order = self._order(lines=[{"product_id": free.id, "product_uom_qty": 1}])
        self.assertEqual(self._check(order), set())
        order.order_line.price_unit = 5.0
        self.assertEqual(self._check(order), {"price_deviation"})
        self.assertIn("cannot be measured", order.accuracy_open_issue_ids.message)

    def test_data_rules(self):
        self.assertEqual(
            self._check(self._order(client_order_ref=False)), {"missing_client_ref"}
        )
        self.assertEqual(
            self._check(self._order(payment_term_id=False)), {"missing_payment_term"}
        )
        zero = self._order(lines=[{"product_id": self.priced.id, "product_uom_qty": 0}])
        self.assertEqual(self._check(zero), {"invalid_quantity"})
        first = self._order(client_order_ref="PO-TWICE")
        second = self._order(client_order_ref="PO-TWICE")
        self.assertEqual(self._check(second), {"duplicate_order"})
        self.assertIn(first.name, second.accuracy_open_issue_ids.message)
        # last: a delivery address of the customer becomes the orders' default
        depot = self.env["res.partner"].create(
            {"name": "Depot", "parent_id": self.customer.id, "type": "delivery"}
        )
        self.assertEqual(
            self._check(self._order(partner_shipping_id=depot.id)),
            {"incomplete_delivery_address"},
        )

    def test_discount_and_unsellable(self):
        order = self._order()
        order.order_line.discount = 20.0
        self.assertEqual(self._check(order), {"discount_limit"})
        archived = self.env["product.product"].create(
            {"name": "Old Leash", "type": "consu", "list_price": 100.0}
        )
        order = self._order(lines=[{"product_id": archived.id, "product_uom_qty": 1}])
        archived.sale_ok = False
        self.assertEqual(self._check(order), {"unsellable_product"})

    def test_stock_availability(self):
        storable = self.env["product.product"].create(
            {
                "name": "Cat Litter 10 l",
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0,
            }
        )
        order = self._order(lines=[{"product_id": storable.id, "product_uom_qty": 10}])
        self.assertEqual(self._check(order), {"stock_availability"})
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        self.env["stock.quant"]._update_available_quantity(
            storable, warehouse.lot_stock_id, 10
        )
        self.assertEqual(self._check(order), set())

    def test_rules_needing_a_setting_check_nothing_until_it_is_on(self):
        self.env["product.packaging"].create(
            {"name": "Case of 12", "product_id": self.priced.id, "qty": 12}
        )
        self.customer.with_company(self.company).credit_limit = 1.0
        self._rule("minimum_order").threshold = 0.0
        order = self._order(
            lines=[{"product_id": self.priced.id, "product_uom_qty": 5}]
        )
        self.assertEqual(self._check(order), set())
        self.assertEqual(order.accuracy_state, "passed")
        # the same order, once the settings are on, fails each of them
        self.env.ref("base.group_user").implied_ids |= self.env.ref(
            "product.group_stock_packaging"
        )
        self.company.account_use_credit_limit = True
        self._rule("minimum_order").threshold = 10000.0
        self.assertEqual(
            self._check(order), {"packaging_multiple", "credit_limit", "minimum_order"}
        )
        self.assertFalse(order.accuracy_not_applied)
        self.assertFalse(
            self.env["sale.accuracy.rule"]
            .search([("code", "in", list(NOT_APPLIED))])
            .filtered("setting_warning")
        )

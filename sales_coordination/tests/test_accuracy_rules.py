from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import format_amount

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyRules(AccuracyCase):
    """Every built-in rule fires on a crafted order and stays quiet on a clean
    one; domain rules, team scoping and companies decide where rules apply."""

    def _check(self, order):
        order.action_check_accuracy()
        return self._open_codes(order)

    def test_clean_order_passes_every_rule(self):
        order = self._clean_order()
        self.assertEqual(self._check(order), set())
        self.assertEqual(order.accuracy_state, "passed")
        self.assertTrue(order.accuracy_checked_date)

    def test_builtin_rules_are_shipped_with_their_settings(self):
        expected = {
            "missing_client_ref": ("data", "warning", 0),
            "incomplete_delivery_address": ("data", "blocking", 0),
            "missing_payment_term": ("data", "warning", 0),
            "price_deviation": ("pricing", "blocking", 5),
            "discount_limit": ("pricing", "blocking", 15),
            "invalid_quantity": ("data", "blocking", 0),
            "packaging_multiple": ("fulfillment", "warning", 0),
            "stock_availability": ("fulfillment", "warning", 0),
            "duplicate_order": ("data", "blocking", 7),
            "credit_limit": ("credit", "blocking", 0),
            "minimum_order": ("pricing", "warning", 0),
            "unsellable_product": ("data", "blocking", 0),
        }
        for code, values in expected.items():
            rule = self._rule(code)
            self.assertEqual(
                (rule.category, rule.severity, rule.threshold), values, code
            )
            self.assertEqual(rule.check_type, code)

    def test_missing_client_ref(self):
        order = self._clean_order(client_order_ref=False)
        self.assertEqual(self._check(order), {"missing_client_ref"})
        self.assertEqual(order.accuracy_state, "warning")
        self.assertIn("PO number", order.accuracy_open_issue_ids.message)

    def test_incomplete_delivery_address(self):
        address = self.env["res.partner"].create(
            {
                "name": "Happy Paws Depot",
                "parent_id": self.customer.id,
                "type": "delivery",
                "city": "Antwerp",
            }
        )
        order = self._clean_order(partner_shipping_id=address.id)
        self.assertEqual(self._check(order), {"incomplete_delivery_address"})
        issue = order.accuracy_open_issue_ids
        self.assertIn("street", issue.message)
        self.assertIn("country", issue.message)
        self.assertNotIn("city", issue.message)
        self.assertEqual(order.accuracy_state, "blocked")

    def test_missing_payment_term(self):
        order = self._clean_order(payment_term_id=False)
        self.assertEqual(self._check(order), {"missing_payment_term"})

    def test_price_deviation(self):
        order = self._clean_order(
            lines=[
                {"product_id": self.product.id, "product_uom_qty": 12},
                {"product_id": self.product.id, "product_uom_qty": 24},
            ],
        )
        high, near = order.order_line
        high.price_unit = 46.2  # +10 % on 42
        near.price_unit = 43.68  # +4 %: within 5 %
        self.assertEqual(self._check(order), {"price_deviation"})
        issue = order.accuracy_open_issue_ids
        self.assertEqual(issue.line_id, high)
        self.assertIn("46.2", issue.message)
        self.assertIn("42", issue.message)
        self.assertEqual(high.accuracy_issue_level, "blocking")
        self.assertFalse(near.accuracy_issue_level)

    def test_price_deviation_follows_pricelist_rules(self):
        self.env["product.pricelist.item"].create(
            {
                "pricelist_id": self.pricelist.id,
                "applied_on": "1_product",
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "min_quantity": 100,
                "compute_price": "fixed",
                "fixed_price": 30.0,
            }
        )
        order = self._clean_order()
        line = order.order_line
        line.write({"product_uom_qty": 120, "price_unit": 42.0})
        self.assertEqual(self._check(order), {"price_deviation"})
        line.price_unit = 30.0
        self.assertEqual(self._check(order), set())

    def test_price_deviation_without_pricelist_follows_odoo(self):
        """Without a pricelist, the price Odoo puts on a new line: the sales
        price, per unit of measure and with the variant extras."""
        dozen = self.env.ref("uom.product_uom_dozen")
        attribute = self.env["product.attribute"].create(
            {
                "name": "Gift wrap",
                "create_variant": "no_variant",
                "value_ids": [Command.create({"name": "Wrapped"})],
            }
        )
        attribute_line = self.env["product.template.attribute.line"].create(
            {
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "attribute_id": attribute.id,
                "value_ids": [Command.set(attribute.value_ids.ids)],
            }
        )
        wrap = attribute_line.product_template_value_ids
        wrap.price_extra = 3.0
        order = self._clean_order(
            pricelist_id=False,
            lines=[
                {
                    "product_id": self.product.id,
                    "product_uom_qty": 2,
                    "product_uom": dozen.id,
                },
                {
                    "product_id": self.product.id,
                    "product_uom_qty": 12,
                    "product_no_variant_attribute_value_ids": [Command.set(wrap.ids)],
                },
            ],
        )
        self.assertFalse(order.pricelist_id)
        by_dozen, wrapped = order.order_line
        self.assertEqual(by_dozen.price_unit, 504.0)  # 12 x 42
        self.assertEqual(wrapped.price_unit, 45.0)
        self.assertEqual(self._check(order), set())
        by_dozen.price_unit = 42.0  # the unit's price typed for a dozen
        wrapped.price_unit = 42.0  # the extra forgotten: -6.7 %
        self.assertEqual(self._check(order), {"price_deviation"})
        self.assertEqual(order.accuracy_open_issue_ids.line_id, by_dozen | wrapped)
        # amounts in the order's currency, with its symbol
        amount = format_amount(self.env, 504.0, order.currency_id)
        self.assertIn(f"the sales price {amount}", by_dozen.accuracy_issue_message)
        self.assertIn("(limit 5%)", by_dozen.accuracy_issue_message)

    def test_discount_limit(self):
        order = self._clean_order()
        order.order_line.discount = 15.0
        self.assertEqual(self._check(order), set())
        order.order_line.discount = 20.0
        self.assertEqual(self._check(order), {"discount_limit"})
        self.assertIn("20", order.accuracy_open_issue_ids.message)

    def test_invalid_quantity(self):
        order = self._clean_order()
        order.order_line.product_uom_qty = 0
        self.assertEqual(self._check(order), {"invalid_quantity"})

    def test_packaging_multiple(self):
        self.env.ref("base.group_user").implied_ids |= self.env.ref(
            "product.group_stock_packaging"
        )
        self.env["product.packaging"].create(
            {
                "name": "Case of 12",
                "product_id": self.product.id,
                "qty": 12,
                "sales": True,
            }
        )
        order = self._clean_order()
        self.assertEqual(self._check(order), set())
        order.order_line.write({"product_uom_qty": 10, "product_packaging_id": False})
        self.assertEqual(self._check(order), {"packaging_multiple"})
        message = order.accuracy_open_issue_ids.message
        # the quantity in the product's unit, the pack named once, no ".0"
        self.assertEqual(
            message,
            f"{self.product.display_name}: 10 Units ordered, but they come in "
            "packs of 12 (Case of 12): order 12 (1 Case of 12).",
        )

    def test_packaging_not_for_sales_is_ignored(self):
        self.env["product.packaging"].create(
            {"name": "Pallet", "product_id": self.product.id, "qty": 7, "sales": False}
        )
        order = self._clean_order()
        self.assertEqual(self._check(order), set())

    def test_stock_availability(self):
        product = self.env["product.product"].create(
            {
                "name": "Cat Litter 10 l",
                "type": "consu",
                "is_storable": True,
                "list_price": 8.0,
            }
        )
        order = self._clean_order(
            lines=[{"product_id": product.id, "product_uom_qty": 10}],
        )
        self.assertEqual(self._check(order), {"stock_availability"})
        self.assertIn("Cat Litter", order.accuracy_open_issue_ids.message)
        warehouse = order.warehouse_id
        self.env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, 10
        )
        self.assertEqual(self._check(order), set())
        # Another confirmed order takes 4 of them before our delivery date.
        other = self._clean_order(
            lines=[{"product_id": product.id, "product_uom_qty": 4}]
        )
        other.action_confirm()
        self.assertEqual(self._check(order), {"stock_availability"})
        self.assertIn("is 6 Units.", order.accuracy_open_issue_ids.message)
        # A receipt planned before the delivery date covers it again.
        receipt = self.env["stock.move"].create(
            {
                "name": "Receipt of cat litter",
                "product_id": product.id,
                "product_uom_qty": 4,
                "product_uom": product.uom_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "date": order.date_order,
            }
        )
        receipt._action_confirm()
        self.assertEqual(self._check(order), set())
        # Two lines of the same product add up.
        order.order_line = [
            Command.create({"product_id": product.id, "product_uom_qty": 1})
        ]
        self.assertEqual(self._check(order), {"stock_availability"})

    def test_duplicate_order_same_reference(self):
        first = self._clean_order(client_order_ref="PO-DUP")
        second = self._clean_order(
            client_order_ref="po-dup ",
            lines=[{"product_id": self.product.id, "product_uom_qty": 48}],
        )
        self.assertEqual(self._check(second), {"duplicate_order"})
        self.assertIn(first.name, second.accuracy_open_issue_ids.message)
        first.action_cancel()
        self.assertEqual(self._check(second), set())

    def test_duplicate_order_same_lines_within_threshold(self):
        with freeze_time("2026-03-02 10:00:00"):
            first = self._clean_order(date_order=datetime(2026, 3, 2, 10))
            second = self._clean_order(date_order=datetime(2026, 3, 6, 10))
            self.assertEqual(self._check(second), {"duplicate_order"})
            self.assertEqual(self._check(first), {"duplicate_order"})
            second.date_order = datetime(2026, 3, 2, 10) + timedelta(days=10)
            self.assertEqual(self._check(second), set())
            second.date_order = datetime(2026, 3, 6, 10)
            second.order_line.product_uom_qty = 24
            self.assertEqual(self._check(second), set())

    def test_duplicate_order_of_an_archived_contact_of_the_customer(self):
        """The orders compared are those of the whole commercial partner,
        its archived contacts included."""
        contact = self.env["res.partner"].create(
            {"name": "Former Buyer", "parent_id": self.customer.id}
        )
        first = self._clean_order(partner=contact, client_order_ref="PO-CONTACT")
        contact.active = False
        second = self._clean_order(
            client_order_ref=" po-contact",
            lines=[{"product_id": self.product.id, "product_uom_qty": 48}],
        )
        self.assertEqual(self._check(second), {"duplicate_order"})
        self.assertIn(first.name, second.accuracy_open_issue_ids.message)

    def test_duplicate_order_other_customer_is_not_a_duplicate(self):
        other = self.customer.copy({"name": "Other Pet Shop"})
        self._clean_order(client_order_ref="PO-SAME")
        order = self._clean_order(partner=other, client_order_ref="PO-SAME")
        self.assertEqual(self._check(order), set())

    def test_credit_limit(self):
        self.company.account_use_credit_limit = True
        self.customer.with_company(self.company).credit_limit = 1500.0
        order = self._clean_order()  # 12 x 42 = 504 untaxed
        self.assertEqual(self._check(order), set())
        confirmed = self._clean_order(
            lines=[{"product_id": self.product.id, "product_uom_qty": 24}]
        )
        confirmed.action_confirm()  # 1008 more, confirmed but not invoiced
        self.assertEqual(confirmed.state, "sale")
        self.assertEqual(self._check(order), {"credit_limit"})
        message = order.accuracy_open_issue_ids.message
        limit = format_amount(self.env, 1500, self.company.currency_id)
        self.assertIn(f"credit limit of {limit}", message)
        self.customer.with_company(self.company).credit_limit = 5000.0
        self.assertEqual(self._check(order), set())

    def test_credit_limit_banner_for_users_without_accounting_rights(self):
        """Enabling credit limits must not lock coordinators and salespeople
        out of their quotations (Odoo 18.0 raised an AccessError on the
        customer's credit limit)."""
        self.company.account_use_credit_limit = True
        self.customer.with_company(self.company).credit_limit = 100.0
        order = self._clean_order()  # 504 untaxed, above the limit
        order.user_id = self.salesperson  # who sees only their own orders
        for user in (self.coordinator, self.salesperson):
            with self.subTest(user=user.login):
                self.assertFalse(user.has_group("account.group_account_invoice"))
                self.env.invalidate_all()
                values = order.with_user(user).read(["partner_credit_warning"])
                self.assertIn("100", values[0]["partner_credit_warning"])

    def test_credit_limit_needs_the_company_setting(self):
        self.company.account_use_credit_limit = False
        self.customer.with_company(self.company).credit_limit = 1.0
        order = self._clean_order()
        self.assertEqual(self._check(order), set())

    def test_minimum_order(self):
        order = self._clean_order()
        self.assertEqual(self._check(order), set())  # threshold 0 = off
        self._rule("minimum_order").threshold = 1000.0
        self.assertEqual(self._check(order), {"minimum_order"})
        self.assertIn(
            format_amount(self.env, 1000, order.currency_id),
            order.accuracy_open_issue_ids.message,
        )

    def test_unsellable_product(self):
        order = self._clean_order()
        self.product.sale_ok = False
        self.assertEqual(self._check(order), {"unsellable_product"})
        self.product.sale_ok = True
        self.assertEqual(self._check(order), set())
        self.product.active = False
        self.assertEqual(self._check(order), {"unsellable_product"})

    def test_archived_rule_does_not_run(self):
        order = self._clean_order(client_order_ref=False)
        self._rule("missing_client_ref").active = False
        self.assertEqual(self._check(order), set())

    def test_domain_rule(self):
        rule = self.Rule.create(
            {
                "name": "Large orders need a second look",
                "code": "large_order",
                "check_type": "domain",
                "domain": "[('amount_untaxed', '>', 1000)]",
                "severity": "blocking",
                "category": "pricing",
            }
        )
        small = self._clean_order()
        large = self._clean_order(
            lines=[{"product_id": self.product.id, "product_uom_qty": 36}],
        )
        self.assertEqual(self._check(small), set())
        self.assertEqual(self._check(large), {"large_order"})
        self.assertEqual(large.accuracy_open_issue_ids.category, "pricing")
        self.assertEqual(large.accuracy_state, "blocked")
        with self.assertRaises(ValidationError):
            rule.domain = "[('no_such_field', '=', 1)]"
        with self.assertRaises(ValidationError):
            rule.domain = "not a domain"

    def test_domain_rule_refuses_unsafe_or_malformed_domains(self):
        """A rule domain is a literal list of conditions on readable, searchable
        sale order fields: no secrets, no injection, no bogus operators."""
        Rule = self.Rule.with_user(self.manager)
        values = {
            "name": "Checked domain",
            "code": "checked_domain",
            "check_type": "domain",
            "severity": "warning",
            "category": "data",
        }
        rule = Rule.create(
            dict(values, domain="[('partner_id.country_id.code', '=', 'NL')]")
        )
        bad_domains = (
            "[('user_id.password', '=', 'x')]",
            "[('user_id.api_key_ids.name', '!=', False)]",
            "[('user_id.signup_token', '!=', False)]",
            "[('amount_total.currency_id', '=', 1)]",
            "[('nonexistent_field', '=', 1)]",
            "[('id', 'bogus_op', 1)]",
            "[('id', '=', 1), '|']",
            "[1, 2, 3]",
            "{'a': 1}",
            "[('id', '=', 1)]; DROP TABLE sale_order; --",
            "__import__('os').getcwd()",
            "[('id', 'in', (SELECT id FROM res_users))]",
        )
        for domain in bad_domains:
            with self.subTest(domain=domain):
                with self.assertRaises(ValidationError):
                    Rule.create(dict(values, code="other_code", domain=domain))
                with self.assertRaises(ValidationError):
                    rule.write({"domain": domain})
        self.assertEqual(rule.domain, "[('partner_id.country_id.code', '=', 'NL')]")
        self.assertFalse(Rule.search([("code", "=", "other_code")]))

    def test_team_scoping(self):
        other_team = self.env["crm.team"].create({"name": "Garden Centres"})
        self.Rule.create(
            {
                "name": "North needs a carrier note",
                "code": "north_note",
                "check_type": "domain",
                "domain": "[('note', '=', False)]",
                "team_ids": [Command.link(self.team.id)],
            }
        )
        north = self._clean_order(team=self.team, note=False)
        garden = self._clean_order(
            team=other_team,
            note=False,
            lines=[{"product_id": self.product.id, "product_uom_qty": 24}],
        )
        self.assertEqual(self._check(north), {"north_note"})
        self.assertEqual(self._check(garden), set())

    def test_rule_of_another_company_does_not_apply(self):
        company_b = self.env["res.company"].create({"name": "Aquarium Supplies BV"})
        self.Rule.create(
            {
                "name": "B wants notes",
                "code": "b_note",
                "check_type": "domain",
                "domain": "[]",
                "company_id": company_b.id,
            }
        )
        order = self._clean_order()
        self.assertEqual(self._check(order), set())

    def test_rule_code_unique_per_company(self):
        values = {"name": "x", "code": "dup_code", "check_type": "domain"}
        self.Rule.create(values)
        with self.assertRaises(ValidationError):
            self.Rule.create(values)
        company_b = self.env["res.company"].create({"name": "Aquarium Supplies BV"})
        self.Rule.create(dict(values, company_id=company_b.id))

    def test_issues_of_another_company_are_invisible(self):
        company_b = self.env["res.company"].create({"name": "Aquarium Supplies BV"})
        user_b = new_test_user(
            self.env,
            login="sc_admin_b",
            groups="base.group_user,sales_coordination.group_administrator",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        order = self._clean_order(client_order_ref=False)
        order.action_check_accuracy()
        Issue = self.env["sale.accuracy.issue"].with_user(user_b)
        self.assertFalse(Issue.search([("order_id", "=", order.id)]))

    def test_only_managers_configure_rules(self):
        rule = self._rule("discount_limit")
        self.assertEqual(rule.with_user(self.administrator).threshold, 15)
        with self.assertRaises(AccessError):
            rule.with_user(self.administrator).threshold = 50
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.salesperson).create(
                {"name": "x", "code": "x", "check_type": "domain"}
            )
        # a shared rule (no company) needs a manager of every company
        everywhere = new_test_user(
            self.env,
            login="sc_manager_everywhere",
            groups="base.group_user,sales_coordination.group_manager",
            company_ids=[Command.set(self.env["res.company"].search([]).ids)],
        )
        rule.with_user(everywhere).threshold = 20
        self.assertEqual(rule.threshold, 20)

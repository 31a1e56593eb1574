from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_accuracy import AccuracyCase

# Odoo's price computation adds this key of the context to the price.
PRICE_KEY = "no_variant_attributes_price_extra"


@tagged("post_install", "-at_install")
class TestChecksBuildTheirContext(AccuracyCase):
    """The context is input: a caller chooses it, and Odoo's own price and
    stock computations read it. The checks compute with a context they build
    themselves (the caller's language and companies, nothing else)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.accuracy_mode = "enforce"

    def _cheap_order(self, context):
        """A line of a product listed at 42 sold at 1.00."""
        order = self._clean_order(
            lines=[{"product_id": self.product.id, "product_uom_qty": 12}],
            user_id=self.salesperson.id,
        ).with_context(**context)
        order.order_line.with_context(**context).price_unit = 1.0
        return order

    def test_a_context_key_does_not_change_the_expected_price(self):
        for value in (-41, -99, [1], "x", {"a": 1}):
            with self.subTest(value=value):
                order = self._cheap_order({PRICE_KEY: value})
                order.with_user(self.salesperson).with_context(
                    **{PRICE_KEY: value}
                ).action_check_accuracy()
                self.assertIn("price_deviation", self._open_codes(order))
                self.assertEqual(order.accuracy_state, "blocked")

    def test_a_context_key_does_not_confirm_a_blocked_order(self):
        order = self._cheap_order({PRICE_KEY: -41})
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).with_context(
                **{PRICE_KEY: -41}
            ).action_confirm()
        self.assertIn(order.state, ("draft", "sent"))

    def test_the_first_check_is_not_right_by_context(self):
        order = self._clean_order(
            lines=[
                {"product_id": self.product.id, "product_uom_qty": 12, "price_unit": 1}
            ],
        )
        order.with_context(**{PRICE_KEY: -41}).action_check_accuracy()
        self.assertFalse(order.first_time_right)

    def test_an_unusable_language_falls_back_to_the_users(self):
        order = self._cheap_order({})
        for lang in (["en_US"], "xx_XX", 42):
            with self.subTest(lang=lang):
                order.with_context(lang=lang).action_check_accuracy()
                self.assertIn("price_deviation", self._open_codes(order))

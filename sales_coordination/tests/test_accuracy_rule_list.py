from lxml import etree

from odoo.tests import tagged

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyRuleList(AccuracyCase):
    """The rule list speaks the manager's language: names and labels, each
    threshold with its unit, no column repeating the name."""

    def test_thresholds_with_their_unit(self):
        expected = {
            "price_deviation": (5, "5 %"),
            "discount_limit": (12.5, "12.5 %"),
            "duplicate_order": (7, "7 days"),
            "minimum_order": (0, "Off"),
            "missing_client_ref": (0, False),
        }
        for code, (threshold, text) in expected.items():
            rule = self._rule(code)
            rule.threshold = threshold
            self.assertEqual(rule.threshold_display, text, code)
        minimum = self._rule("minimum_order")
        minimum.threshold = 250
        self.assertIn("250.00", minimum.threshold_display)
        self.assertIn(self.env.company.currency_id.symbol, minimum.threshold_display)

    def test_default_columns(self):
        arch = self.Rule.with_user(self.manager).get_views([(False, "list")])["views"][
            "list"
        ]["arch"]
        shown = [
            field.get("name")
            for field in etree.fromstring(arch).iter("field")
            if field.get("optional") != "hide"
            and field.get("column_invisible") not in ("True", "1")
        ]
        self.assertIn("name", shown)
        self.assertIn("threshold_display", shown)
        # snake_case codes and the check type (the built-in rules' name)
        # are not shown by default; the raw number without unit neither
        for hidden in ("code", "check_type", "threshold"):
            self.assertNotIn(hidden, shown)

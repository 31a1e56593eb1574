from odoo.tests import tagged

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyRuleStats(AccuracyCase):
    """Hits, fixes, overrides and the override rate of a rule over 90 days."""

    def test_hits_fixes_overrides(self):
        rule = self.Rule.create(
            {
                "name": "Orders for the Stats depot",
                "code": "stats_rule",
                "check_type": "domain",
                "domain": "[('client_order_ref', '=like', 'STATS-%')]",
                "severity": "blocking",
            }
        )
        self.assertEqual(
            (rule.stat_hit_count, rule.stat_fix_count, rule.stat_override_count),
            (0, 0, 0),
        )
        fixed = self._clean_order(client_order_ref="STATS-1")
        overridden = self._clean_order(
            client_order_ref="STATS-2",
            lines=[{"product_id": self.product.id, "product_uom_qty": 24}],
        )
        (fixed | overridden).action_check_accuracy()
        fixed.client_order_ref = "PO-STATS-FIXED"
        fixed.action_check_accuracy()
        overridden.with_user(self.manager).action_accuracy_override("Known customer")
        rule.invalidate_recordset()
        self.assertEqual(
            (
                rule.stat_hit_count,
                rule.stat_fix_count,
                rule.stat_override_count,
                rule.stat_override_rate,
            ),
            (2, 1, 1, 50.0),
        )
        report = self.env["sales.coordination.accuracy.report"].search(
            [("rule_id", "=", rule.id)]
        )
        self.assertEqual(sum(report.mapped("fix_count")), 1)
        self.assertEqual(sum(report.mapped("override_count")), 1)
        self.assertEqual(sorted(report.mapped("override_rate")), [0.0, 100.0])

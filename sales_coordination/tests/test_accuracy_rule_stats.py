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

    def test_an_override_is_one_decision(self):
        """One approval of an order whose four lines break a rule is one
        override of one order hit, not four."""
        rule = self.Rule.create(
            {
                "name": "Discounts above 10 %",
                "code": "stats_discount",
                "check_type": "discount_limit",
                "threshold": 10,
                "severity": "blocking",
            }
        )
        line = {"product_id": self.product.id, "product_uom_qty": 24, "discount": 50}
        overridden = self._clean_order(lines=[line] * 4)
        fixed = self._clean_order(lines=[line])
        (overridden | fixed).action_check_accuracy()
        self.assertEqual(
            len(
                overridden.accuracy_open_issue_ids.filtered(lambda i: i.rule_id == rule)
            ),
            4,
        )
        overridden.with_user(self.manager).action_accuracy_override("Clearance sale")
        fixed.order_line.discount = 0
        fixed.action_check_accuracy()
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
        report = self.env["sales.coordination.accuracy.report"]
        groups = report._read_group(
            [("rule_id", "=", rule.id)],
            [],
            ["override_count:sum", "override_rate:avg", "issue_count:sum"],
        )
        self.assertEqual(groups, [(1, 50.0, 5)])

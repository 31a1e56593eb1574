from odoo import Command
from odoo.tests import tagged

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestRuleStatisticsScope(AccuracyCase):
    """A rule shared by every company shows each reader the statistics of
    what they may read: another company's issues and follow-ups do not
    count."""

    def test_shared_rule_counts_the_readers_company_only(self):
        company_b = self.env["res.company"].create({"name": "Aquarium Supplies BV"})
        manager_b = self._new_user(
            "sc_manager_b", "sales_coordination.group_manager", company_b
        )
        rule = self._rule("missing_client_ref")
        self.assertFalse(rule.company_id)
        order_a = self._clean_order(client_order_ref=False)
        customer_b = self.env["res.partner"].create(
            {"name": "Koi Corner", "company_id": company_b.id}
        )
        order_b = self.env["sale.order"].create(
            {
                "partner_id": customer_b.id,
                "company_id": company_b.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 12}
                    )
                ],
            }
        )
        (order_a | order_b).action_check_accuracy()
        self.assertIn("missing_client_ref", self._open_codes(order_a))
        self.assertIn("missing_client_ref", self._open_codes(order_b))
        everyone = rule.stat_hit_count
        for_a = rule.with_user(self.manager).stat_hit_count
        for_b = rule.with_user(manager_b).stat_hit_count
        self.assertEqual(for_a + for_b, everyone)
        self.assertEqual(for_b, 1)

        followup_rule = self.env["sales.followup.rule"].search(
            [("company_id", "=", False)], limit=1
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("sale.order"),
                    "res_id": order.id,
                    "activity_type_id": todo.id,
                    "user_id": user.id,
                    "followup_rule_id": followup_rule.id,
                }
                for order, user in ((order_a, self.manager), (order_b, manager_b))
            ]
        )
        total = followup_rule.activity_count
        self.assertEqual(followup_rule.with_user(manager_b).activity_count, 1)
        self.assertEqual(
            followup_rule.with_user(self.manager).activity_count,
            total - 1,
        )

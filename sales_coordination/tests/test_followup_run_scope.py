from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import SENT_AT, FollowupCase


@tagged("post_install", "-at_install")
class TestFollowupRunScope(FollowupCase):
    """run_followups plans only in the companies of the manager who runs it,
    and never runs an archived rule, whatever the context says."""

    def test_a_manager_plans_in_their_companies_only(self):
        # a rule shared by every company, without teams
        self.quote_rule.write({"company_id": False, "team_ids": [Command.clear()]})
        company_b = self.env["res.company"].create({"name": "Aquarium Supplies BV"})
        customer_b = self.env["res.partner"].create(
            {"name": "Koi Corner", "company_id": company_b.id}
        )
        here = self._sent_quote()
        with freeze_time(SENT_AT):
            there = self.env["sale.order"].create(
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
            there.write({"state": "sent"})
        self.assertNotIn(company_b, self.manager.company_ids)
        with freeze_time(SENT_AT + timedelta(days=5)):
            self.quote_rule.with_user(self.manager).run_followups([self.quote_rule.id])
        self.assertTrue(self._followups(here))
        self.assertFalse(self._followups(there))

    def test_archived_rules_never_run(self):
        self._sent_quote()
        self.quote_rule.active = False
        with freeze_time(SENT_AT + timedelta(days=5)):
            created = (
                self.Rule.with_user(self.manager)
                .with_context(active_test=False)
                .run_followups()
            )
        self.assertEqual(created, 0)

from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SENT_AT, FollowupCase


@tagged("post_install", "-at_install")
class TestFollowupCron(FollowupCase):
    """The daily cron works in batches and reports its progress."""

    def test_cron_is_shipped(self):
        cron = self.env.ref("sales_coordination.sales_followup_rule_cron")
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_type, "days")
        self.assertIn("_cron_run_followups", cron.code)
        defaults = self.env["sales.followup.rule"].with_context(active_test=False)
        triggers = set(
            defaults.search(
                [
                    (
                        "id",
                        "in",
                        [
                            self.env.ref(
                                f"sales_coordination.sales_followup_rule_{t}"
                            ).id
                            for t in (
                                "quote_no_reply",
                                "order_late",
                                "invoice_overdue",
                                "lead_idle",
                                "meeting_done",
                            )
                        ],
                    )
                ]
            ).mapped("trigger")
        )
        self.assertEqual(len(triggers), 5)

    def test_cron_batches_and_progress(self):
        orders = self.env["sale.order"]
        for __ in range(5):
            orders |= self._sent_quote()
        cron = self.env.ref("sales_coordination.sales_followup_rule_cron")
        seen = []
        with freeze_time(SENT_AT + timedelta(days=3)):
            for __ in range(10):
                progress = self.env["ir.cron.progress"].create(
                    {"cron_id": cron.id, "done": 0, "remaining": 0}
                )
                self.Rule.with_context(
                    ir_cron_progress_id=progress.id
                )._cron_run_followups(batch_size=2, max_batches=1)
                seen.append((progress.done, progress.remaining))
                if not progress.remaining:
                    break
        self.assertEqual(seen, [(2, 3), (2, 1), (1, 0)])
        self.assertEqual(len(self._followups(orders)), 5)
        self.assertEqual(set(self._followups(orders).mapped("res_id")), set(orders.ids))

    def test_cron_several_batches_per_call(self):
        orders = self.env["sale.order"]
        for __ in range(5):
            orders |= self._sent_quote()
        with freeze_time(SENT_AT + timedelta(days=3)):
            created = self.Rule._cron_run_followups(batch_size=2, max_batches=10)
            self.assertEqual(created, 5)
            self.assertEqual(self.Rule._cron_run_followups(batch_size=2), 0)
        self.assertEqual(len(self._followups(orders)), 5)

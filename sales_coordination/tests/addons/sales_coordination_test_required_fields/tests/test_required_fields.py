from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.sales_coordination.tests.common import (
    SENT_AT,
    FollowupCase,
)


@tagged("post_install", "-at_install")
class TestRequiredFieldsOfOtherAddons(FollowupCase):
    """Required fields with a default, added by another addon to
    ``mail.activity`` and ``sale.order.line``, get their default wherever the
    addon creates such records."""

    def test_check_and_confirm(self):
        order = self._create_order(
            team=self.team,
            order_line=[
                (0, 0, {"product_id": self.product.id, "product_uom_qty": 12}),
            ],
        )
        self.assertEqual(order.order_line.sc_test_batch_code, "BATCH-0")
        order.action_check_accuracy()
        self.assertNotEqual(order.accuracy_state, "unchecked")
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.order_line.sc_test_batch_code, "BATCH-0")

    def test_followups_of_the_cron_get_the_default(self):
        orders = self._sent_quote() | self._sent_quote()
        with freeze_time(SENT_AT + timedelta(days=3)):
            created = self.Rule._cron_run_followups(batch_size=1, max_batches=5)
        self.assertEqual(created, 2)
        activities = self._followups(orders)
        self.assertEqual(len(activities), 2)
        self.assertEqual(set(activities.mapped("sc_test_channel")), {"phone"})
        self.env.cr.execute(
            "SELECT count(*) FROM mail_activity "
            "WHERE id IN %s AND sc_test_channel = 'phone'",
            [tuple(activities.ids)],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 2)

    def test_followups_of_both_insert_paths_get_the_default(self):
        """The ORM path (default) and the SQL fast path store the same
        follow-ups: other addons' defaults, followers, nothing twice."""
        params = self.env["ir.config_parameter"]
        for mode in ("orm", "sql"):
            with self.subTest(mode=mode):
                params.set_param("sales_coordination.followup_insert", mode)
                orders = self._sent_quote() | self._sent_quote()
                self.assertEqual(self._run(SENT_AT + timedelta(days=3)), 2)
                activities = self._followups(orders)
                self.assertEqual(set(activities.mapped("sc_test_channel")), {"phone"})
                self.assertEqual(
                    set(activities.mapped("res_name")), set(orders.mapped("name"))
                )
                for order in orders:
                    self.assertIn(
                        self.coordinator.partner_id, order.message_partner_ids
                    )
                self.assertEqual(self._run(SENT_AT + timedelta(days=4)), 0)
                self._followups(orders).unlink()
                orders.with_context(disable_cancel_warning=True).action_cancel()

    def test_demo_was_loaded_with_the_fields(self):
        # Installed together with sales_coordination (as the test command
        # does), this module loads first: the addon's demo story created its
        # orders with the fields in place, and played them through.
        customers = self.env["res.partner"].browse(
            self.env["ir.model.data"]
            .search(
                [("module", "=", "sales_coordination"), ("model", "=", "res.partner")]
            )
            .mapped("res_id")
        )
        orders = self.env["sale.order"].search(
            [("partner_id", "child_of", customers.commercial_partner_id.ids)]
        )
        self.assertTrue(orders, "the test database holds the addon's demo")
        self.assertIn("sale", orders.mapped("state"))
        self.assertEqual(
            set(orders.order_line.mapped("sc_test_batch_code")), {"BATCH-0"}
        )

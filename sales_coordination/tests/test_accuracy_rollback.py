import time

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestAccuracyRollback(TransactionCase):
    """A blocked confirmation over RPC never loses its findings.

    These tests use real cursors, as the RPC layer does: the data is
    committed, the confirmation runs in its own transaction that is rolled
    back, and the result is read from a third transaction. They commit their
    own data and delete it afterwards; the test transaction itself stays
    untouched (no lock held on the rows used here).
    """

    def setUp(self):
        super().setUp()
        registry = self.registry
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            self.previous_mode = company.accuracy_mode
            company.accuracy_mode = "enforce"
            self.customer_id = (
                env["res.partner"]
                .create(
                    {
                        "name": "Rollback Pet Shop",
                        "is_company": True,
                        # no street: incomplete_delivery_address (blocking)
                        "city": "Ghent",
                        "country_id": env.ref("base.be").id,
                    }
                )
                .id
            )
            self.product_id = (
                env["product.product"]
                .create({"name": "Rollback Kibble", "type": "consu", "list_price": 9})
                .id
            )
            self.order_id = self._create_order(env).id
        self.addCleanup(self._cleanup)

    def _create_order(self, env):
        return env["sale.order"].create(
            {
                "partner_id": self.customer_id,
                "client_order_ref": "PO-ROLLBACK",
                "payment_term_id": env.ref("account.account_payment_term_30days").id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product_id, "product_uom_qty": 3}
                    )
                ],
            }
        )

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["sale.order"].search([("partner_id", "=", self.customer_id)]).unlink()
            env["product.product"].browse(self.product_id).unlink()
            env["res.partner"].browse(self.customer_id).unlink()
            env.ref("base.main_company").accuracy_mode = self.previous_mode

    def _read_order(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["sale.order"].browse(self.order_id)
            return {
                "state": order.state,
                "accuracy_state": order.accuracy_state,
                "first_time_right": order.first_time_right,
                "checked": bool(order.accuracy_checked_date),
                "checked_date": order.accuracy_checked_date,
                "open": order.accuracy_open_issue_ids.mapped("rule_code"),
            }

    def _confirm_over_rpc(self, order_id):
        """What the RPC layer does: one cursor, rolled back on the error."""
        with self.assertRaises(UserError), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["sale.order"].browse(order_id).action_confirm()

    def test_findings_survive_the_rollback(self):
        self._confirm_over_rpc(self.order_id)
        result = self._read_order()
        self.assertEqual(result["state"], "draft")
        self.assertEqual(result["accuracy_state"], "blocked")
        self.assertEqual(result["open"], ["incomplete_delivery_address"])
        self.assertTrue(result["checked"])
        self.assertFalse(result["first_time_right"])
        # A second blocked attempt does not duplicate the issue.
        self._confirm_over_rpc(self.order_id)
        self.assertEqual(self._read_order()["open"], ["incomplete_delivery_address"])
        # Fixed and checked again: passed, but never first time right.
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["res.partner"].browse(self.customer_id).street = "1 Dock Road"
            env["sale.order"].browse(self.order_id).action_check_accuracy()
        result = self._read_order()
        self.assertEqual(result["accuracy_state"], "passed")
        self.assertFalse(result["first_time_right"])

    def test_locked_order_is_skipped_without_hanging(self):
        before = self._read_order()  # checked when it was created
        with self.registry.cursor() as locker:
            locker.execute(
                "SELECT id FROM sale_order WHERE id = %s FOR UPDATE", [self.order_id]
            )
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                order = env["sale.order"].browse(self.order_id)
                order._accuracy_keep_findings_after_rollback()
                start = time.monotonic()
                cr.rollback()  # runs the hook while `locker` holds the row
                elapsed = time.monotonic() - start
            self.assertLess(elapsed, 2.0)
            locker.rollback()
        self.assertEqual(self._read_order(), before)

    def test_uncommitted_order_is_ignored(self):
        with self.assertRaises(UserError), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = self._create_order(env)
            new_id = order.id
            order.action_confirm()
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM sale_order WHERE id = %s", [new_id])
            self.assertEqual(cr.fetchone()[0], 0)
            cr.execute(
                "SELECT count(*) FROM sale_accuracy_issue WHERE order_id = %s",
                [new_id],
            )
            self.assertEqual(cr.fetchone()[0], 0)

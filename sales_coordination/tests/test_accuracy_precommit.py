from odoo import Command
from odoo.tests import tagged

from odoo.addons.sales_coordination.models.sale_order_accuracy import (
    ACCURACY_PRECOMMIT_KEY,
)

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyPrecommit(AccuracyCase):
    """Quotations are checked by themselves before the transaction commits:
    once per transaction for every order touched, whatever touched them."""

    def _commit_hooks(self):
        """Run the transaction's pre-commit hooks, as a commit would."""
        self.env.flush_all()
        self.env.cr.flush()

    def _distinct_order(self, **values):
        """A clean order that does not look like a duplicate of another one
        (its own quantity, in cases of 12)."""
        self._ref_counter += 1
        lines = [
            {"product_id": self.product.id, "product_uom_qty": 12 * self._ref_counter}
        ]
        return self._clean_order(lines=lines, **values)

    def _hooks(self):
        return [
            func
            for func in self.env.cr.precommit._funcs
            if getattr(func, "__name__", "") == "_accuracy_precommit_check"
        ]

    def test_created_quotation_is_checked_before_commit(self):
        order = self._clean_order(client_order_ref=False)
        self.assertEqual(order.accuracy_state, "unchecked")
        self._commit_hooks()
        self.assertEqual(order.accuracy_state, "warning")
        self.assertEqual(self._open_codes(order), {"missing_client_ref"})

    def test_one_hook_per_transaction_for_all_orders(self):
        orders = (
            self._distinct_order() | self._distinct_order() | self._distinct_order()
        )
        orders.write({"client_order_ref": False})
        orders[0].order_line.product_uom_qty += 1200
        orders[1].payment_term_id = False
        self.assertEqual(len(self._hooks()), 1)
        self.assertEqual(
            self.env.cr.precommit.data[ACCURACY_PRECOMMIT_KEY], set(orders.ids)
        )
        self._commit_hooks()
        # one check for the three of them: one check date
        self.assertEqual(len(set(orders.mapped("accuracy_checked_date"))), 1)
        self.assertEqual(set(orders.mapped("accuracy_state")), {"warning"})
        self.assertEqual(
            self._open_codes(orders[1]), {"missing_client_ref", "missing_payment_term"}
        )
        self.assertFalse(self._hooks())

    def test_order_field_changes_check_again(self):
        order = self._clean_order(client_order_ref=False)
        self._commit_hooks()
        self.assertEqual(order.accuracy_state, "warning")
        order.client_order_ref = "PO-FIXED-1"
        self.assertEqual(len(self._hooks()), 1)
        self._commit_hooks()
        self.assertEqual(order.accuracy_state, "passed")

    def test_line_changes_check_again(self):
        order = self._clean_order()
        self._commit_hooks()
        self.assertEqual(order.accuracy_state, "passed")
        order.order_line.discount = 40
        self._commit_hooks()
        self.assertEqual(self._open_codes(order), {"discount_limit"})
        order.order_line.discount = 0
        self._commit_hooks()
        self.assertEqual(order.accuracy_state, "passed")
        order.write({"order_line": [Command.create({"product_id": self.product.id})]})
        self._commit_hooks()
        self.assertEqual(order.accuracy_state, "passed")
        order.order_line[0].unlink()
        self.assertEqual(len(self._hooks()), 1)
        self._commit_hooks()
        self.assertEqual(order.accuracy_state, "passed")

    def test_sending_checks(self):
        order = self._clean_order()
        self._commit_hooks()
        # a change the checks do not read schedules nothing
        order.note = "Deliver at the back door"
        self.assertFalse(self._hooks())
        order.action_quotation_sent()
        self.assertEqual(len(self._hooks()), 1)

    def test_explicit_check_leaves_the_pending_set(self):
        order = self._clean_order(client_order_ref=False)
        order.action_check_accuracy()
        self.assertNotIn(order.id, self.env.cr.precommit.data[ACCURACY_PRECOMMIT_KEY])
        checked = order.accuracy_checked_date
        self._commit_hooks()
        self.assertEqual(order.accuracy_checked_date, checked)

    def test_confirmed_orders_are_not_checked_by_the_hook(self):
        order = self._clean_order()
        order.action_confirm()
        checked = order.accuracy_checked_date
        order.order_line.product_uom_qty = 36
        self._commit_hooks()
        self.assertEqual(order.accuracy_checked_date, checked)

    def test_hook_cost_does_not_grow_with_the_orders(self):
        def cost(count):
            orders = self.env["sale.order"].concat(
                *(self._distinct_order(client_order_ref=False) for _i in range(count))
            )
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            self.env.cr.flush()
            self.assertEqual(set(orders.mapped("accuracy_state")), {"warning"})
            return self.env.cr.sql_log_count - before

        cost(1)  # caches of the rules, units and currencies warmed up
        self.assertEqual(cost(2), cost(8))

from contextlib import contextmanager
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.sales_coordination.models.sale_order_accuracy import (
    ACCURACY_PRECOMMIT_KEY,
)

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyQueryCount(AccuracyCase):
    """The number of queries to check N orders does not grow with N.

    Every rule runs, on orders of 5 lines with storable products, case packs,
    a credit limit and a team-scoped domain rule. (The ORM itself inserts new
    rows by batches of 100: the orders here find fewer than 100 issues.)
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.env.ref(
            "sales_coordination.sale_accuracy_rule_minimum_order"
        ).threshold = 10
        storable = cls.env["product.product"].create(
            {
                "name": "Aquarium Filter",
                "type": "consu",
                "is_storable": True,
                "list_price": 19.0,
            }
        )
        cls.env["product.packaging"].create(
            {"name": "Box of 6", "product_id": storable.id, "qty": 6, "sales": True}
        )
        cls.env["stock.quant"]._update_available_quantity(
            storable, cls.env.ref("stock.warehouse0").lot_stock_id, 100000
        )
        cls.env["sale.accuracy.rule"].create(
            {
                "name": "No reference, no note",
                "code": "no_note",
                "check_type": "domain",
                "domain": "[('note', '=', False), ('client_order_ref', '=', False)]",
                "team_ids": [Command.link(cls.team.id)],
            }
        )
        cls.products = cls.product | storable
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Pet Shop {i}",
                    "street": "1 Main Street",
                    "city": "Ghent",
                    "country_id": cls.env.ref("base.be").id,
                }
                for i in range(5)
            ]
        )
        for customer in cls.customers:
            customer.with_company(cls.company).credit_limit = 1000000

    def _orders(self, count):
        self.batch = getattr(self, "batch", 0) + 1
        return self.env["sale.order"].union(
            *(
                self._clean_order(
                    partner=self.customers[i % 5],
                    team=self.team,
                    note=False,
                    **({} if i % 3 else {"client_order_ref": False}),
                    lines=[
                        {
                            "product_id": self.products[j % 2].id,
                            "product_uom_qty": 6 * (i + j + 1 + 100 * self.batch),
                            "discount": 20 if (j == 1 and i % 2 == 0) else 0,
                        }
                        for j in range(5)
                    ],
                )
                for i in range(count)
            )
        )

    def _count_queries(self, orders):
        """Queries of one check of ``orders`` from cold record caches, counted
        exactly as ``assertQueryCount`` counts: pending precommit hooks run
        before, the ones the check adds run inside, and random bus clean-ups
        are off."""
        with patch("random.random", lambda: 1):
            self.env.flush_all()
            self.env.cr.flush()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            orders.action_check_accuracy()
            self.env.flush_all()
            self.env.cr.flush()
            return self.cr.sql_log_count - before

    # Every check runs at the same instant. The checks write the check date
    # on each order, and the ORM leaves a value that did not change out of
    # its UPDATE: a second check of the same orders cost one UPDATE more or
    # less depending on whether the clock had passed a second since the
    # first one, so a count could differ between two runs of this test.
    @freeze_time("2026-03-02 10:00:00")
    def test_query_count_does_not_grow(self):
        one = self._orders(1)
        fifty = self._orders(50)
        # Both counts come from cold record caches but warm registry caches
        # (ormcache: xml ids, decimal precisions, field defaults; a cold entry
        # costs a query). The single order takes fewer paths than the fifty
        # (no customer reference), so both shapes warm up first: otherwise
        # the count depends on what earlier tests of the same registry ran.
        self._count_queries(self._orders(1))
        self._count_queries(self._orders(50))
        count_one = self._count_queries(one)
        self.assertEqual(
            set(one.accuracy_issue_ids.mapped("rule_code")),
            {"missing_client_ref", "discount_limit", "no_note"},
        )
        self.assertEqual(self._count_queries(fifty), count_one)
        self.assertEqual(
            set(fifty.accuracy_issue_ids.mapped("rule_code")),
            {"missing_client_ref", "discount_limit", "no_note"},
        )
        self.assertLessEqual(len(fifty.accuracy_issue_ids), 100)
        # Checking the same orders again is cheap too.
        count_again = self._count_queries(one)
        self.assertEqual(self._count_queries(fifty), count_again)

    def _writes(self, orders):
        """The INSERT, UPDATE and DELETE statements of one check of
        ``orders``, from cold record caches."""
        queries = []
        self.env.invalidate_all()
        with contextmanager(self._patchExecute)(queries):
            orders.action_check_accuracy()
        return [
            query
            for query in queries
            if query.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
        ]

    def _unchecked_orders(self, count):
        """``count`` new orders, left out of the check before the commit."""
        orders = self._orders(count)
        self.env.flush_all()
        self.env.cr.precommit.data.pop(ACCURACY_PRECOMMIT_KEY, None)
        return orders

    def test_recheck_of_unchanged_orders_writes_nothing(self):
        with freeze_time("2026-03-02 10:00:00"):
            orders = self._unchecked_orders(10)
            self.assertEqual(set(orders.mapped("accuracy_state")), {"unchecked"})
            self.assertTrue(self._writes(orders))
        states = {order: order.accuracy_state for order in orders}
        self.assertNotIn("unchecked", states.values())
        # an hour later: the same findings, nothing written, not even the
        # check date
        with freeze_time("2026-03-02 11:00:00"):
            self.assertEqual(self._writes(orders), [])
        self.assertEqual(set(orders.mapped("accuracy_checked_date")), {_ten()})
        self.assertEqual({order: order.accuracy_state for order in orders}, states)
        # one order changes: only it is written, and only its date moves
        changed = orders.filtered(lambda o: o.accuracy_state == "warning")[:1]
        changed.write({"client_order_ref": "PO-CHANGED", "note": "Checked"})
        changed.order_line.write({"discount": 0})
        self.env.flush_all()
        self.env.cr.precommit.data.pop(ACCURACY_PRECOMMIT_KEY, None)
        with freeze_time("2026-03-02 12:00:00"):
            writes = self._writes(orders)
        self.assertTrue(writes)
        self.assertEqual(changed.accuracy_state, "passed")
        self.assertEqual(str(changed.accuracy_checked_date), "2026-03-02 12:00:00")
        self.assertEqual(
            set((orders - changed).mapped("accuracy_checked_date")), {_ten()}
        )

    @freeze_time("2026-03-02 10:00:00")
    def test_query_count_flat_at_10_and_100_orders(self):
        # warm-up of the registry caches, for a first check and a re-check
        warm = self._unchecked_orders(10)
        self._count_queries(warm)
        self._count_queries(warm)
        ten, hundred = self._unchecked_orders(10), self._unchecked_orders(100)
        first = self._count_queries(ten)
        self.assertEqual(self._count_queries(hundred), first)
        self.assertNotIn("unchecked", hundred.mapped("accuracy_state"))
        again = self._count_queries(ten)
        self.assertEqual(self._count_queries(hundred), again)
        self.assertLess(again, first)


def _ten():
    return fields.Datetime.to_datetime("2026-03-02 10:00:00")

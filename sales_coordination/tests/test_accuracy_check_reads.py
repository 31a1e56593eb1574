from contextlib import contextmanager

from odoo.tests import tagged

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyCheckReads(AccuracyCase):
    """What a check reads, and reads once: the orders' existence and state
    in one query, the user's language from Odoo's cached context, no
    attribute value of a line through the ORM when the check's own read
    found none, only the credit limit of the customers."""

    def _queries(self, orders, **context):
        """The statements of one check of ``orders``, from cold record
        caches, after a first check that warms the registry caches."""
        orders.with_context(**context).action_check_accuracy()
        queries = []
        self.env.invalidate_all()
        with contextmanager(self._patchExecute)(queries):
            orders.with_context(**context).action_check_accuracy()
        return queries

    def _orders(self, count=1):
        """``count`` orders that pass every rule (of other customers than
        the fixtures' own orders: the same lines are no duplicates)."""
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Reads Pet Shop {i}",
                    "street": "1 Main Street",
                    "city": "Ghent",
                    "country_id": self.env.ref("base.be").id,
                }
                for i in range(count)
            ]
        )
        return self.env["sale.order"].union(
            *(self._clean_order(partner=customer) for customer in customers)
        )

    def test_the_orders_are_read_once_before_the_check(self):
        orders = self._orders(3)
        queries = self._queries(orders)
        reads = [q for q in queries if "FROM sale_order WHERE id = ANY" in q]
        self.assertEqual(len(reads), 1, reads)
        self.assertEqual(set(orders.mapped("accuracy_state")), {"passed"})

    def test_a_cancelled_order_is_left_out_by_the_same_read(self):
        orders = self._orders(2)
        cancelled = orders[0]
        cancelled.sudo()._action_cancel()
        self.env.invalidate_all()
        before = cancelled.accuracy_checked_date
        queries = self._queries(orders)
        self.assertEqual(
            len([q for q in queries if "FROM sale_order WHERE id = ANY" in q]), 1
        )
        self.assertEqual(cancelled.accuracy_checked_date, before)
        self.assertEqual(set((orders - cancelled).mapped("accuracy_state")), {"passed"})

    def test_the_language_comes_from_the_cached_user_context(self):
        orders = self._orders()
        # no language in the context: the user's, without a query
        queries = self._queries(orders.with_context(lang=None))
        self.assertFalse([q for q in queries if '"res_partner"."lang"' in q])
        self.assertEqual(set(orders.mapped("accuracy_state")), {"passed"})

    def test_no_attribute_value_of_a_line_read_through_the_orm(self):
        orders = self._orders()
        relation = (
            self.env["sale.order.line"]
            ._fields["product_no_variant_attribute_value_ids"]
            .relation
        )
        queries = self._queries(orders)
        # the check's own read of the attribute values, for all lines at once
        self.assertEqual(len([q for q in queries if relation in q]), 1)

    def test_only_the_credit_limit_of_the_customers_is_read(self):
        self.company.account_use_credit_limit = True
        orders = self._orders()
        orders.partner_id.with_company(self.company).credit_limit = 1000000
        queries = self._queries(orders)
        limits = [q for q in queries if '"res_partner"."credit_limit"' in q]
        self.assertTrue(limits)
        self.assertFalse([q for q in limits if '"res_partner"."name"' in q], limits)
        self.assertEqual(set(orders.mapped("accuracy_state")), {"passed"})

    def test_no_plain_second_index_on_the_creation_date(self):
        """Odoo's own index serves create_date; the addon adds only the
        KPIs' covering index (an index-only scan of a period's quotations),
        not the plain duplicate of earlier versions, which every write of an
        order (the checks' state update too) had to rewrite."""
        self.env.cr.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'sale_order' "
            "AND indexdef LIKE %s",
            ["%(create_date)%"],
        )
        self.assertEqual(
            sorted(row[0] for row in self.env.cr.fetchall()),
            ["sale_order__create_date_index", "sale_order_sc_kpi_created_index"],
        )

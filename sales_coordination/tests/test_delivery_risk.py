from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_delivery import NOW, DeliveryCase


@tagged("post_install", "-at_install")
class TestDeliveryRisk(DeliveryCase):
    """Every confirmed order knows what was promised, when it will really
    leave and whether the promise holds, from its own pickings, reservations
    and Odoo's forecast; the status follows the stock in the same
    transaction."""

    def test_quotation_has_no_promise_and_no_risk(self):
        order = self._create_order()
        self.assertFalse(order.delivery_promise_date)
        self.assertEqual(order.delivery_risk, "none")

    def test_promise_is_the_delivery_date_at_confirmation(self):
        self._put_in_stock(self.kibble, 100)
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(7))
        self.assertEqual(order.delivery_promise_date, self._days(7))
        self.assertEqual(order.delivery_first_promise_date, self._days(7))

    def test_promise_without_delivery_date_is_the_expected_date(self):
        self._put_in_stock(self.kibble, 100)
        self.kibble.sale_delay = 3
        order = self._confirmed_order([(self.kibble, 10)])
        self.assertEqual(
            order.delivery_promise_date.date(), (NOW + timedelta(3)).date()
        )

    def test_reserved_in_time_is_on_track(self):
        self._put_in_stock(self.kibble, 100)
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(7))
        with freeze_time(NOW):
            self.assertEqual(order.delivery_risk, "on_track")
            self.assertEqual(order.delivery_expected_date, self._days(7))
            self.assertEqual(order.delivery_delay_days, 0.0)
            self.assertIn("Grain-Free Kibble 12 kg", order.delivery_missing)

    def test_fresh_order_with_a_past_scheduled_picking_is_not_late(self):
        """A picking whose scheduled date has passed is not a broken promise:
        an order confirmed a minute ago is never late."""
        self._put_in_stock(self.kibble, 100)
        order = self._confirmed_order([(self.kibble, 10)])
        with freeze_time(NOW + timedelta(minutes=1)):
            order._delivery_refresh()
            self.assertNotEqual(order.delivery_risk, "late")

    def test_nothing_forecast_is_at_risk_without_an_expected_date(self):
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(10))
        self.assertEqual(order.delivery_risk, "at_risk")
        self.assertFalse(order.delivery_expected_date)

    def test_forecast_arrival_after_the_promise_is_at_risk_with_its_delay(self):
        self._plan_receipt(self.kibble, 50, self._days(8, hour=10))
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(5))
        with freeze_time(NOW):
            order._delivery_refresh()
        self.assertEqual(order.delivery_risk, "at_risk")
        self.assertEqual(order.delivery_expected_date, self._days(8, hour=10))
        self.assertAlmostEqual(order.delivery_delay_days, 2.8, places=1)

    def test_forecast_arrival_before_the_promise_is_on_track(self):
        self._plan_receipt(self.kibble, 50, self._days(2, hour=10))
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(9))
        with freeze_time(NOW):
            order._delivery_refresh()
        self.assertEqual(order.delivery_risk, "on_track")

    def test_not_reserved_within_the_risk_days_of_the_promise_is_at_risk(self):
        """Stock on hand but not reserved: on track a week before the
        promise, at risk within the company's delivery_risk_days (2)."""
        self._plan_receipt(self.kibble, 50, self._days(1, hour=10))
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(7))
        with freeze_time(NOW):
            order._delivery_refresh()
            self.assertEqual(order.delivery_risk, "on_track")
        with freeze_time(self._days(6, hour=9)):
            order._delivery_refresh()
            self.assertEqual(order.delivery_risk, "at_risk")
            self.assertTrue(order.delivery_risk_date)
        self.company.delivery_risk_days = 0
        with freeze_time(self._days(6, hour=9)):
            order._delivery_refresh()
            self.assertEqual(order.delivery_risk, "on_track")

    def test_promise_passed_and_not_delivered_is_late(self):
        self._put_in_stock(self.kibble, 100)
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(1))
        with freeze_time(self._days(4)):
            order._delivery_refresh()
            self.assertEqual(order.delivery_risk, "late")
            self.assertAlmostEqual(order.delivery_delay_days, 3.0, places=1)

    def test_delivered_by_the_promise_is_delivered_on_time(self):
        self._put_in_stock(self.kibble, 100)
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(3))
        self._ship(self._deliveries(order), at=self._days(2))
        # same transaction, no reload: the risk followed the stock
        self.assertEqual(order.delivery_risk, "delivered_on_time")
        self.assertEqual(order.delivery_delay_days, 0.0)
        self.assertTrue(order.delivery_promise_kept)
        self.assertFalse(order.delivery_missing)

    def test_delivered_after_the_promise_is_delivered_late(self):
        self._put_in_stock(self.kibble, 100)
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(3))
        self._ship(self._deliveries(order), at=self._days(5))
        self.assertEqual(order.delivery_risk, "delivered_late")
        self.assertAlmostEqual(order.delivery_delay_days, 2.0, places=1)
        self.assertFalse(order.delivery_promise_kept)

    def test_backorder_keeps_the_order_open_for_what_is_missing(self):
        self._put_in_stock(self.kibble, 100)
        self._put_in_stock(self.litter, 4)
        order = self._confirmed_order(
            [(self.kibble, 10), (self.litter, 10)], promise=self._days(3)
        )
        self._ship(
            self._deliveries(order),
            {self.kibble: 10, self.litter: 4},
            at=self._days(1),
        )
        backorder = self._deliveries(order)
        self.assertEqual(len(backorder), 1)
        with freeze_time(self._days(1)):
            order._delivery_refresh()
            self.assertEqual(order.delivery_risk, "at_risk")
            self.assertIn("6", order.delivery_missing)
            self.assertIn("Clumping Cat Litter 10 L", order.delivery_missing)
            self.assertNotIn("Kibble", order.delivery_missing)
            self._put_in_stock(self.litter, 20)
            backorder.action_assign()
            self.assertEqual(order.delivery_risk, "on_track")
        self._ship(backorder, at=self._days(2))
        self.assertEqual(order.delivery_risk, "delivered_on_time")

    def test_cancelled_delivery_leaves_nothing_to_deliver(self):
        self._put_in_stock(self.kibble, 100)
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(3))
        self._deliveries(order).action_cancel()
        self.assertEqual(order.delivery_risk, "none")

    def test_unreserve_and_reschedule_follow_the_stock(self):
        self._put_in_stock(self.kibble, 10)
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(5))
        picking = self._deliveries(order)
        with freeze_time(NOW):
            self.assertEqual(order.delivery_risk, "on_track")
            picking.scheduled_date = self._days(8)
            self.assertEqual(order.delivery_risk, "at_risk")
            self.assertEqual(order.delivery_expected_date, self._days(8))
            picking.scheduled_date = self._days(4)
            self.assertEqual(order.delivery_risk, "on_track")
            picking.do_unreserve()
            # in stock, not reserved, more than 2 days before the promise
            self.assertEqual(order.delivery_risk, "on_track")
        with freeze_time(self._days(4, hour=9)):
            order._delivery_refresh()
            self.assertEqual(order.delivery_risk, "at_risk")
            picking.action_assign()
            self.assertEqual(order.delivery_risk, "on_track")

    def test_multi_step_delivery_counts_the_picking_step(self):
        """Pick then ship: the shipping move waits for the pick; reserved
        picks make the order on track, and the order is delivered when the
        shipment (not the pick) is done."""
        self.warehouse.delivery_steps = "pick_ship"
        self._put_in_stock(self.kibble, 100)
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(5))
        with freeze_time(NOW):
            self.assertEqual(order.delivery_risk, "on_track")
        pick = order.picking_ids.filtered(
            lambda picking: picking.picking_type_id == self.warehouse.pick_type_id
        )
        self._ship(pick, at=self._days(1))
        self.assertEqual(order.delivery_risk, "on_track")
        self._ship(self._deliveries(order), at=self._days(2))
        self.assertEqual(order.delivery_risk, "delivered_on_time")

    def test_multi_step_delivery_without_stock_is_at_risk(self):
        self.warehouse.delivery_steps = "pick_ship"
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(5))
        with freeze_time(NOW):
            self.assertEqual(order.delivery_risk, "at_risk")

    def test_cron_catches_time_passing(self):
        self._put_in_stock(self.kibble, 100)
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(1))
        self.assertEqual(order.delivery_risk, "on_track")
        with freeze_time(self._days(2)):
            self.env["sale.order"]._cron_delivery_risk()
        self.assertEqual(order.delivery_risk, "late")

    def test_one_bad_order_never_stops_the_cron(self):
        self._put_in_stock(self.kibble, 100)
        good = self._confirmed_order([(self.kibble, 5)], promise=self._days(1))
        bad = self._confirmed_order([(self.kibble, 5)], promise=self._days(1))
        Order = type(self.env["sale.order"])
        original = Order._delivery_order_values

        def failing(order, *args, **kwargs):
            if order.id == bad.id:
                raise ValueError("broken order")
            return original(order, *args, **kwargs)

        self.patch(Order, "_delivery_order_values", failing)
        with (
            freeze_time(self._days(2)),
            self.assertLogs("odoo.addons.sales_coordination", level="ERROR"),
        ):
            self.env["sale.order"]._cron_delivery_risk(batch_size=10)
        self.assertEqual(good.delivery_risk, "late")
        self.assertEqual(bad.delivery_risk, "on_track")

    def test_orders_confirmed_before_the_install_get_a_promise(self):
        """History: the delivery date, else the first delivery's deadline,
        then the status from the pickings."""
        self._put_in_stock(self.kibble, 100)
        dated = self._confirmed_order([(self.kibble, 1)], promise=self._days(2))
        undated = self._confirmed_order([(self.kibble, 1)])
        self._deliveries(undated).move_ids.date_deadline = self._days(5)
        self._ship(self._deliveries(dated), at=self._days(4))
        orders = dated | undated
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET delivery_promise_date = NULL,"
            " delivery_first_promise_date = NULL, delivery_risk = NULL"
            " WHERE id = ANY(%s)",
            [orders.ids],
        )
        orders.invalidate_recordset()
        with freeze_time(NOW):
            self.env["sale.order"]._delivery_backfill()
        self.assertEqual(dated.delivery_promise_date, self._days(2))
        self.assertEqual(dated.delivery_risk, "delivered_late")
        self.assertEqual(undated.delivery_promise_date, self._days(5))
        self.assertEqual(undated.delivery_risk, "on_track")

    def test_the_status_is_set_by_the_addon_only(self):
        self._put_in_stock(self.kibble, 100)
        order = self._confirmed_order([(self.kibble, 10)], promise=self._days(3))
        for vals in (
            {"delivery_risk": "on_track"},
            {"delivery_promise_date": self._days(30)},
            {"delivery_customer_notified_date": NOW},
            {"delivery_informed_in_time": True},
            {"delivery_delay_days": 0},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                order.with_user(self.coordinator).write(vals)
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.salesperson).create(
                {"partner_id": self.customer.id, "delivery_risk": "on_track"}
            )


@tagged("post_install", "-at_install")
class TestDeliveryRiskQueries(DeliveryCase):
    """The status is computed set-wise: the same queries for 2 orders as for
    20, for 2 lines as for 20."""

    def _orders(self, count, lines):
        products = self.env["product.product"].create(
            [
                {"name": f"Treat {i}", "type": "consu", "is_storable": True}
                for i in range(lines)
            ]
        )
        for product in products[: lines // 2]:
            self._put_in_stock(product, 1000)
        self._plan_receipt(products[-1], 1000, self._days(4))
        return self.env["sale.order"].union(
            *(
                self._confirmed_order(
                    [(product, 2) for product in products], promise=self._days(3)
                )
                for __ in range(count)
            )
        )

    def _refresh_queries(self, orders):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        with freeze_time(NOW):
            orders._delivery_refresh()
        return self.env.cr.sql_log_count - before

    def _fewest_queries(self, count, lines):
        """The queries of a refresh of ``count`` orders of ``lines`` lines,
        the fewer of two passes on new orders of that shape: a first pass
        may still fill a cache that the second finds full (seen in both
        directions on a fresh database: 11 against 10 queries)."""
        return min(self._refresh_queries(self._orders(count, lines)) for __ in range(2))

    def test_queries_do_not_grow_with_orders_or_lines(self):
        small = self._fewest_queries(5, 2)
        many_orders = self._fewest_queries(20, 2)
        many_lines = self._fewest_queries(5, 20)
        self.assertEqual(many_orders, small)
        self.assertLessEqual(many_lines, small + 2)
        self.assertLessEqual(small, 15)

    def test_validating_a_delivery_updates_the_order_in_a_few_queries(self):
        order = self._orders(1, 20)
        with freeze_time(NOW):
            for product in order.order_line.product_id:
                self._put_in_stock(product, 10)
            picking = self._deliveries(order)
            picking.action_assign()
            self.env.flush_all()
            for move in picking.move_ids:
                move.write({"quantity": move.product_uom_qty, "picked": True})
            picking._action_done()
            self.assertEqual(order.delivery_risk, "delivered_on_time")
            # the order's part of the validation: its status recomputed
            self.env.invalidate_all()
            with self.assertQueryCount(30):
                order._delivery_refresh()
            self.assertEqual(order.delivery_risk, "delivered_on_time")

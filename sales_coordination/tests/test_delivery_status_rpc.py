from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common_delivery import NOW, DeliveryCase


@tagged("post_install", "-at_install")
class TestDeliveryStatusRpc(DeliveryCase):
    """get_delivery_status answers an integrator's "where is my order?";
    the delivery KPIs, My Day and the customer's portal page read the same
    status."""

    def test_status_shape_in_the_order_of_the_ids(self):
        self._put_in_stock(self.kibble, 10)
        self._put_in_stock(self.litter, 2)
        first = self._confirmed_order(
            [(self.kibble, 5), (self.litter, 5)], promise=self._days(3)
        )
        self._ship(self._deliveries(first), {self.kibble: 5, self.litter: 2})
        second = self._confirmed_order([(self.kibble, 1)], promise=self._days(4))
        with freeze_time(NOW):
            first._delivery_refresh()
            result = (
                self.env["sale.order"]
                .with_user(self.coordinator)
                .get_delivery_status([second.id, first.id])
            )
        self.assertEqual([row["id"] for row in result], [second.id, first.id])
        row = result[1]
        self.assertEqual(
            set(row),
            {
                "id",
                "promised",
                "expected",
                "risk",
                "delay_days",
                "missing",
                "pickings",
                "notified",
            },
        )
        self.assertEqual(row["promised"], "2026-03-05 16:00:00")
        self.assertEqual(row["risk"], "at_risk")
        self.assertIs(row["expected"], False)
        self.assertIs(row["notified"], False)
        self.assertEqual(
            row["missing"],
            [
                {
                    "product": "Clumping Cat Litter 10 L",
                    "quantity": 3.0,
                    "expected": False,
                }
            ],
        )
        self.assertEqual(
            sorted(picking["state"] for picking in row["pickings"]),
            ["confirmed", "done"],
        )
        for picking in row["pickings"]:
            self.assertEqual(
                set(picking), {"name", "state", "scheduled", "tracking_ref"}
            )
            self.assertIsInstance(picking["scheduled"], str)
            self.assertIs(picking["tracking_ref"], False)
        self.assertEqual(result[0]["risk"], "on_track")

    def test_ids_the_caller_may_not_read_are_an_access_error(self):
        order = self._confirmed_order([(self.kibble, 1)], promise=self._days(3))
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.salesperson).get_delivery_status(
                [order.id]
            )

    def test_bad_ids_are_a_clear_error(self):
        Order = self.env["sale.order"].with_user(self.coordinator)
        for bad in ("1", [True], [-3], [1.5], {"id": 1}, None):
            with self.subTest(bad=bad), self.assertRaises(UserError):
                Order.get_delivery_status(bad)
        with self.assertRaises(MissingError):
            Order.get_delivery_status([10**9])
        self.assertEqual(Order.get_delivery_status([]), [])

    def test_delivery_kpis(self):
        """Two orders delivered in March, one by its first promise; one of
        two orders that turned at risk had its customer informed before the
        promise passed; the late one was 2 days late."""
        self._put_in_stock(self.kibble, 100)
        kept = self._confirmed_order([(self.kibble, 1)], promise=self._days(3))
        late = self._confirmed_order([(self.kibble, 1)], promise=self._days(3))
        with freeze_time(NOW):
            late.action_revise_promise(self._days(5), "carrier", notify_customer=True)
        self._ship(self._deliveries(kept), at=self._days(2))
        self._ship(self._deliveries(late), at=self._days(5))
        self.assertEqual(late.delivery_risk, "delivered_on_time")
        self.assertFalse(late.delivery_promise_kept)
        informed = self._confirmed_order([(self.litter, 1)], promise=self._days(3))
        silent = self._confirmed_order([(self.litter, 1)], promise=self._days(3))
        with freeze_time(NOW):
            (informed | silent)._delivery_refresh()
            informed.action_send_delivery_update()
        self.assertTrue(informed.delivery_informed_in_time)
        slow = self._confirmed_order([(self.kibble, 1)], promise=self._days(1))
        self._ship(self._deliveries(slow), at=self._days(3))
        kpis = (
            self.env["sales.coordination.kpi"]
            .with_user(self.manager)
            .get_kpis(
                "2026-03-01",
                "2026-03-31",
                team_ids=None,
                user_ids=[self.coordinator.id],
            )
        )
        self.assertEqual(kpis["promise_kept_rate"], round(100 / 3, 1))
        self.assertEqual(kpis["proactive_update_rate"], 50.0)
        self.assertEqual(kpis["average_delivery_delay_days"], 2.0)
        drill = self.env["sales.coordination.kpi"].with_user(self.manager)
        series = drill.get_kpi_series(
            "2026-03-01",
            "2026-03-31",
            granularity="month",
            user_ids=[self.coordinator.id],
        )
        self.assertEqual(series["values"]["promise_kept_rate"], [round(100 / 3, 1)])

    def test_my_day_lists_late_and_at_risk_by_the_same_risk(self):
        self._put_in_stock(self.kibble, 100)
        fresh = self._confirmed_order([(self.kibble, 1)], at=self._days(2, hour=8))
        at_risk = self._confirmed_order([(self.litter, 1)], promise=self._days(3))
        late = self._confirmed_order([(self.kibble, 1)], promise=self._days(1))
        with freeze_time(self._days(2)):
            (fresh | at_risk | late)._delivery_refresh()
            section = (
                self.env["sales.coordination.my.day"]
                .with_user(self.coordinator)
                .get_my_day()["orders"]
            )
        states = {row["id"]: row["state"] for row in section["records"]}
        self.assertEqual(states.get(at_risk.id), "at_risk")
        self.assertEqual(states.get(late.id), "late")
        self.assertNotIn(fresh.id, states)

    def test_the_board_lists_my_orders_by_risk(self):
        self._put_in_stock(self.kibble, 100)
        on_track = self._confirmed_order([(self.kibble, 1)], promise=self._days(9))
        at_risk = self._confirmed_order([(self.litter, 1)], promise=self._days(9))
        action = self.env.ref("sales_coordination.sale_order_action_deliveries")
        with freeze_time(NOW + timedelta(hours=1)):
            (on_track | at_risk)._delivery_refresh()
            groups = (
                self.env["sale.order"]
                .with_user(self.coordinator)
                .read_group(
                    [
                        *safe_eval(action.domain),
                        ("coordinator_id", "=", self.coordinator.id),
                    ],
                    ["delivery_risk"],
                    ["delivery_risk"],
                )
            )
        counts = {
            group["delivery_risk"]: group["delivery_risk_count"] for group in groups
        }
        self.assertEqual(counts, {"at_risk": 1, "on_track": 1})


@tagged("post_install", "-at_install")
class TestDeliveryPortal(DeliveryCase, HttpCase):
    """The customer's portal page of a confirmed order shows the promised
    date, the expected date and what is still to come."""

    def test_portal_page_shows_the_dates_and_what_is_to_come(self):
        self._put_in_stock(self.kibble, 10)
        order = self._confirmed_order(
            [(self.kibble, 2), (self.litter, 3)], promise=self._days(3)
        )
        with freeze_time(NOW):
            order._delivery_refresh()
        token = order._portal_ensure_token()
        self.env.flush_all()
        response = self.url_open(f"/my/orders/{order.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("Promised Delivery", html)
        self.assertIn("Expected Shipping", html)
        self.assertIn("To be confirmed", html)
        self.assertIn("Clumping Cat Litter 10 L", html)
        quotation = self._create_order()
        token = quotation._portal_ensure_token()
        response = self.url_open(f"/my/orders/{quotation.id}?access_token={token}")
        self.assertNotIn("Promised Delivery", response.text)

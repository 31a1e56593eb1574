from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SalesCoordinationCase

NOW = datetime(2026, 3, 4, 9, 0)  # a Wednesday
TODAY = NOW.date()


@tagged("post_install", "-at_install")
class TestMyDay(SalesCoordinationCase):
    """My Day lists, for the coordinator, what needs them today, each section
    with its count, with the coordinator's own rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.coordinator.tz = "UTC"
        cls.other = cls.team_coordinator
        cls.MyDay = cls.env["sales.coordination.my.day"]
        cls.order_type = cls.env.ref(
            "sales_coordination.mail_activity_type_quote_followup"
        )

    def _activity(self, record, deadline, user=None):
        return self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id(record._name),
                "res_id": record.id,
                "activity_type_id": self.order_type.id,
                "date_deadline": deadline,
                "user_id": (user or self.coordinator).id,
            }
        )

    def _my_day(self, **kwargs):
        with freeze_time(NOW):
            return self.MyDay.with_user(self.coordinator).get_my_day(**kwargs)

    def _names(self, section):
        return [record["name"] for record in section["records"]]

    def test_followups_due_today_or_overdue_with_their_customer(self):
        overdue = self._create_order()
        today = self._create_order()
        later = self._create_order()
        someone_else = self._create_order()
        self._activity(overdue, TODAY - timedelta(days=2))
        self._activity(today, TODAY)
        self._activity(later, TODAY + timedelta(days=1))
        self._activity(someone_else, TODAY, user=self.other)
        section = self._my_day()["followups"]
        self.assertEqual(section["count"], 2)
        self.assertEqual(self._names(section), [overdue.name, today.name])
        self.assertEqual([r["state"] for r in section["records"]], ["overdue", "today"])
        self.assertEqual(
            {r["customer"] for r in section["records"]}, {self.customer.display_name}
        )
        self.assertEqual(section["records"][0]["model"], "sale.order")
        self.assertEqual(section["records"][0]["id"], overdue.id)

    def test_requests_new_or_urgent_assigned_to_me(self):
        Request = self.env["sales.support.request"]

        def request(name, **values):
            return Request.create(
                dict(
                    {
                        "name": name,
                        "request_type": "proposal",
                        "partner_id": self.customer.id,
                        "assigned_to_id": self.coordinator.id,
                    },
                    **values,
                )
            )

        request("New one")
        urgent = request("Urgent one", priority="2")
        urgent.with_user(self.coordinator).action_start()
        normal = request("Normal started")
        normal.with_user(self.coordinator).action_start()
        request("Not mine", assigned_to_id=self.other.id)
        section = self._my_day()["requests"]
        self.assertEqual(section["count"], 2)
        self.assertEqual(set(self._names(section)), {"New one", "Urgent one"})
        self.assertEqual(section["records"][0]["name"], "Urgent one")
        self.assertEqual(section["records"][0]["state"], "urgent")
        self.assertEqual(section["records"][0]["customer"], self.customer.display_name)

    def test_meetings_today_and_tomorrow_with_customer_and_order(self):
        order = self._create_order()

        def meeting(name, start, **values):
            return self.env["calendar.event"].create(
                dict(
                    {
                        "name": name,
                        "start": start,
                        "stop": start + timedelta(hours=1),
                        "user_id": self.coordinator.id,
                        "partner_ids": [Command.link(self.coordinator.partner_id.id)],
                    },
                    **values,
                )
            )

        meeting("Today", datetime(2026, 3, 4, 14, 0), sale_order_id=order.id)
        meeting("Tomorrow", datetime(2026, 3, 5, 10, 0))
        meeting("Day after", datetime(2026, 3, 6, 10, 0))
        meeting("Yesterday", datetime(2026, 3, 3, 10, 0))
        section = self._my_day()["meetings"]
        self.assertEqual(section["count"], 2)
        self.assertEqual(self._names(section), ["Today", "Tomorrow"])
        first = section["records"][0]
        self.assertEqual(first["customer"], self.customer.display_name)
        self.assertEqual(first["detail"], order.name)
        self.assertEqual(
            [r["state"] for r in section["records"]], ["today", "tomorrow"]
        )

    def test_orders_late_or_at_risk_of_my_customers(self):
        """By the orders' delivery risk: the promise has passed (late), or
        nothing can be reserved for a promise due tomorrow (at risk); a
        picking scheduled in the past is no broken promise by itself."""
        with freeze_time(NOW - timedelta(days=10)):
            late = self._create_order(commitment_date=NOW - timedelta(days=1))
            storable = self.env["product.product"].create(
                {"name": "Cat Litter 10 kg", "type": "consu", "is_storable": True}
            )
            risky = self._create_order(
                commitment_date=NOW + timedelta(days=1),
                order_line=[
                    Command.create({"product_id": storable.id, "product_uom_qty": 24})
                ],
            )
            on_time = self._create_order(commitment_date=NOW + timedelta(days=10))
            (late | risky | on_time).action_confirm()
            other_customer = self.customer.copy({"sales_coordinator_id": self.other.id})
            not_mine = self._create_order(
                partner=other_customer, commitment_date=NOW - timedelta(days=1)
            )
            not_mine.action_confirm()
        self.assertNotEqual(risky.picking_ids.state, "assigned")
        on_time.picking_ids.scheduled_date = NOW - timedelta(days=1)
        # ten days later, the hourly pass has caught time passing
        with freeze_time(NOW):
            self.env["sale.order"]._cron_delivery_risk()
        section = self._my_day()["orders"]
        self.assertEqual(section["count"], 2)
        states = {r["name"]: r["state"] for r in section["records"]}
        self.assertEqual(states, {late.name: "late", risky.name: "at_risk"})
        self.assertEqual(
            {r["customer"] for r in section["records"]}, {self.customer.display_name}
        )

    def test_counts_cover_more_than_the_listed_records(self):
        orders = self.env["sale.order"]
        for __ in range(4):
            orders |= self._create_order()
        for order in orders:
            self._activity(order, TODAY)
        section = self._my_day(limit=2)["followups"]
        self.assertEqual((section["count"], len(section["records"])), (4, 2))
        self.assertEqual(self._my_day(limit=0)["followups"]["records"], [])

    def test_only_coordinators_and_valid_limits(self):
        with self.assertRaises(AccessError):
            self.MyDay.with_user(self.salesperson).get_my_day()
        for limit in (-1, 101, "10", 2.5, True, None, [1]):
            with self.subTest(limit=limit), self.assertRaises(UserError):
                self.MyDay.with_user(self.coordinator).get_my_day(limit=limit)

    def test_read_only(self):
        """My Day writes nothing: @api.readonly, so that Odoo 18 sends it to
        a read replica, and it runs in a read-only transaction."""
        order = self._create_order()
        self._activity(order, TODAY)
        with self._read_only_transaction():
            section = self._my_day()["followups"]
        self.assertEqual(section["count"], 1)
        self.assertTrue(type(self.MyDay).get_my_day._readonly)

    def test_queries_do_not_grow_with_activities(self):
        def count(n):
            orders = self.env["sale.order"]
            for __ in range(n):
                orders |= self._create_order()
            for order in orders:
                self._activity(order, TODAY - timedelta(days=1))
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            self._my_day()
            return self.cr.sql_log_count - start

        count(1)  # warm the caches
        one = count(1)
        self.assertLessEqual(count(10), one)

    def test_followup_customer_field(self):
        order = self._create_order(partner=self.contact)
        activity = self._activity(order, TODAY)
        self.assertEqual(activity.followup_partner_id, self.customer)
        found = self.env["mail.activity"].search(
            [("followup_partner_id", "=", self.customer.id)]
        )
        self.assertIn(activity, found)
        self.assertNotIn(
            activity,
            self.env["mail.activity"].search(
                [("followup_partner_id", "ilike", "no such customer")]
            ),
        )
        lead = self.env["crm.lead"].create({"name": "No partner"})
        self.assertFalse(self._activity(lead, TODAY).followup_partner_id)

    def test_my_day_is_the_first_coordinator_entry(self):
        menu = self.env.ref("sales_coordination.menu_coordinator")
        first = menu.child_id.sorted("sequence")[0]
        self.assertEqual(
            first, self.env.ref("sales_coordination.menu_coordinator_my_day")
        )
        self.assertEqual(first.action.tag, "sales_coordination.my_day")

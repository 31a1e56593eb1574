from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import SalesCoordinationCase

# Noon in UTC is already the next day, 01:00, in Auckland (UTC+13 in March).
NOW = datetime(2026, 3, 4, 12, 0)


@tagged("post_install", "-at_install")
class TestMyDayLabels(SalesCoordinationCase):
    """My Day speaks the coordinator's language and time zone, and every
    section says what its count counts: a coordinator in Auckland who reads
    French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.coordinator.write({"tz": "Pacific/Auckland", "lang": "fr_FR"})
        cls.followup_type = cls.env.ref(
            "sales_coordination.mail_activity_type_quote_followup"
        )
        cls.order = cls._create_order()

    def _activity(self, deadline):
        return self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("sale.order"),
                "res_id": self.order.id,
                "activity_type_id": self.followup_type.id,
                "date_deadline": deadline,
                "user_id": self.coordinator.id,
            }
        )

    def _my_day(self, **context):
        # a plain XML-RPC call sends no language nor time zone
        my_day = (
            self.env["sales.coordination.my.day"]
            .with_user(self.coordinator)
            .with_context(**{"lang": None, "tz": None, **context})
        )
        with freeze_time(NOW):
            return my_day.get_my_day(limit=10)

    def test_dates_in_the_users_language_and_time_zone(self):
        self._activity(date(2026, 3, 5))
        self.env["calendar.event"].create(
            {
                "name": "Shelf plan with Happy Paws",
                "start": datetime(2026, 3, 5, 2, 0),
                "stop": datetime(2026, 3, 5, 3, 0),
                "user_id": self.coordinator.id,
                "partner_ids": [Command.link(self.coordinator.partner_id.id)],
            }
        )
        result = self._my_day()
        # 5 March is the coordinator's today: the follow-up is due today
        followup = result["followups"]["records"][0]
        self.assertEqual(followup["state"], "today")
        self.assertEqual(followup["date"], "2026-03-05")
        self.assertEqual(followup["date_label"], "05/03/2026")
        # 02:00 UTC is 15:00 in Auckland
        meeting = result["meetings"]["records"][0]
        self.assertEqual(meeting["state"], "today")
        self.assertEqual(meeting["date"], "2026-03-05 02:00:00")
        self.assertEqual(meeting["date_label"], "05/03/2026 15:00")
        # the web client's context wins over the preferences
        meeting = self._my_day(lang="en_US", tz="UTC")["meetings"]["records"][0]
        self.assertEqual(meeting["date_label"], "03/05/2026 2:00 AM")

    def test_each_section_says_what_it_counts(self):
        result = self._my_day()
        self.assertEqual(
            list(result), ["followups", "requests", "meetings", "orders", "covering"]
        )
        self.assertEqual(
            result["followups"]["title"], "My follow-ups due today or overdue"
        )
        for section in result.values():
            self.assertTrue(section["title"])

    def test_followups_due_later_are_said_apart_from_the_count(self):
        self._activity(date(2026, 3, 3))
        for day in range(3):
            self._activity(date(2026, 3, 6) + timedelta(days=day))
        section = self._my_day()["followups"]
        # the count is what the list shows and what its domain opens
        self.assertEqual(section["count"], 1)
        self.assertEqual(len(section["records"]), 1)
        self.assertEqual(
            self.env["mail.activity"]
            .with_user(self.coordinator)
            .search_count(section["domain"]),
            1,
        )
        self.assertEqual(section["later"], {"count": 3, "date_label": "06/03/2026"})
        # nothing due: the count is 0 and the section says what comes next
        self.env["mail.activity"].search(
            [
                ("user_id", "=", self.coordinator.id),
                ("date_deadline", "<", "2026-03-05"),
            ]
        ).unlink()
        section = self._my_day()["followups"]
        self.assertEqual((section["count"], section["records"]), (0, []))
        self.assertEqual(section["later"]["count"], 3)

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import SalesCoordinationCase

NOW = datetime(2026, 3, 4, 9, 0)


@tagged("post_install", "-at_install")
class TestMyDayOtherCompany(SalesCoordinationCase):
    """My Day shows an invitation to a meeting about a record of a company the
    coordinator does not work for, without that record, instead of failing
    as a whole."""

    def test_meeting_linking_an_order_of_another_company(self):
        self.coordinator.tz = "UTC"
        company_b = self.env["res.company"].create({"name": "Aquarium Supplies BV"})
        organizer = self._new_user(
            "sc_organizer_b",
            "sales_team.group_sale_salesman_all_leads",
            company_b,
            name="Bea Organizer",
        )
        customer_b = self.env["res.partner"].create(
            {"name": "Koi Corner", "company_id": company_b.id}
        )
        order_b = self.env["sale.order"].create(
            {"partner_id": customer_b.id, "company_id": company_b.id}
        )
        self.env["calendar.event"].create(
            {
                "name": "Koi pond launch",
                "start": NOW + timedelta(hours=2),
                "stop": NOW + timedelta(hours=3),
                "user_id": organizer.id,
                "sale_order_id": order_b.id,
                "partner_ids": [
                    Command.set((organizer | self.coordinator).partner_id.ids)
                ],
            }
        )
        with freeze_time(NOW):
            meetings = (
                self.env["sales.coordination.my.day"]
                .with_user(self.coordinator)
                .get_my_day()["meetings"]
            )
        [record] = [r for r in meetings["records"] if r["name"] == "Koi pond launch"]
        self.assertEqual(record["customer"], "")
        self.assertEqual(record["detail"], "")
        self.assertEqual(record["state"], "today")

from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

TOUR_TZ = "Europe/Brussels"


@tagged("post_install", "-at_install")
class TestFollowupUiTour(HttpCase):
    """A coordinator works follow-ups, requests and meetings in a browser."""

    def test_followups_workspace(self):
        coordinator = new_test_user(
            self.env,
            login="sc_tour_coordinator",
            password="sc_tour_coordinator",
            name="Tour Coordinator",
            groups="base.group_user,sales_coordination.group_coordinator",
            tz=TOUR_TZ,
        )
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Pets",
                "is_company": True,
                "sales_coordinator_id": coordinator.id,
            }
        )
        order = self.env["sale.order"].create(
            {"partner_id": customer.id, "client_order_ref": "Tour quote"}
        )
        # today where the coordinator is, whatever the hour in UTC
        today = fields.Date.context_today(order.with_context(tz=TOUR_TZ))
        self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("sale.order"),
                "res_id": order.id,
                "activity_type_id": self.env.ref(
                    "sales_coordination.mail_activity_type_quote_followup"
                ).id,
                "summary": "Tour quote",
                "date_deadline": today,
                "user_id": coordinator.id,
            }
        )
        self.env["sales.support.request"].create(
            {
                "name": "Need a proposal",
                "request_type": "proposal",
                "partner_id": customer.id,
            }
        )
        start = datetime.combine(today, datetime.min.time()) - timedelta(days=2)
        self.env["calendar.event"].create(
            {
                "name": "Tour meeting",
                "start": start,
                "stop": start + timedelta(hours=1),
                "user_id": coordinator.id,
                "partner_ids": [Command.link(coordinator.partner_id.id)],
            }
        )
        self.start_tour(
            "/odoo",
            "sales_coordination_followups_workspace",
            login="sc_tour_coordinator",
        )
        request = self.env["sales.support.request"].search(
            [("name", "=", "Need a proposal")]
        )
        self.assertEqual(request.state, "in_progress")
        self.assertEqual(request.assigned_to_id, coordinator)
        self.assertTrue(request.first_response_date)

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import demo_coordinator


@tagged("post_install", "-at_install")
class TestMyDayTour(HttpCase):
    """The demo coordinator opens My Day and opens a late order from it."""

    def test_my_day_opens_a_late_order(self):
        coordinator = demo_coordinator(self.env)
        customer = self.env["res.partner"].create(
            {
                "name": "My Day Tour Pets",
                "is_company": True,
                "sales_coordinator_id": coordinator.id,
            }
        )
        product = self.env["product.product"].create(
            {"name": "Tour Kibble 15 kg", "type": "consu", "list_price": 40.0}
        )
        # The demo company enforces the accuracy checks: not the subject here.
        self.env.company.accuracy_mode = "observe"
        now = fields.Datetime.now()
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "client_order_ref": "TOUR-PO-1",
                # first among the coordinator's late orders
                "commitment_date": now - timedelta(days=400),
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 12})
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.coordinator_id, coordinator)
        order.picking_ids.scheduled_date = now - timedelta(days=3)
        self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("sale.order"),
                "res_id": order.id,
                "activity_type_id": self.env.ref(
                    "sales_coordination.mail_activity_type_delivery_update"
                ).id,
                "date_deadline": fields.Date.context_today(order) - timedelta(days=1),
                "user_id": coordinator.id,
            }
        )
        self.start_tour("/odoo", "sales_coordination_my_day", login="coordinator")

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import demo_coordinator


@tagged("post_install", "-at_install")
class TestDeliveryPromiseTour(HttpCase):
    """The coordinator opens an at-risk order from Deliveries, revises its
    promise and sends the customer the update, in Chromium."""

    def test_revise_an_at_risk_order_and_inform_the_customer(self):
        coordinator = demo_coordinator(self.env)
        customer = self.env["res.partner"].create(
            {
                "name": "Delivery Tour Pets",
                "is_company": True,
                "email": "orders@deliverytourpets.example.com",
                "sales_coordinator_id": coordinator.id,
            }
        )
        product = self.env["product.product"].create(
            {
                "name": "Grain-Free Kibble 12 kg",
                "type": "consu",
                "is_storable": True,
                "list_price": 54.0,
            }
        )
        self.env.company.accuracy_mode = "observe"
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        now = fields.Datetime.now()
        supplier = self.env.ref("stock.stock_location_suppliers")
        arrival = now + timedelta(days=8)
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "location_id": supplier.id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "scheduled_date": arrival,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": 100,
                            "product_uom": product.uom_id.id,
                            "location_id": supplier.id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                            "date": arrival,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "client_order_ref": "TOUR-DLV-1",
                "commitment_date": now + timedelta(days=3),
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 20})
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.delivery_risk, "at_risk")
        self.start_tour(
            "/odoo", "sales_coordination_delivery_promise", login="coordinator"
        )
        order.invalidate_recordset()
        self.assertEqual(order.delivery_risk, "on_track")
        self.assertEqual(len(order.delivery_revision_ids), 1)
        self.assertRecordValues(
            order.delivery_revision_ids,
            [
                {
                    "reason": "supplier_delay",
                    "customer_notified": True,
                    "user_id": coordinator.id,
                    "note": "The supplier's container arrives a week late.",
                }
            ],
        )
        self.assertTrue(order.delivery_customer_notified_date)
        self.assertTrue(order.delivery_informed_in_time)

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command

from .common import SalesCoordinationCase

# "Now" of the delivery tests: a Monday morning.
NOW = datetime(2026, 3, 2, 9, 0, 0)


class DeliveryCase(SalesCoordinationCase):
    """Crafted stock for the delivery promises: two storable products of the
    wholesaler, the company's warehouse, and helpers that put stock on hand,
    plan a supplier receipt, confirm an order with a promised date and ship
    a delivery (in full or with a backorder)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.kibble = cls.env["product.product"].create(
            {
                "name": "Grain-Free Kibble 12 kg",
                "type": "consu",
                "is_storable": True,
                "list_price": 54.0,
            }
        )
        cls.litter = cls.env["product.product"].create(
            {
                "name": "Clumping Cat Litter 10 L",
                "type": "consu",
                "is_storable": True,
                "list_price": 9.5,
            }
        )
        cls.customer.email = "orders@happypaws.example"
        cls.branch.email = "bruges@happypaws.example"

    @classmethod
    def _put_in_stock(cls, product, quantity):
        cls.env["stock.quant"]._update_available_quantity(
            product, cls.stock_location, quantity
        )

    @classmethod
    def _plan_receipt(cls, product, quantity, when):
        """A confirmed supplier receipt of ``quantity`` arriving ``when``."""
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls.warehouse.in_type_id.id,
                "location_id": cls.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": cls.stock_location.id,
                "scheduled_date": when,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": cls.env.ref(
                                "stock.stock_location_suppliers"
                            ).id,
                            "location_dest_id": cls.stock_location.id,
                            "date": when,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.date = when
        return picking

    @classmethod
    def _confirmed_order(cls, lines, promise=None, at=NOW, partner=None, **values):
        """An order of ``lines`` [(product, quantity)], confirmed at ``at``
        with the delivery date ``promise``."""
        with freeze_time(at):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "commitment_date": promise,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": quantity}
                        )
                        for product, quantity in lines
                    ],
                    **values,
                }
            )
            order.action_confirm()
        return order

    @staticmethod
    def _deliveries(order):
        return order.picking_ids.filtered(
            lambda picking: (
                picking.picking_type_code == "outgoing"
                and picking.state not in ("done", "cancel")
            )
        )

    @classmethod
    def _ship(cls, picking, quantities=None, at=NOW):
        """Validate ``picking`` at ``at``: in full, or ``quantities``
        {product: quantity} with a backorder for the rest."""
        with freeze_time(at):
            for move in picking.move_ids:
                quantity = (
                    move.product_uom_qty
                    if quantities is None
                    else quantities.get(move.product_id, 0.0)
                )
                move.write({"quantity": quantity, "picked": True})
            picking._action_done()
        return picking

    @staticmethod
    def _days(days, hour=16):
        return (NOW + timedelta(days=days)).replace(hour=hour, minute=0)

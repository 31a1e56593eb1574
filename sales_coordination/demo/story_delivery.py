"""The demo story's delivery chapter: a supplier delay.

The container of Feline Adult Salmon 7 kg that the wholesaler expected in two
days is nine days late. Six orders of Chloé's pet shops wait for it: four are
promised in the coming days, and Chloé revises their promises and tells those
customers before the date; two were promised for the last two days and went
late without a word. *Deliveries*, *My Day* and the delivery KPIs (promises
kept, customers informed before the date, average delay) show it.

Called at the end of ``DemoStory.load`` (``story.py``), after the history of
the story's orders got its promises (their customers' dates, or the dates
their deliveries were scheduled for).
"""

from datetime import timedelta

from odoo import Command
from odoo.tools import SQL

MODULE = "sales_coordination"

# The product the supplier is late with, and by how much.
DELAYED_PRODUCT = "cat_salmon_7kg"
RECEIPT_PLANNED_IN_DAYS = 2
RECEIPT_DELAYED_TO_DAYS = 9
# key, customer, created N days ago, bags of the delayed product, promised in
# N days (negative: the promise has passed), revised by Chloé.
DELAYED_ORDERS = [
    ("d01", "happy_tails", 6, 20, 3, True),
    ("d02", "paws_claws", 5, 10, 4, True),
    ("d03", "furry_friends", 5, 15, 5, True),
    ("d04", "pet_pantry", 4, 10, 6, True),
    ("d05", "coastal_critters", 7, 10, -2, False),
    ("d06", "bark_avenue", 6, 5, -1, False),
]
# What else the shops ordered, in stock.
SIDE_LINE = ("catnip_crunchies", 24)


class DeliveryChapter:
    """The chapter, played with the story's ``DemoStory``."""

    def __init__(self, story):
        self.story = story
        self.env = story.env

    def play(self, now, story_orders):
        self._promises_of_the_history(story_orders)
        if self.story._demo_ref("sale_order_story_d01_demo"):
            return
        product = self.story._demo_product(DELAYED_PRODUCT)
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.ref("base.main_company").id)], limit=1
        )
        receipt = self._receipt(warehouse, product, now)
        orders = {}
        for key, customer, days_ago, bags, promised_in, _revised in DELAYED_ORDERS:
            orders[key] = self._order(key, customer, days_ago, bags, promised_in, now)
        # the supplier calls: the container comes a week later
        receipt.scheduled_date = now + timedelta(days=RECEIPT_DELAYED_TO_DAYS)
        receipt.move_ids.date = now + timedelta(days=RECEIPT_DELAYED_TO_DAYS)
        delayed = self.env["sale.order"].browse([o.id for o in orders.values()])
        delayed._delivery_refresh()
        chloe = self.story._demo_ref("res_users_coordinator_demo")
        new_promise = (now + timedelta(days=RECEIPT_DELAYED_TO_DAYS + 1)).replace(
            hour=16, minute=0, second=0, microsecond=0
        )
        revised = self.env["sale.order"].browse(
            [orders[key].id for key, *__, revise in DELAYED_ORDERS if revise]
        )
        revised.with_user(chloe).action_revise_promise(
            new_promise,
            "supplier_delay",
            note=self.env._(
                "The supplier's container of Feline Adult Salmon 7 kg arrives a "
                "week late."
            ),
            notify_customer=True,
        )

    def _promises_of_the_history(self, story_orders):
        """The story confirmed its orders today and then moved their dates
        into the past: their promises are their customers' dates, else the
        dates their deliveries were scheduled for, as for orders confirmed
        before the install."""
        ids = [order.id for order in story_orders if order.state == "sale"]
        if not ids:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order SET delivery_promise_date = NULL,"
                " delivery_first_promise_date = NULL, delivery_risk = NULL,"
                " delivery_risk_date = NULL, delivery_first_risk_date = NULL"
                " WHERE id = ANY(%s)",
                ids,
            )
        )
        self.env["sale.order"].invalidate_model(
            [
                "delivery_promise_date",
                "delivery_first_promise_date",
                "delivery_risk",
                "delivery_risk_date",
                "delivery_first_risk_date",
            ]
        )
        self.env["sale.order"]._delivery_backfill()

    def _receipt(self, warehouse, product, now):
        when = now + timedelta(days=RECEIPT_PLANNED_IN_DAYS)
        supplier = self.env.ref("stock.stock_location_suppliers")
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "location_id": supplier.id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "scheduled_date": when,
                "origin": "Container PF-7719",
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": 120,
                            "product_uom": product.uom_id.id,
                            "location_id": supplier.id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                            "date": when,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        return receipt

    def _order(self, key, customer, days_ago, bags, promised_in, now):
        partner = self.story._demo_partner(customer)
        date_order = self.story._demo_at(now, days_ago, hour=9)
        promise = (now + timedelta(days=promised_in)).replace(
            hour=16, minute=0, second=0, microsecond=0
        )
        side_key, side_qty = SIDE_LINE
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "client_order_ref": f"{key.upper()}-{date_order:%m%d}",
                "date_order": date_order,
                "commitment_date": promise,
                "team_id": self.story._demo_team(customer).id,
                "user_id": partner.user_id.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.story._demo_product(DELAYED_PRODUCT).id,
                            "product_uom_qty": bags,
                        }
                    ),
                    Command.create(
                        {
                            "product_id": self.story._demo_product(side_key).id,
                            "product_uom_qty": side_qty,
                        }
                    ),
                ],
            }
        )
        self.story._demo_confirm(order)
        order.write({"date_order": date_order})
        self.env["ir.model.data"].create(
            {
                "module": MODULE,
                "name": f"sale_order_story_{key}_demo",
                "model": "sale.order",
                "res_id": order.id,
                "noupdate": True,
            }
        )
        self.story._demo_backdate("sale_order", {order.id: date_order})
        return order

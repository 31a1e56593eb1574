from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestAccuracyUiTour(HttpCase):
    """In the web client, a blocked confirmation opens a dialog where a
    Coordination Manager overrides and confirms in one step."""

    def test_manager_overrides_from_the_dialog(self):
        self.env.company.accuracy_mode = "enforce"
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("sales_coordination.group_manager"))
        customer = self.env["res.partner"].create(
            {"name": "Dockside Pets", "city": "Ghent"}  # no street, no country
        )
        product = self.env["product.product"].create(
            {"name": "Puppy Pads", "type": "consu", "list_price": 5}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "client_order_ref": "PO-UI-1",
                "payment_term_id": self.env.ref(
                    "account.account_payment_term_30days"
                ).id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 2})
                ],
            }
        )
        self.start_tour(
            f"/odoo/action-sale.action_quotations/{order.id}",
            "sales_coordination_accuracy_override",
            login="admin",
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.accuracy_state, "overridden")
        self.assertTrue(
            any("Customer collects at our dock" in m.body for m in order.message_ids)
        )

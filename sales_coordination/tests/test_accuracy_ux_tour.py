from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAccuracyUxTour(HttpCase):
    """In Chromium: an administrator fixes a case-pack issue from the banner
    in one click; a salesperson is stopped, asks for an override, and a
    Coordination Manager approves it from the queue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.term = cls.env.ref("account.account_payment_term_30days")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Tour Pet Shop",
                "is_company": True,
                "street": "4 Tour Street",
                "city": "Ghent",
                "country_id": cls.env.ref("base.be").id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Tour Kibble 7.5 kg", "type": "consu", "list_price": 20}
        )

    def test_administrator_fixes_a_case_pack_from_the_banner(self):
        self.env.ref("base.group_user").implied_ids |= self.env.ref(
            "product.group_stock_packaging"
        )
        self.env["product.packaging"].create(
            {"name": "Case", "product_id": self.product.id, "qty": 12, "sales": True}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "client_order_ref": "PO-TOUR-FIX",
                "payment_term_id": self.term.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 5}
                    )
                ],
            }
        )
        self.env.flush_all()
        self.env.cr.flush()  # the automatic check before the commit
        self.assertEqual(order.accuracy_open_issue_ids.rule_code, "packaging_multiple")
        self.start_tour(
            f"/odoo/action-sale.action_quotations/{order.id}",
            "sales_coordination_accuracy_fix_banner",
            login="admin",
        )
        self.assertEqual(order.order_line.product_uom_qty, 12)
        self.assertEqual(order.accuracy_state, "passed")
        self.assertTrue(
            any("Order 12 (1 Case)" in (m.body or "") for m in order.message_ids)
        )

    def test_salesperson_asks_and_manager_approves_from_the_queue(self):
        self.env.company.accuracy_mode = "enforce"
        rep = new_test_user(
            self.env,
            login="sc_tour_rep",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        new_test_user(
            self.env,
            login="sc_tour_manager",
            groups="base.group_user,sales_coordination.group_manager",
        )
        depot = self.env["res.partner"].create(
            {"name": "Tour Depot", "parent_id": self.customer.id, "type": "delivery"}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "partner_shipping_id": depot.id,  # no street: blocking
                "client_order_ref": "PO-TOUR-REQ",
                "payment_term_id": self.term.id,
                "user_id": rep.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 3}
                    )
                ],
            }
        )
        self.start_tour(
            f"/odoo/action-sale.action_quotations/{order.id}",
            "sales_coordination_accuracy_request_override",
            login="sc_tour_rep",
        )
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.accuracy_override_requested_by_id, rep)
        self.start_tour(
            "/odoo/action-sales_coordination.sale_order_action_override_request",
            "sales_coordination_accuracy_approve_from_queue",
            login="sc_tour_manager",
        )
        self.assertEqual(order.accuracy_state, "overridden")
        self.assertFalse(order.accuracy_override_requested_by_id)
        self.assertTrue(any("approved by" in (m.body or "") for m in order.message_ids))

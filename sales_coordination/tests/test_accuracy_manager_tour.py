from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAccuracyManagerTour(HttpCase):
    """In Chromium: a Sales Administrator saves a quotation and sees its
    banner at once, then fixes it all in one click; a Coordination Manager
    switches the accuracy mode from the coordination settings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Tour Grooming Salon",
                "is_company": True,
                "street": "9 Tour Lane",
                "city": "Leuven",
                "country_id": cls.env.ref("base.be").id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Tour Puppy Food 2 kg", "type": "consu", "list_price": 9}
        )

    def test_administrator_saves_and_fixes_all(self):
        self.env.ref("base.group_user").implied_ids |= self.env.ref(
            "product.group_stock_packaging"
        )
        self.env["product.packaging"].create(
            {"name": "Case", "product_id": self.product.id, "qty": 12, "sales": True}
        )
        new_test_user(
            self.env,
            login="sc_tour_admin",
            groups="base.group_user,sales_coordination.group_administrator",
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "client_order_ref": "PO-TOUR-FIXALL",
                "payment_term_id": self.env.ref(
                    "account.account_payment_term_30days"
                ).id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": q}
                    )
                    for q in (12, 24)
                ],
            }
        )
        self.env.flush_all()
        self.env.cr.flush()  # the automatic check before the commit
        self.assertEqual(order.accuracy_state, "passed")
        self.start_tour(
            f"/odoo/action-sale.action_quotations/{order.id}",
            "sales_coordination_accuracy_save_fix_all",
            login="sc_tour_admin",
        )
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [12, 12])
        self.assertEqual(order.accuracy_state, "passed")
        self.assertFalse(order.accuracy_open_issue_ids)

    def test_manager_switches_the_mode_from_the_settings(self):
        company = self.env.company
        company.accuracy_mode = "observe"
        manager = new_test_user(
            self.env,
            login="sc_tour_settings_manager",
            groups="base.group_user,sales_coordination.group_manager",
        )
        self.assertFalse(manager.has_group("base.group_system"))
        self.start_tour(
            "/odoo", "sales_coordination_settings_mode", login=manager.login
        )
        self.assertEqual(company.accuracy_mode, "enforce")

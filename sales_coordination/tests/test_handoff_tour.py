from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

TOUR_TZ = "Europe/Brussels"


@tagged("post_install", "-at_install")
class TestHandoffTour(HttpCase):
    """A manager hands a coordinator's customers to a colleague; the
    colleague's My Day shows their follow-up."""

    def test_manager_hands_over_and_the_colleague_sees_it(self):
        manager = new_test_user(
            self.env,
            login="tour_handoff_manager",
            groups="base.group_user,sales_coordination.group_manager",
        )
        giver = new_test_user(
            self.env,
            login="tour_handoff_giver",
            name="Tara Tour",
            groups="base.group_user,sales_coordination.group_coordinator",
        )
        colleague = new_test_user(
            self.env,
            login="tour_handoff_colleague",
            name="Colin Tour",
            groups="base.group_user,sales_coordination.group_coordinator,"
            "sales_coordination.group_administrator",
            tz=TOUR_TZ,
        )
        customer = self.env["res.partner"].create(
            {
                "name": "Handoff Tour Pets",
                "is_company": True,
                "sales_coordinator_id": giver.id,
            }
        )
        product = self.env["product.product"].create(
            {"name": "Tour Litter 10 L", "type": "consu", "list_price": 9.0}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 12})
                ],
            }
        )
        order.activity_schedule(
            "sales_coordination.mail_activity_type_quote_followup",
            user_id=giver.id,
            # due today where the colleague is (at 23:30 UTC it is already
            # tomorrow in Brussels: My Day counts in the user's time zone)
            date_deadline=fields.Date.context_today(order.with_context(tz=TOUR_TZ)),
        )
        self.start_tour("/odoo", "sales_coordination_handoff", login=manager.login)
        self.assertEqual(customer.sales_coordinator_id, colleague)
        self.assertEqual(order.coordinator_id, colleague)
        self.start_tour(
            "/odoo", "sales_coordination_handoff_my_day", login=colleague.login
        )

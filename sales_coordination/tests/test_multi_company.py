from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SalesCoordinationCase


@tagged("post_install", "-at_install")
class TestMultiCompany(SalesCoordinationCase):
    """A coordinator of company B sees nothing of company A."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Aquarium Supplies BV"})
        cls.coordinator_b = new_test_user(
            cls.env,
            login="sc_coordinator_b",
            groups="base.group_user,sales_coordination.group_coordinator",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.customer.company_id = cls.company
        cls.order_a = cls._create_order(team=cls.team)

    def test_orders_of_another_company_are_invisible(self):
        Order = self.env["sale.order"].with_user(self.coordinator_b)
        self.assertFalse(Order.search([("id", "=", self.order_a.id)]))
        self.assertFalse(Order.search([("coordinator_id", "=", self.coordinator.id)]))
        with self.assertRaises(AccessError):
            self.order_a.with_user(self.coordinator_b).read(["coordinator_id"])

    def test_customers_of_another_company_are_invisible(self):
        Partner = self.env["res.partner"].with_user(self.coordinator_b)
        self.assertFalse(Partner.search([("id", "=", self.customer.id)]))

    def test_teams_of_another_company_are_invisible(self):
        self.team.company_id = self.company
        Team = self.env["crm.team"].with_user(self.coordinator_b)
        self.assertFalse(Team.search([("id", "=", self.team.id)]))

    def test_owner_of_company_a_still_works_in_company_a(self):
        self.assertEqual(
            self.order_a.with_user(self.coordinator).coordinator_id, self.coordinator
        )

from odoo.tests import Form, tagged

from .common import SalesCoordinationCase, arch_text


@tagged("post_install", "-at_install")
class TestOwnership(SalesCoordinationCase):
    """The coordinator and the administrator: who is the point of contact."""

    def test_order_defaults_from_customer(self):
        order = self._create_order(team=self.team)
        self.assertEqual(order.coordinator_id, self.coordinator)
        self.assertEqual(order.administrator_id, self.administrator)

    def test_order_of_a_contact_uses_its_company_owners(self):
        order = self._create_order(partner=self.contact, team=self.team)
        self.assertEqual(order.coordinator_id, self.coordinator)
        self.assertEqual(order.administrator_id, self.administrator)

    def test_order_falls_back_to_team(self):
        newcomer = self.env["res.partner"].create(
            {"name": "Vet Clinic Sint-Anna", "is_company": True}
        )
        order = self._create_order(partner=newcomer, team=self.team)
        self.assertEqual(order.coordinator_id, self.team_coordinator)
        self.assertEqual(order.administrator_id, self.team_administrator)

    def test_order_without_any_owner(self):
        newcomer = self.env["res.partner"].create({"name": "Groomer Fluffy"})
        team = self.env["crm.team"].create({"name": "No owners"})
        order = self._create_order(partner=newcomer, team=team)
        self.assertFalse(order.coordinator_id)
        self.assertFalse(order.administrator_id)

    def test_owners_stay_editable_on_the_order(self):
        order = self._create_order(team=self.team)
        order.coordinator_id = self.team_coordinator
        order.invalidate_recordset()
        self.assertEqual(order.coordinator_id, self.team_coordinator)
        self.assertEqual(order.administrator_id, self.administrator)

    def test_form_follows_the_customer(self):
        with Form(self.env["sale.order"]) as form:
            form.partner_id = self.customer
            self.assertEqual(form.coordinator_id, self.coordinator)
            self.assertEqual(form.administrator_id, self.administrator)
            form.partner_id = self.env["res.partner"].create({"name": "Walk-in"})
            form.team_id = self.team
            self.assertEqual(form.coordinator_id, self.team_coordinator)
            self.assertEqual(form.administrator_id, self.team_administrator)

    def test_contacts_and_branches_inherit_from_company(self):
        self.assertEqual(self.contact.sales_coordinator_id, self.coordinator)
        self.assertEqual(self.branch.sales_administrator_id, self.administrator)
        self.customer.sales_coordinator_id = self.team_coordinator
        self.assertEqual(self.contact.sales_coordinator_id, self.team_coordinator)
        self.assertEqual(self.branch.sales_coordinator_id, self.team_coordinator)

    def test_new_contact_takes_company_owners(self):
        contact = self.env["res.partner"].create(
            {"name": "Bert Warehouse", "parent_id": self.customer.id}
        )
        self.assertEqual(contact.sales_coordinator_id, self.coordinator)
        self.assertEqual(contact.sales_administrator_id, self.administrator)

    def test_owners_are_searchable_and_groupable(self):
        self._create_order(team=self.team)
        Order = self.env["sale.order"]
        self.assertTrue(Order.search([("coordinator_id", "=", self.coordinator.id)]))
        groups = Order._read_group(
            [("partner_id", "=", self.customer.id)],
            ["coordinator_id", "administrator_id"],
            ["__count"],
        )
        self.assertEqual(groups, [(self.coordinator, self.administrator, 1)])
        partners = self.env["res.partner"]._read_group(
            [("id", "child_of", self.customer.id)],
            ["sales_coordinator_id"],
            ["__count"],
        )
        self.assertEqual(partners, [(self.coordinator, 3)])
        teams = self.env["crm.team"].search(
            [("coordinator_id", "=", self.team_coordinator.id)]
        )
        self.assertEqual(teams, self.team)

    def test_fields_are_on_the_forms(self):
        for model, fnames in (
            ("res.partner", ("sales_coordinator_id", "sales_administrator_id")),
            ("crm.team", ("coordinator_id", "administrator_id")),
            ("sale.order", ("coordinator_id", "administrator_id")),
        ):
            arch = arch_text(self.env[model].get_view(view_type="form"))
            for fname in fnames:
                self.assertIn(f'name="{fname}"', arch, f"{model}.{fname}")

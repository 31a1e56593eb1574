from lxml import etree

from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SalesCoordinationCase


@tagged("post_install", "-at_install")
class TestUserChoices(SalesCoordinationCase):
    """The user choices of the workspaces (the owner fields, their search
    filters, the support request's assignee, the KPI dashboard's users) list
    the people who coordinate, not every internal user of the database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bystander = new_test_user(
            cls.env,
            login="sc_choices_bystander",
            name="Warehouse Walter",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.Users = cls.env["res.users"].with_context(active_test=True)
        cls.demo = cls.env.ref("base.user_demo", raise_if_not_found=False)

    def _choices(self, domain):
        return self.Users.search(
            safe_eval(domain) if isinstance(domain, str) else domain
        )

    def _assert_lists(self, domain, included, excluded):
        choices = self._choices(domain)
        for user in included:
            self.assertIn(user, choices, user.name)
        for user in excluded | self.bystander | (self.demo or self.Users):
            if user not in included:
                self.assertNotIn(user, choices, user.name)

    def test_flags_follow_the_groups(self):
        self.assertTrue(self.coordinator.sc_is_coordinator)
        self.assertFalse(self.coordinator.sc_is_administrator)
        self.assertTrue(self.administrator.sc_is_administrator)
        self.assertFalse(self.administrator.sc_is_coordinator)
        # a manager is both (implied groups)
        self.assertTrue(self.manager.sc_is_coordinator)
        self.assertTrue(self.manager.sc_is_administrator)
        self.assertFalse(self.bystander.sc_is_coordinator)
        self.assertIn(
            self.bystander, self._choices([("sc_is_coordinator", "!=", True)])
        )

    def test_owner_fields_offer_the_people_of_their_role(self):
        coordinators = self.coordinator | self.manager | self.team_coordinator
        administrators = self.administrator | self.manager | self.team_administrator
        for model, fields in (
            ("sale.order", ("coordinator_id", "administrator_id")),
            ("crm.team", ("coordinator_id", "administrator_id")),
            ("res.partner", ("sales_coordinator_id", "sales_administrator_id")),
        ):
            description = self.env[model].fields_get(list(fields), ["domain"])
            coordinator_field, administrator_field = fields
            with self.subTest(model=model):
                self._assert_lists(
                    description[coordinator_field]["domain"],
                    coordinators,
                    self.administrator,
                )
                self._assert_lists(
                    description[administrator_field]["domain"],
                    administrators,
                    self.coordinator,
                )
        assignee = self.env["sales.support.request"].fields_get(
            ["assigned_to_id"], ["domain"]
        )["assigned_to_id"]["domain"]
        self._assert_lists(assignee, coordinators | administrators, self.salesperson)

    def test_search_filters_offer_the_people_who_coordinate(self):
        for model, field in (
            ("sales.support.request", "assigned_to_id"),
            ("sale.order", "coordinator_id"),
            ("crm.team", "coordinator_id"),
            ("res.partner", "sales_coordinator_id"),
        ):
            arch = etree.fromstring(
                self.env[model].get_views([(False, "search")])["views"]["search"][
                    "arch"
                ]
            )
            node = arch.find(f".//field[@name='{field}']")
            with self.subTest(model=model, field=field):
                self.assertIsNotNone(node.get("domain"))
                self._assert_lists(
                    node.get("domain"),
                    self.coordinator | self.manager,
                    self.salesperson,
                )

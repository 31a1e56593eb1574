from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestKpiTour(HttpCase):
    """The KPI dashboard in a real browser, for each role: the card grid
    renders, a period switch updates it, a click on a card opens its
    records."""

    def _user(self, login, name, group):
        user = self.env["res.users"].search([("login", "=", login)])
        if not user:
            # Without demo data, make the same person so the tour still runs.
            user = self.env["res.users"].create(
                {
                    "name": name,
                    "login": login,
                    "password": login,
                    "groups_id": [
                        Command.set(
                            [self.env.ref("base.group_user").id, self.env.ref(group).id]
                        )
                    ],
                }
            )
        self.assertTrue(user.has_group(group))
        return user

    def test_manager_opens_kpi_dashboard(self):
        self._user("manager", "Sofia Peeters", "sales_coordination.group_manager")
        self.start_tour("/odoo", "sales_coordination_kpi_dashboard", login="manager")

    def test_coordinator_opens_my_kpis(self):
        self._user(
            "coordinator", "Chloé Martin", "sales_coordination.group_coordinator"
        )
        self.start_tour("/odoo", "sales_coordination_my_kpis", login="coordinator")

    def test_coordinator_reads_a_like_for_like_card(self):
        self._user(
            "coordinator", "Chloé Martin", "sales_coordination.group_coordinator"
        )
        self.start_tour(
            "/odoo", "sales_coordination_kpi_like_for_like", login="coordinator"
        )

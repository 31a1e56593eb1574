from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestKpiTour(HttpCase):
    """The demo manager opens the KPI dashboard in a real browser."""

    def test_manager_opens_kpi_dashboard(self):
        manager = self.env["res.users"].search([("login", "=", "manager")])
        if not manager:
            # Without demo data, make the same person so the tour still runs.
            group = self.env.ref("sales_coordination.group_manager")
            manager = self.env["res.users"].create(
                {
                    "name": "Sofia Peeters",
                    "login": "manager",
                    "password": "manager",
                    "groups_id": [
                        Command.set([self.env.ref("base.group_user").id, group.id])
                    ],
                }
            )
        self.assertTrue(manager.has_group("sales_coordination.group_manager"))
        self.start_tour("/odoo", "sales_coordination_kpi_dashboard", login="manager")

from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUiTour(HttpCase):
    """The demo coordinator logs in and opens their workspace in a real browser."""

    def test_coordinator_opens_workspace(self):
        coordinator = self.env.ref(
            "sales_coordination.res_users_coordinator_demo", raise_if_not_found=False
        )
        if not coordinator:
            # Without demo data, make the same person so the tour still runs.
            group = self.env.ref("sales_coordination.group_coordinator")
            coordinator = self.env["res.users"].create(
                {
                    "name": "Chloé Martin",
                    "login": "coordinator",
                    "password": "coordinator",
                    "groups_id": [Command.set(group.ids)],
                }
            )
        self.assertTrue(coordinator.has_group("sales_coordination.group_coordinator"))
        self.start_tour(
            "/odoo", "sales_coordination_coordinator_workspace", login="coordinator"
        )

from odoo.tests import tagged

from .common import SalesCoordinationCase

WORKSPACES = {
    "coordinator": "sales_coordination.menu_coordinator",
    "administrator": "sales_coordination.menu_administrator",
    "manager": "sales_coordination.menu_manager",
}

# The entries each workspace must offer, by menu xml id.
ENTRIES = {
    "coordinator": [
        "sales_coordination.menu_coordinator_my_day",
        "sales_coordination.menu_coordinator_followups",
        "sales_coordination.menu_coordinator_support_requests",
        "sales_coordination.menu_coordinator_orders_in_progress",
        "sales_coordination.menu_coordinator_meetings",
        "sales_coordination.menu_coordinator_customers",
        "sales_coordination.menu_coordinator_my_kpis",
    ],
    "administrator": [
        "sales_coordination.menu_administrator_orders_to_check",
        "sales_coordination.menu_administrator_orders_to_invoice",
        "sales_coordination.menu_administrator_invoices",
        "sales_coordination.menu_administrator_data_quality",
        "sales_coordination.menu_administrator_my_kpis",
    ],
    "manager": [
        "sales_coordination.menu_manager_followup_workload",
        "sales_coordination.menu_manager_configuration_followup_rules",
        "sales_coordination.menu_manager_configuration",
        "sales_coordination.menu_manager_kpis",
        "sales_coordination.menu_manager_reports",
        "sales_coordination.menu_manager_reports_accuracy",
        "sales_coordination.menu_manager_reports_followup",
        "sales_coordination.menu_manager_reports_support",
        "sales_coordination.menu_manager_reports_fulfillment",
        "sales_coordination.menu_manager_configuration_kpi_targets",
    ],
}


@tagged("post_install", "-at_install")
class TestRolesMenus(SalesCoordinationCase):
    """Each role sees its own workspace, and only that."""

    def _visible(self, user):
        """Menus the user can reach: visible, and every ancestor visible too."""
        Menu = self.env["ir.ui.menu"].with_user(user)
        visible_ids = Menu._visible_menu_ids()
        menus = self.env["ir.ui.menu"].browse(visible_ids)
        return menus.filtered(
            lambda m: all(
                int(pid) in visible_ids for pid in m.parent_path.split("/") if pid
            )
        )

    def _workspaces_seen_by(self, user):
        visible = self._visible(user)
        return {
            role for role, xmlid in WORKSPACES.items() if self.env.ref(xmlid) in visible
        }

    def test_group_implications(self):
        coordinator = self.env.ref("sales_coordination.group_coordinator")
        administrator = self.env.ref("sales_coordination.group_administrator")
        manager = self.env.ref("sales_coordination.group_manager")
        all_leads = self.env.ref("sales_team.group_sale_salesman_all_leads")
        invoicing = self.env.ref("account.group_account_invoice")
        self.assertIn(all_leads, coordinator.implied_ids)
        self.assertIn(all_leads, administrator.implied_ids)
        self.assertIn(invoicing, administrator.implied_ids)
        self.assertEqual(
            manager.implied_ids,
            coordinator | administrator | self.env.ref("sales_team.group_sale_manager"),
        )
        category = self.env.ref("sales_coordination.module_category_sales_coordination")
        self.assertEqual((coordinator | administrator | manager).category_id, category)
        self.assertTrue(self.manager.has_group("sales_team.group_sale_manager"))
        self.assertTrue(self.administrator.has_group("account.group_account_invoice"))
        self.assertFalse(self.coordinator.has_group("account.group_account_invoice"))

    def test_coordinator_sees_only_the_coordinator_workspace(self):
        self.assertEqual(self._workspaces_seen_by(self.coordinator), {"coordinator"})

    def test_administrator_sees_only_the_administrator_workspace(self):
        self.assertEqual(
            self._workspaces_seen_by(self.administrator), {"administrator"}
        )

    def test_manager_sees_all_three_workspaces(self):
        self.assertEqual(
            self._workspaces_seen_by(self.manager),
            {"coordinator", "administrator", "manager"},
        )

    def test_salesperson_sees_no_coordination_menu(self):
        visible = self._visible(self.salesperson)
        root = self.env.ref("sales_coordination.menu_root")
        ours = self.env["ir.ui.menu"].search([("id", "child_of", root.id)])
        self.assertTrue(ours)
        self.assertFalse(visible & ours)

    def test_each_workspace_offers_its_entries(self):
        for role, xmlids in ENTRIES.items():
            user = getattr(self, role)
            visible = self._visible(user)
            workspace = self.env.ref(WORKSPACES[role])
            for xmlid in xmlids:
                menu = self.env.ref(xmlid)
                with self.subTest(role=role, menu=xmlid):
                    self.assertIn(menu, visible)
                    self.assertTrue(menu.parent_path.startswith(workspace.parent_path))

    def test_workspace_actions_open_for_their_role(self):
        """Every leaf entry opens an action that its role may read."""
        for role, xmlid in WORKSPACES.items():
            user = getattr(self, role)
            workspace = self.env.ref(xmlid)
            leaves = self.env["ir.ui.menu"].search(
                [("id", "child_of", workspace.id), ("action", "!=", False)]
            )
            for menu in leaves & self._visible(user):
                action = menu.action
                with self.subTest(role=role, menu=menu.complete_name):
                    if action._name == "ir.actions.act_window":
                        model = self.env[action.res_model].with_user(user)
                        self.assertTrue(model.has_access("read"))

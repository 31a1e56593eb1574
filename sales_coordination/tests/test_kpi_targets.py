from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common_kpi import KpiCase


@tagged("post_install", "-at_install")
class TestKpiTargets(KpiCase):
    """Who may set KPI targets, and where they apply (their status on the
    dashboard's cards: TestKpiDashboardApi in test_kpi_series)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Target = cls.env["sales.coordination.kpi.target"]
        Target.search([]).unlink()
        cls.targets = Target.create(
            [
                {"kpi": "quotations", "target": 5},
                {"kpi": "orders_confirmed", "target": 2},
                {"kpi": "quote_to_order_rate", "target": 35},
                {"kpi": "new_clients", "target": 1, "team_id": cls.team.id},
                {"kpi": "invoice_processing_hours", "target": 24},
            ]
        )

    @freeze_time("2026-03-15 12:00:00")
    def test_team_target_and_lower_is_better_on_the_cards(self):
        self._set(self.o1, invoice_posted_date="2026-03-03 12:00:00")  # 26 h
        kpi = self.env["sales.coordination.kpi"].with_user(self.manager)
        march = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        dashboard = kpi.get_dashboard("custom", team_ids=self.team.ids, **march)
        cards = {card["key"]: card for card in dashboard["cards"]}
        self.assertEqual(cards["new_clients"]["value"], 1)
        self.assertEqual(cards["new_clients"]["status"], "green")
        dashboard = kpi.get_dashboard("custom", **march)
        cards = {card["key"]: card for card in dashboard["cards"]}
        # No company-wide target for new clients: no status.
        self.assertIs(cards["new_clients"]["status"], False)
        self.assertEqual(cards["invoice_processing_hours"]["value"], 26.0)
        self.assertFalse(self.targets[-1].higher_is_better)
        # 26 h against 24 h, lower is better, within 10 %: amber.
        self.assertEqual(cards["invoice_processing_hours"]["status"], "amber")

    def test_targets_security(self):
        Target = self.env["sales.coordination.kpi.target"]
        self.assertTrue(Target.with_user(self.coordinator).search([]))
        with self.assertRaises(AccessError):
            Target.with_user(self.coordinator).create(
                {"kpi": "quotations", "target": 1}
            )
        Target.with_user(self.manager).create(
            {"kpi": "quotations", "target": 3, "user_id": self.coordinator.id}
        )
        with self.assertRaises(ValidationError):
            Target.create({"kpi": "quotations", "target": 9})

    def test_targets_of_another_company_are_invisible(self):
        company_b = self.env["res.company"].create({"name": "Aquarium Supplies BV"})
        self.env["sales.coordination.kpi.target"].create(
            {"kpi": "new_clients", "target": 4, "company_id": company_b.id}
        )
        Target = self.env["sales.coordination.kpi.target"].with_user(self.coordinator)
        self.assertFalse(Target.search([("company_id", "=", company_b.id)]))

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .test_kpi import KpiCase


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


@tagged("post_install", "-at_install")
class TestKpiReports(KpiCase):
    def test_reports_read_as_manager(self):
        for model in (
            "sales.coordination.accuracy.report",
            "sales.coordination.followup.report",
            "sales.coordination.support.report",
            "sales.coordination.fulfillment.report",
        ):
            with self.subTest(model=model):
                Report = self.env[model].with_user(self.manager)
                self.assertIsInstance(Report._read_group([], [], ["__count"]), list)

    def test_accuracy_report_by_rule_and_category(self):
        rule = self.env["sale.accuracy.rule"].search([], limit=1)
        self.o1.accuracy_issue_ids.unlink()
        self._set(self.o1, accuracy_first_checked_date="2026-03-01 00:30:00")
        self.env["sale.accuracy.issue"].create(
            [
                {
                    "order_id": self.o1.id,
                    "rule_id": rule.id,
                    "severity": "warning",
                    "category": category,
                    "message": "Check",
                    "date_found": found,
                }
                for category, found in [
                    ("data", "2026-03-01 00:30:00"),
                    ("pricing", "2026-03-05 00:00:00"),
                ]
            ]
        )
        Report = self.env["sales.coordination.accuracy.report"]
        rows = Report.search([("order_id", "=", self.o1.id)])
        self.assertEqual(sorted(rows.mapped("category")), ["data", "pricing"])
        self.assertEqual(rows.filtered("at_first_check").category, "data")
        groups = Report._read_group(
            [("order_id", "=", self.o1.id)], ["administrator_id"], ["issue_count:sum"]
        )
        self.assertEqual(groups[0][0], self.administrator)
        self.assertEqual(groups[0][1], len(rows))

    def test_support_report_by_type_and_assignee(self):
        Request = self.env["sales.support.request"]
        requests = Request.create(
            [
                {
                    "name": "Catalogue",
                    "request_type": "document",
                    "assigned_to_id": self.coordinator.id,
                    "request_date": "2026-03-01 08:00:00",
                },
                {
                    "name": "Proposal",
                    "request_type": "proposal",
                    "assigned_to_id": self.coordinator.id,
                    "request_date": "2026-03-01 08:00:00",
                },
            ]
        )
        requests[0].write(
            {
                "state": "done",
                "first_response_date": "2026-03-01 09:00:00",
                "done_date": "2026-03-01 18:00:00",
            }
        )
        # The report reads the table: flush as a new request would find it.
        self.env.flush_all()
        Report = self.env["sales.coordination.support.report"]
        groups = {
            request_type: (count, hours)
            for request_type, count, hours in Report._read_group(
                [("request_id", "in", requests.ids)],
                ["request_type"],
                ["request_count:sum", "resolution_hours:avg"],
            )
        }
        self.assertEqual(groups["document"], (1, 10.0))
        self.assertEqual(groups["proposal"][0], 1)
        self.assertFalse(groups["proposal"][1])

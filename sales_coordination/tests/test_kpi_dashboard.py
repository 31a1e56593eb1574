import base64

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .test_kpi import KpiCase


@tagged("post_install", "-at_install")
class TestKpiDashboard(KpiCase):
    """The dashboard shows March 2026 against February with the fixtures of
    KpiCase: 3 quotations (February: 1), 2 orders confirmed (February: 1)."""

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

    def _dashboard(self, user=None, **values):
        Dashboard = self.env["sales.coordination.kpi.dashboard"]
        if user:
            Dashboard = Dashboard.with_user(user)
        with freeze_time("2026-03-15 12:00:00"):
            return Dashboard.create(dict({"period": "month"}, **values))

    def _lines(self, dashboard):
        return {line.kpi: line for line in dashboard.line_ids}

    def test_month_against_previous_month(self):
        dashboard = self._dashboard(user=self.manager)
        self.assertEqual(str(dashboard.date_from), "2026-03-01")
        self.assertEqual(str(dashboard.date_to), "2026-03-31")
        self.assertEqual(str(dashboard.previous_date_from), "2026-02-01")
        self.assertEqual(str(dashboard.previous_date_to), "2026-02-28")
        lines = self._lines(dashboard)
        self.assertEqual(len(lines), 13)
        quotations = lines["quotations"]
        self.assertEqual((quotations.current, quotations.previous), (3, 1))
        self.assertEqual(quotations.trend, "up")
        # 3 of 5, higher is better: red (more than 10 % below).
        self.assertEqual(quotations.status, "red")
        self.assertEqual(lines["orders_confirmed"].status, "green")
        # 33.3 against 35: within 10 %, amber.
        self.assertEqual(lines["quote_to_order_rate"].status, "amber")
        self.assertEqual(lines["quote_to_order_rate"].current_display, "33.3")
        # No company-wide target for new clients, and no figure yet for the
        # invoice time: no status.
        self.assertFalse(lines["new_clients"].status)
        self.assertFalse(lines["invoice_processing_hours"].has_current)
        self.assertEqual(lines["invoice_processing_hours"].current_display, "No data")
        self.assertFalse(lines["invoice_processing_hours"].status)

    def test_lower_is_better_and_team_target(self):
        self._set(self.o1, invoice_posted_date="2026-03-03 12:00:00")  # 26 h
        dashboard = self._dashboard(team_ids=[(6, 0, self.team.ids)])
        lines = self._lines(dashboard)
        self.assertEqual(lines["new_clients"].current, 1)
        self.assertEqual(lines["new_clients"].status, "green")
        dashboard = self._dashboard()
        lines = self._lines(dashboard)
        self.assertEqual(lines["invoice_processing_hours"].current, 26.0)
        self.assertFalse(self.targets[-1].higher_is_better)
        # 26 h against 24 h, lower is better, within 10 %: amber.
        self.assertEqual(lines["invoice_processing_hours"].status, "amber")

    def test_periods(self):
        quarter = self._dashboard(period="quarter")
        self.assertEqual(
            (str(quarter.date_from), str(quarter.date_to)), ("2026-01-01", "2026-03-31")
        )
        self.assertEqual(str(quarter.previous_date_from), "2025-10-01")
        year = self._dashboard(period="year")
        self.assertEqual(str(year.previous_date_to), "2025-12-31")
        custom = self._dashboard(
            period="custom", date_from="2026-03-10", date_to="2026-03-19"
        )
        self.assertEqual(str(custom.date_from), "2026-03-10")
        self.assertEqual(str(custom.previous_date_from), "2026-02-28")
        self.assertEqual(str(custom.previous_date_to), "2026-03-09")

    def test_form_refreshes_lines(self):
        with freeze_time("2026-03-15 12:00:00"):
            form = Form(
                self.env["sales.coordination.kpi.dashboard"].with_user(self.manager)
            )
            self.assertEqual(len(form.line_ids), 13)
            form.period = "custom"
            form.date_from = "2026-03-01"
            form.date_to = "2026-03-01"
            dashboard = form.save()
        self.assertEqual(self._lines(dashboard)["quotations"].current, 1)

    def test_my_kpis_only_mine(self):
        dashboard = self._dashboard(user=self.team_administrator, mine=True)
        lines = self._lines(dashboard)
        # Only o3 is Ted's: confirmed in March, no quotation created then.
        self.assertEqual(lines["orders_confirmed"].current, 1)
        self.assertEqual(lines["quotations"].current, 0)

    def test_export_xlsx(self):
        dashboard = self._dashboard(user=self.manager)
        action = dashboard.action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        content = base64.b64decode(dashboard.export_file)
        self.assertEqual(content[:2], b"PK")
        self.assertTrue(dashboard.export_filename.endswith(".xlsx"))
        lines_action = dashboard.action_open_lines()
        self.assertEqual(
            self.env[lines_action["res_model"]].search_count(lines_action["domain"]), 13
        )

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

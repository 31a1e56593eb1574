from odoo.tests import tagged

from .common_kpi import KpiCase


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

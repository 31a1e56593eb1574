import io
from datetime import datetime

import openpyxl
from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from odoo.addons.sales_coordination.controllers.kpi_dashboard import dashboard_xlsx
from odoo.addons.sales_coordination.models.digest_digest import DIGEST_KPIS

from .common_kpi import KpiSeriesCase


@tagged("post_install", "-at_install")
class TestKpiDigest(KpiSeriesCase):
    def test_shipped_digest(self):
        digest = self.env.ref("sales_coordination.digest_digest_coordination")
        self.assertEqual(digest.periodicity, "weekly")
        self.assertEqual(digest.state, "activated")
        self.assertTrue(digest.kpi_sc_orders_confirmed)
        managers = self.env.ref("sales_coordination.group_manager").users
        self.assertLessEqual(digest.user_ids, managers)

    def test_values_are_get_kpis_of_the_period(self):
        digest = self.env.ref("sales_coordination.digest_digest_coordination")
        expected = self.kpi.get_kpis("2026-03-01", "2026-03-31")
        march = digest.with_context(
            start_datetime=datetime(2026, 3, 1), end_datetime=datetime(2026, 4, 1)
        )
        february = digest.with_context(
            start_datetime=datetime(2026, 2, 1), end_datetime=datetime(2026, 3, 1)
        )
        before = self.kpi.get_kpis("2026-02-01", "2026-02-28")
        for definition in DIGEST_KPIS:
            field = f"kpi_sc_{definition.key}_value"
            self.assertEqual(march[field], expected[definition.key] or 0, field)
            self.assertEqual(february[field], before[definition.key] or 0, field)
        self.assertEqual(march.kpi_sc_quotations_value, 3)

    def test_digest_email_for_a_manager(self):
        manager = new_test_user(
            self.env,
            login="sc_digest_manager",
            groups="base.group_user,sales_coordination.group_manager",
        )
        digest = self.env.ref("sales_coordination.digest_digest_coordination")
        kpis = digest._compute_kpis(self.env.company, manager)
        names = {kpi["kpi_name"] for kpi in kpis}
        self.assertIn("kpi_sc_orders_confirmed", names)
        action = next(k for k in kpis if k["kpi_name"] == "kpi_sc_new_clients")
        self.assertIn("sales_coordination_kpi_client_action", action["kpi_action"])
        # a user without a coordination role gets none of them
        clerk = new_test_user(
            self.env, login="sc_digest_clerk", groups="base.group_user"
        )
        names = {
            kpi["kpi_name"] for kpi in digest._compute_kpis(self.env.company, clerk)
        }
        self.assertFalse({name for name in names if name.startswith("kpi_sc_")})

    def test_xlsx_export_holds_cards_and_series(self):
        dashboard = self.kpi.get_dashboard(
            "custom", date_from="2026-03-01", date_to="2026-03-31"
        )
        workbook = openpyxl.load_workbook(
            io.BytesIO(dashboard_xlsx(self.env, dashboard))
        )
        cards, series = workbook.worksheets
        rows = list(cards.iter_rows(min_row=4, values_only=True))
        self.assertEqual(len(rows), len(dashboard["cards"]))
        by_label = {row[0]: row for row in rows}
        self.assertEqual(by_label["Quotations"][2], 3)
        series_rows = list(series.iter_rows(values_only=True))
        self.assertEqual(len(series_rows[0]), 1 + len(dashboard["series_buckets"]))
        quotations = next(row for row in series_rows if row[0] == "Quotations")
        card = next(c for c in dashboard["cards"] if c["key"] == "quotations")
        self.assertEqual(list(quotations[1:]), card["series"])
        # a rate over too few records says so, and the running month is "so far"
        self.assertEqual(by_label["Quote-to-Order Rate (%)"][2], "Not enough data")
        with freeze_time("2026-03-31 12:00"):
            running = self.kpi.get_dashboard("month")
        workbook = openpyxl.load_workbook(io.BytesIO(dashboard_xlsx(self.env, running)))
        header = next(workbook.worksheets[1].iter_rows(values_only=True))
        self.assertEqual(header[-1], "2026-03-01 – 2026-03-31 (so far)")
        self.assertNotIn("so far", header[-2])

    def test_no_demo_model_and_reports_are_queries(self):
        """The demo story is plain Python (demo/story.py), not a model; the
        SQL reports are ``_table_query`` models."""
        self.assertNotIn("sales.coordination.demo", self.env)
        self.assertFalse(
            self.env["ir.model"].search([("model", "=", "sales.coordination.demo")])
        )
        for report in (
            "sales.coordination.accuracy.report",
            "sales.coordination.followup.report",
            "sales.coordination.fulfillment.report",
            "sales.coordination.support.report",
        ):
            model = self.env[report]
            self.assertTrue(model._table_query, report)
            # it reads like any model
            model.search([], limit=1)

from datetime import date, timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.sales_coordination.models.sales_coordination_kpi import KPI_KEYS

from .common_kpi import KpiSeriesCase


@tagged("post_install", "-at_install")
class TestKpiSeries(KpiSeriesCase):
    def _assert_series_is_get_kpis(self, date_from, date_to, granularity, **filters):
        series = self.kpi.get_kpi_series(date_from, date_to, granularity, **filters)
        self.assertEqual(list(series["values"]), KPI_KEYS)
        self.assertEqual(series["buckets"][0]["date_from"], date_from)
        self.assertEqual(series["buckets"][-1]["date_to"], date_to)
        seen = set()
        for index, bucket in enumerate(series["buckets"]):
            expected = self.kpi.get_kpis(
                bucket["date_from"], bucket["date_to"], **filters
            )
            for key in KPI_KEYS:
                self.assertEqual(
                    series["values"][key][index],
                    expected[key],
                    f"{key} of {bucket} ({granularity})",
                )
                if expected[key]:
                    seen.add(key)
        return series, seen

    def test_days_weeks_months_quarters_match_get_kpis(self):
        __, seen = self._assert_series_is_get_kpis("2026-02-25", "2026-04-02", "day")
        # the crafted data gives every KPI but the deliveries' a value
        # somewhere (test_delivery_status_rpc gives those theirs)
        self.assertGreaterEqual(
            seen,
            set(KPI_KEYS)
            - {
                "fulfillment_rate",
                "promise_kept_rate",
                "proactive_update_rate",
                "average_delivery_delay_days",
            },
        )
        series, __ = self._assert_series_is_get_kpis("2026-02-01", "2026-04-05", "week")
        # ISO weeks: the first one is cut at date_from (a Sunday)
        self.assertEqual(
            series["buckets"][:2],
            [
                {"date_from": "2026-02-01", "date_to": "2026-02-01", "partial": False},
                {"date_from": "2026-02-02", "date_to": "2026-02-08", "partial": False},
            ],
        )
        series, __ = self._assert_series_is_get_kpis(
            "2026-01-15", "2026-04-30", "month"
        )
        self.assertEqual(len(series["buckets"]), 4)
        self.assertEqual(series["values"]["orders_confirmed"], [0, 1, 2, 0])
        self.assertEqual(series["values"]["sales_growth_rate"][2], 20.0)
        self._assert_series_is_get_kpis("2025-11-20", "2026-06-30", "quarter")

    def test_filters_match_get_kpis(self):
        self._assert_series_is_get_kpis(
            "2026-02-01", "2026-04-30", "month", team_ids=[self.team2.id]
        )
        self._assert_series_is_get_kpis(
            "2026-02-20", "2026-04-05", "week", user_ids=[self.coordinator.id]
        )

    def test_keys_subset(self):
        series = self.kpi.get_kpi_series(
            "2026-03-01", "2026-03-31", keys=["quotations", "new_clients"]
        )
        self.assertEqual(series["values"], {"quotations": [3], "new_clients": [1]})

    def test_one_aggregate_per_family_whatever_the_buckets(self):
        # warm both: a series reads the user's time zone (its running bucket),
        # which a test run may or may not have in its cache already
        self.kpi.get_kpis(*("2026-03-01", "2026-03-31"))
        self.kpi.get_kpi_series("2026-03-01", "2026-03-31", "month")
        before = self.env.cr.sql_log_count
        self.kpi.get_kpis("2026-03-01", "2026-03-31")
        one = self.env.cr.sql_log_count - before
        with self.assertQueryCount(one):
            series = self.kpi.get_kpi_series("2025-04-01", "2026-03-31", "month")
        self.assertEqual(len(series["buckets"]), 12)
        with self.assertQueryCount(one):
            self.kpi.get_kpi_series("2025-04-01", "2026-03-31", "day")

    def test_bad_arguments(self):
        for granularity in ("year", "hour", None, 3):
            with self.assertRaisesRegex(UserError, "granularity"):
                self.kpi.get_kpi_series("2026-03-01", "2026-03-31", granularity)
        with self.assertRaisesRegex(UserError, "at most 400 buckets"):
            self.kpi.get_kpi_series("2025-01-01", "2026-03-31", "day")
        # 400 days is the limit itself
        first = date(2025, 1, 1)
        last = first + timedelta(days=399)
        series = self.kpi.get_kpi_series(str(first), str(last), "day", keys=[])
        self.assertEqual(len(series["buckets"]), 400)
        for keys in (["nope"], "quotations", [1]):
            with self.assertRaises(UserError):
                self.kpi.get_kpi_series("2026-03-01", "2026-03-31", keys=keys)
        with self.assertRaises(UserError):
            self.kpi.get_kpi_series("2026-03-31", "2026-03-01")
        with self.assertRaises(UserError):
            self.kpi.get_kpi_series("2026-03-01", "not a date")

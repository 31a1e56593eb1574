from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.sales_coordination.models.sales_coordination_kpi import KPI_KEYS

from .common_kpi import KpiSeriesCase


@tagged("post_install", "-at_install")
class TestKpiDashboardRpc(KpiSeriesCase):
    def _periods(self, period, **kwargs):
        result = self.kpi.get_dashboard(period, **kwargs)
        return (
            (result["period"]["date_from"], result["period"]["date_to"]),
            (result["previous"]["date_from"], result["previous"]["date_to"]),
        )

    def test_like_for_like_periods(self):
        cases = [
            # (today, period, current, previous)
            (
                "2026-12-10",
                "month",
                ("2026-12-01", "2026-12-10"),
                ("2026-11-01", "2026-11-10"),
            ),
            (
                "2026-12-01",
                "month",
                ("2026-12-01", "2026-12-01"),
                ("2026-11-01", "2026-11-01"),
            ),
            # month ends: cut at the end of the shorter previous month
            (
                "2026-03-31",
                "month",
                ("2026-03-01", "2026-03-31"),
                ("2026-02-01", "2026-02-28"),
            ),
            (
                "2024-03-31",
                "month",
                ("2024-03-01", "2024-03-31"),
                ("2024-02-01", "2024-02-29"),
            ),
            (
                "2024-02-29",
                "month",
                ("2024-02-01", "2024-02-29"),
                ("2024-01-01", "2024-01-29"),
            ),
            (
                "2024-02-29",
                "quarter",
                ("2024-01-01", "2024-02-29"),
                ("2023-10-01", "2023-11-29"),
            ),
            (
                "2026-06-30",
                "quarter",
                ("2026-04-01", "2026-06-30"),
                ("2026-01-01", "2026-03-31"),
            ),
            (
                "2024-12-31",
                "year",
                ("2024-01-01", "2024-12-31"),
                ("2023-01-01", "2023-12-31"),
            ),
            # the same days compare the same way whatever the period: the
            # year to 1 March is the first 60 days of a quarter
            (
                "2025-03-01",
                "year",
                ("2025-01-01", "2025-03-01"),
                ("2024-10-01", "2024-11-29"),
            ),
            (
                "2025-10-05",
                "quarter",
                ("2025-10-01", "2025-10-05"),
                ("2025-09-01", "2025-09-05"),
            ),
        ]
        for today, period, current, previous in cases:
            with (
                self.subTest(today=today, period=period),
                freeze_time(today + " 12:00"),
            ):
                self.assertEqual(self._periods(period), (current, previous))
        # a custom period follows the same rule
        self.assertEqual(
            self._periods("custom", date_from="2024-03-01", date_to="2024-03-31"),
            (("2024-03-01", "2024-03-31"), ("2024-02-01", "2024-02-29")),
        )
        self.assertEqual(
            self._periods("custom", date_from="2024-03-02", date_to="2024-03-31"),
            (("2024-03-02", "2024-03-31"), ("2024-02-01", "2024-03-01")),
        )

    @staticmethod
    def _shown(value, base):
        """A rate over fewer than 5 records shows as not enough data."""
        return False if base is not False and base is not None and base < 5 else value

    @freeze_time("2026-03-31 12:00")
    def test_cards_are_get_kpis(self):
        result = self.kpi.get_dashboard("month")
        current = self.kpi.get_kpis("2026-03-01", "2026-03-31")
        previous = self.kpi.get_kpis("2026-02-01", "2026-02-28")
        series = self.kpi.get_kpi_series("2025-04-01", "2026-03-31", "month")
        self.assertEqual([card["key"] for card in result["cards"]], KPI_KEYS)
        self.assertEqual(len(result["series_buckets"]), 12)
        shown = self._shown
        for card in result["cards"]:
            key = card["key"]
            bases = series["bases"].get(key)
            self.assertEqual(card["value"], shown(current[key], card["base"]), key)
            self.assertEqual(
                card["series"],
                [
                    shown(value, bases and bases[index])
                    for index, value in enumerate(series["values"][key])
                ],
                key,
            )
            self.assertEqual(card["series"][-1], card["value"], key)
            if not card["previous_not_enough_data"]:
                self.assertEqual(card["previous"], previous[key], key)
        by_key = {card["key"]: card for card in result["cards"]}
        self.assertEqual(by_key["quotations"]["value"], 3)
        self.assertEqual(by_key["quote_to_order_rate"]["unit"], "%")
        self.assertEqual(by_key["support_turnaround_hours"]["unit"], "h")

    @freeze_time("2026-03-31 12:00")
    def test_targets_and_status(self):
        Target = self.env["sales.coordination.kpi.target"]
        Target.search([]).unlink()
        Target.create({"kpi": "quotations", "target": 3})
        Target.create({"kpi": "support_turnaround_hours", "target": 24})
        Target.create({"kpi": "orders_confirmed", "target": 2.2})
        cards = {c["key"]: c for c in self.kpi.get_dashboard("month")["cards"]}
        self.assertEqual(cards["quotations"]["status"], "green")
        self.assertEqual(cards["quotations"]["target"], 3)
        # 84 h against 24 h, lower is better
        self.assertEqual(cards["support_turnaround_hours"]["status"], "red")
        # 2 against 2.2: within 10 %
        self.assertEqual(cards["orders_confirmed"]["status"], "amber")
        self.assertIs(cards["new_clients"]["target"], False)
        self.assertIs(cards["new_clients"]["status"], False)

    @freeze_time("2026-03-31 12:00")
    def test_mine_and_filters(self):
        mine = self.kpi.with_user(self.coordinator).get_dashboard("month", mine=True)
        expected = self.kpi.with_user(self.coordinator).get_kpis(
            "2026-03-01", "2026-03-31", user_ids=[self.coordinator.id]
        )
        self.assertEqual(
            {c["key"]: c["value"] for c in mine["cards"]},
            {
                c["key"]: self._shown(expected[c["key"]], c["base"])
                for c in mine["cards"]
            },
        )
        team = self.kpi.get_dashboard("month", team_ids=[self.team2.id])
        expected = self.kpi.get_kpis(
            "2026-03-01", "2026-03-31", team_ids=[self.team2.id]
        )
        self.assertEqual(
            {c["key"]: c["value"] for c in team["cards"]},
            {
                c["key"]: self._shown(expected[c["key"]], c["base"])
                for c in team["cards"]
            },
        )

    def _records(self, card, extra=()):
        action = card["action"]
        return self.env[action["res_model"]].search(action["domain"] + list(extra))

    @freeze_time("2026-03-31 12:00")
    def test_drilldown_counts_equal_the_cards(self):
        for filters in ({}, {"team_ids": [self.team2.id]}):
            cards = {
                c["key"]: c for c in self.kpi.get_dashboard("month", **filters)["cards"]
            }
            checked = set()
            for card in cards.values():
                key, value = card["key"], card["value"]
                self.assertTrue(card["action"], key)
                records = self._records(card)
                if key in ("quotations", "orders_confirmed", "new_clients"):
                    self.assertEqual(len(records), value, key)
                elif card["numerator_domain"]:
                    numerator = self._records(card, card["numerator_domain"])
                    rate = (
                        round(100.0 * len(numerator) / len(records), 1)
                        if records
                        else False
                    )
                    # a rate over too few records shows no value: its base
                    # is the number of records the drill-down lists
                    if card["not_enough_data"]:
                        self.assertIs(value, False, key)
                        self.assertEqual(card["base"], len(records), key)
                    else:
                        self.assertEqual(rate, value, key)
                elif key == "support_turnaround_hours":
                    hours = records.mapped("resolution_hours")
                    average = round(sum(hours) / len(hours), 1) if hours else False
                    self.assertEqual(average, value, key)
                elif key == "internal_response_hours":
                    hours = records.mapped("response_hours")
                    average = round(sum(hours) / len(hours), 1) if hours else False
                    self.assertEqual(average, value, key)
                elif key == "followups_overdue":
                    self.assertEqual(len(records), value, key)
                else:
                    continue
                checked.add(key)
            self.assertGreaterEqual(len(checked), 10)
        # the rate cards of March by hand: 1 of 3 quotations won
        cards = {c["key"]: c for c in self.kpi.get_dashboard("month")["cards"]}
        self.assertEqual(len(self._records(cards["quote_to_order_rate"])), 3)
        self.assertEqual(
            self._records(cards["new_clients"]), self.vet.commercial_partner_id
        )

    @freeze_time("2026-03-31 12:00")
    def test_read_only_cursor(self):
        """get_kpis, get_kpi_series and get_dashboard write nothing: they run
        on a read-only transaction (as on a replica)."""
        with self._read_only_transaction():
            self.kpi.get_dashboard("month")
            self.kpi.get_kpi_series("2026-01-01", "2026-03-31", "week")
            self.kpi.get_kpis("2026-03-01", "2026-03-31")
        for method in ("get_kpis", "get_kpi_series", "get_dashboard"):
            self.assertTrue(getattr(type(self.kpi), method)._readonly, method)

    def test_bad_arguments(self):
        for period in ("week", None, 1):
            with self.assertRaisesRegex(UserError, "period"):
                self.kpi.get_dashboard(period)
        with self.assertRaisesRegex(UserError, "date_from and date_to"):
            self.kpi.get_dashboard("custom", date_from="2026-03-01")
        with self.assertRaises(UserError):
            self.kpi.get_dashboard(
                "custom", date_from="2026-03-31", date_to="2026-03-01"
            )
        with self.assertRaises(UserError):
            self.kpi.get_dashboard("month", team_ids=[0])
        with self.assertRaises(UserError):
            self.kpi.get_dashboard("month", user_ids="me")

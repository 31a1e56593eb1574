from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.sales_coordination.models.sales_coordination_kpi import (
    MIN_RATE_BASE,
)

from .common_kpi import KpiCase


@tagged("post_install", "-at_install")
class TestKpiLikeForLike(KpiCase):
    """The KPIs compare like with like and say when a period is still
    running or counts too few records (on 5 December 2031, for a team of its
    own: the demo's orders stay out).

    Orders of the team, confirmed (untaxed amount):
    - 3 November: 120.00; 28 November: 600.00; 2 December: 150.00.
    So 1-5 December (150) against 1-5 November (120) is +25 %; against the
    five days just before (26-30 November: 600) it would be -75 %.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team3 = cls.env["crm.team"].create({"name": "Aquarium Shops East"})
        cls.nov3 = cls._order(cls.customer, cls.team3, 10.0)
        cls.nov28 = cls._order(cls.customer, cls.team3, 50.0)
        cls.dec2 = cls._order(cls.customer, cls.team3, 12.5)
        (cls.nov3 | cls.nov28 | cls.dec2).action_confirm()
        for order, day in (
            (cls.nov3, "2031-11-03"),
            (cls.nov28, "2031-11-28"),
            (cls.dec2, "2031-12-02"),
        ):
            cls._set(order, create_date=f"{day} 08:00:00", date_order=f"{day} 09:00:00")
        cls.filters = {"team_ids": [cls.team3.id]}

    def _dates(self, period):
        return (period["date_from"], period["date_to"])

    @freeze_time("2031-12-05 12:00")
    def test_the_same_days_compare_the_same_way_whatever_the_period(self):
        month = self.kpi.get_dashboard("month", **self.filters)
        custom = self.kpi.get_dashboard(
            "custom", date_from="2031-12-01", date_to="2031-12-05", **self.filters
        )
        for result in (month, custom):
            self.assertEqual(
                self._dates(result["period"]), ("2031-12-01", "2031-12-05")
            )
            self.assertEqual(
                self._dates(result["previous"]), ("2031-11-01", "2031-11-05")
            )
            cards = {card["key"]: card for card in result["cards"]}
            # 150 against 120, not against the 600 of 26-30 November
            self.assertEqual(cards["sales_growth_rate"]["value"], 25.0)
            self.assertEqual(cards["orders_confirmed"]["value"], 1)
            self.assertEqual(cards["orders_confirmed"]["previous"], 1)
        # get_kpis and the series follow the same rule
        kpis = self.kpi.get_kpis("2031-12-01", "2031-12-05", **self.filters)
        self.assertEqual(kpis["sales_growth_rate"], 25.0)
        series = self.kpi.get_kpi_series(
            "2031-11-01",
            "2031-12-05",
            "month",
            keys=["sales_growth_rate"],
            **self.filters,
        )
        self.assertEqual(series["values"]["sales_growth_rate"][-1], 25.0)

    def test_one_rule_for_every_period(self):
        cases = [
            # (custom period, previous): a month, quarter or year from its
            # first day compares with as many days from the start of the
            # previous one, cut at its end; any other period with as many
            # days just before it
            (("2031-12-01", "2031-12-05"), ("2031-11-01", "2031-11-05")),
            (("2031-03-01", "2031-03-31"), ("2031-02-01", "2031-02-28")),
            (("2031-10-01", "2031-11-20"), ("2031-07-01", "2031-08-20")),
            (("2031-01-01", "2031-12-31"), ("2030-01-01", "2030-12-31")),
            (("2031-12-02", "2031-12-06"), ("2031-11-27", "2031-12-01")),
            (("2031-11-01", "2031-12-05"), ("2031-09-27", "2031-10-31")),
        ]
        for (date_from, date_to), previous in cases:
            with self.subTest(date_from=date_from, date_to=date_to):
                result = self.kpi.get_dashboard(
                    "custom", date_from=date_from, date_to=date_to, **self.filters
                )
                self.assertEqual(self._dates(result["previous"]), previous)

    @freeze_time("2031-12-05 12:00")
    def test_the_running_period_is_partial(self):
        series = self.kpi.get_kpi_series(
            "2031-10-01", "2031-12-31", "month", keys=["quotations"], **self.filters
        )
        self.assertEqual(
            [bucket["partial"] for bucket in series["buckets"]], [False, False, True]
        )
        weeks = self.kpi.get_kpi_series(
            "2031-11-24", "2031-12-14", "week", keys=["quotations"], **self.filters
        )
        self.assertEqual(
            [bucket["partial"] for bucket in weeks["buckets"]], [False, True, False]
        )
        dashboard = self.kpi.get_dashboard("month", **self.filters)
        self.assertIs(dashboard["period"]["partial"], True)
        self.assertEqual(
            [bucket["partial"] for bucket in dashboard["series_buckets"]],
            [False] * 11 + [True],
        )
        self.assertEqual(
            self._dates(dashboard["series_buckets"][-1]), ("2031-12-01", "2031-12-05")
        )
        past = self.kpi.get_dashboard(
            "custom", date_from="2031-11-01", date_to="2031-11-30", **self.filters
        )
        self.assertIs(past["period"]["partial"], False)

    @freeze_time("2031-12-05 12:00")
    def test_a_rate_over_too_few_records_is_not_enough_data(self):
        cards = {
            card["key"]: card
            for card in self.kpi.get_dashboard("month", **self.filters)["cards"]
        }
        card = cards["quote_to_order_rate"]
        # one quotation, confirmed: not "100 %"
        self.assertIs(card["value"], False)
        self.assertIs(card["not_enough_data"], True)
        self.assertEqual(card["base"], 1)
        self.assertIs(card["status"], False)
        self.assertIs(card["previous"], False)
        self.assertIs(card["previous_not_enough_data"], True)
        self.assertIs(card["series_not_enough_data"][-1], True)
        self.assertIs(card["series"][-1], False)
        # a count has no base and always shows
        self.assertEqual(cards["quotations"]["value"], 1)
        self.assertIs(cards["quotations"]["base"], False)
        self.assertIs(cards["quotations"]["not_enough_data"], False)
        # get_kpis and the series give the exact figure, and the series its base
        self.assertEqual(
            self.kpi.get_kpis("2031-12-01", "2031-12-05", **self.filters)[
                "quote_to_order_rate"
            ],
            100.0,
        )
        series = self.kpi.get_kpi_series(
            "2031-11-01",
            "2031-12-05",
            "month",
            keys=["quotations", "quote_to_order_rate"],
            **self.filters,
        )
        self.assertEqual(series["values"]["quote_to_order_rate"], [100.0, 100.0])
        self.assertEqual(series["bases"], {"quote_to_order_rate": [2, 1]})

    @freeze_time("2031-12-05 12:00")
    def test_a_rate_over_enough_records_shows(self):
        quotations = self.dec2
        for __ in range(MIN_RATE_BASE - 1):
            quotations |= self._order(self.customer, self.team3, 10.0)
        self._set(quotations - self.dec2, create_date="2031-12-03 08:00:00")
        card = next(
            card
            for card in self.kpi.get_dashboard("month", **self.filters)["cards"]
            if card["key"] == "quote_to_order_rate"
        )
        self.assertEqual(card["base"], MIN_RATE_BASE)
        self.assertIs(card["not_enough_data"], False)
        # 1 of 5 quotations confirmed
        self.assertEqual(card["value"], 20.0)
        self.assertEqual(card["series"][-1], 20.0)

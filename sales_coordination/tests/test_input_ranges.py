from datetime import date, datetime, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models.sale_accuracy_rule import THRESHOLD_DEFAULT_RANGE, THRESHOLD_RANGES
from ..models.sales_coordination_kpi_target import KPI_TARGET_RANGES
from ..models.sales_coordination_rpc_check import DATE_MAX, DATE_MIN
from ..models.sales_followup_rule import FOLLOWUP_NUMBER_RANGES
from .common import FollowupCase

# Values no range accepts, whatever the field.
ABSURD = [
    10**9 + 1,
    2**31,
    2**63,
    10**30,
    10**400,
    float("inf"),
    float("-inf"),
    float("nan"),
]
WRONG_TYPES = ["abc", "", [], [1], {}, {"a": 1}, True]


@tagged("post_install", "-at_install")
class TestInputRanges(FollowupCase):
    """Every number a rule or a target accepts has a range checked on save,
    every date a public method accepts too: a clear error naming the field
    and the range, never a server error."""

    def _assert_refused(self, fname, model, bounds, call):
        label = model._fields[fname]._description_string(self.env)
        with self.assertRaises(ValidationError) as caught:
            call()
        message = caught.exception.args[0]
        self.assertIn(label, message)
        self.assertIn(str(bounds[0]), message)
        self.assertIn(str(bounds[1]), message)

    def _accuracy_rule(self, check_type, threshold=0):
        return self.env["sale.accuracy.rule"].create(
            {
                "name": f"Range {check_type}",
                "code": f"range_{check_type}",
                "check_type": check_type,
                "threshold": threshold,
                # a rule of the manager's company: shared rules need a user
                # of every company
                "company_id": self.manager.company_id.id,
            }
        )

    # --- follow-up rules ---

    def test_followup_numbers_within_range_are_saved(self):
        # a rule of the manager's company: shared rules need a user of every
        # company
        self.quote_rule.company_id = self.manager.company_id
        rule = self.quote_rule.with_user(self.manager)
        for fname, (low, high) in FOLLOWUP_NUMBER_RANGES.items():
            with self.subTest(field=fname):
                rule.write({fname: high})
                self.assertEqual(rule[fname], high)
                rule.write({fname: low})
                self.assertEqual(rule[fname], low)
                rule.write({fname: str(high)})
                self.assertEqual(rule[fname], high)

    def test_followup_numbers_out_of_range_are_refused(self):
        rule = self.quote_rule.with_user(self.manager)
        Rule = self.Rule.with_user(self.manager)
        for fname, bounds in FOLLOWUP_NUMBER_RANGES.items():
            low, high = bounds
            for value in [low - 1, high + 1, 10**7, -(2**31), 1.5, *ABSURD]:
                with self.subTest(field=fname, value=value):
                    self._assert_refused(
                        fname, rule, bounds, lambda v=value, f=fname: rule.write({f: v})
                    )
                    self._assert_refused(
                        fname,
                        rule,
                        bounds,
                        lambda v=value, f=fname: Rule.create(
                            {
                                "name": "Absurd",
                                "trigger": "quote_no_reply",
                                "activity_type_id": self.quote_type.id,
                                f: v,
                            }
                        ),
                    )
            for value in WRONG_TYPES:
                with self.subTest(field=fname, value=value):
                    self._assert_refused(
                        fname, rule, bounds, lambda v=value, f=fname: rule.write({f: v})
                    )
        self.assertEqual(self.quote_rule.delay_days, 3)

    def test_followup_ranges_shown_in_help(self):
        for fname, (low, high) in FOLLOWUP_NUMBER_RANGES.items():
            with self.subTest(field=fname):
                self.assertIn(f"From {low} to {high}.", self.Rule._fields[fname].help)

    def test_engine_fields_not_writable(self):
        rule = self.quote_rule.with_user(self.manager)
        for vals in (
            {"last_error": "fake"},
            {"last_run_date": "2026-01-01 00:00:00"},
            {"cron_after_id": 10**6},
            {"cron_pass_date": "2026-01-01"},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                rule.write(vals)
        with self.assertRaises(UserError):
            self.Rule.with_user(self.manager).create(
                {
                    "name": "Born run",
                    "activity_type_id": self.quote_type.id,
                    "last_error": "x",
                }
            )
        self.assertFalse(self.quote_rule.last_error)
        self.assertFalse(self.quote_rule.cron_after_id)

    # --- accuracy rules ---

    def test_threshold_range_per_check_type(self):
        for check_type, (low, high) in THRESHOLD_RANGES.items():
            with self.subTest(check_type=check_type):
                rule = self._accuracy_rule(check_type, high)
                self.assertEqual(rule.threshold, high)
                rule.threshold = low
                self._assert_refused(
                    "threshold",
                    rule,
                    (low, high),
                    lambda r=rule, h=high: r.write({"threshold": h + 1}),
                )
        rule = self._accuracy_rule("missing_client_ref")
        self._assert_refused(
            "threshold",
            rule,
            THRESHOLD_DEFAULT_RANGE,
            lambda: rule.write({"threshold": -1}),
        )

    def test_duplicate_window_of_a_billion_days_refused(self):
        rule = self._accuracy_rule("duplicate_order", 7)
        self._assert_refused(
            "threshold",
            rule,
            THRESHOLD_RANGES["duplicate_order"],
            lambda: rule.with_user(self.manager).write({"threshold": 10**9}),
        )
        # Changing the type keeps the threshold in the new type's range.
        minimum = self._accuracy_rule("minimum_order", 5000)
        with self.assertRaises(ValidationError):
            minimum.write({"check_type": "duplicate_order"})
        self.assertEqual(rule.threshold, 7)

    def test_accuracy_numbers_absurd_or_wrong_type(self):
        rule = self._accuracy_rule("discount_limit", 15)
        for fname in ("threshold", "sequence"):
            for value in [*ABSURD, *WRONG_TYPES]:
                with (
                    self.subTest(field=fname, value=value),
                    self.assertRaises(ValidationError),
                ):
                    rule.write({fname: value})
        with self.assertRaises(ValidationError):
            self.env["sale.accuracy.rule"].create(
                {"name": "x", "code": "x_nan", "threshold": float("nan")}
            )
        self.assertEqual(rule.threshold, 15)

    # --- KPI targets ---

    def test_kpi_target_ranges(self):
        Target = self.env["sales.coordination.kpi.target"]
        Target.search([]).active = False
        for kpi, (low, high) in KPI_TARGET_RANGES.items():
            with self.subTest(kpi=kpi):
                target = Target.create({"kpi": kpi, "target": high})
                target.target = low
                self._assert_refused(
                    "target",
                    target,
                    (low, high),
                    lambda t=target, h=high: t.write({"target": h + 1}),
                )
                target.unlink()
        target = Target.create({"kpi": "new_clients", "target": 10_000_000})
        for value in [*ABSURD, -1, *WRONG_TYPES]:
            with self.subTest(value=value), self.assertRaises(ValidationError):
                target.write({"target": value})
        self.assertEqual(target.target, 10_000_000)

    # --- dates ---

    def test_kpi_dates_in_range(self):
        Kpi = self.env["sales.coordination.kpi"].with_user(self.manager)
        self.assertIsNotNone(Kpi.get_kpis(str(DATE_MIN), "1999-12-31"))
        self.assertIsNotNone(Kpi.get_kpis("9900-01-01", str(DATE_MAX)))
        self.assertIsNotNone(Kpi.get_kpis(date(2026, 1, 1), datetime(2026, 1, 31)))

    def test_kpi_dates_out_of_range(self):
        Kpi = self.env["sales.coordination.kpi"].with_user(self.manager)
        for first, last in (
            ("0001-01-01", "2026-01-31"),
            ("1899-12-31", "2026-01-31"),
            ("2026-01-01", "9999-12-31"),
            (date.min, "2026-01-31"),
            ("2026-01-01", datetime.max),
            ("1900-01-01", "2026-01-31"),  # over 100 years
            ("1900-01-01", str(DATE_MAX)),
        ):
            with self.subTest(first=first, last=last), self.assertRaises(UserError):
                Kpi.get_kpis(first, last)

    def test_check_date_helper(self):
        check = self.env["sales.coordination.rpc.check"]
        self.assertEqual(
            check._sc_check_date("2026-03-04 10:00:00", "x"),
            datetime(2026, 3, 4, 10, 0),
        )
        self.assertEqual(check._sc_check_date("2026-03-04", "x"), date(2026, 3, 4))
        for value in (
            "0001-01-01",
            "9999-12-31 23:59:59",
            "not a date",
            "",
            None,
            20260101,
            2026.5,
            [],
            True,
        ):
            with self.subTest(value=value), self.assertRaises(UserError):
                check._sc_check_date(value, "x")

    def test_reschedule_dates(self):
        start = datetime(2026, 3, 4, 14, 0)
        meeting = (
            self.env["calendar.event"]
            .with_user(self.coordinator)
            .create(
                {
                    "name": "Range review",
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "user_id": self.coordinator.id,
                }
            )
        )
        for value in (
            "0001-01-01 00:00:00",
            "9999-12-31 23:00:00",
            f"{DATE_MAX} 23:30:00",  # would end after the latest date
            "2026-13-01 00:00:00",
        ):
            with self.subTest(start=value), self.assertRaises(UserError):
                meeting.action_outcome_rescheduled(value)
        self.assertEqual(meeting.coordination_outcome, "planned")
        meeting.write(
            {"start": datetime(9998, 12, 30), "stop": datetime(9998, 12, 30, 1)}
        )
        with self.assertRaises(UserError):
            meeting.action_outcome_rescheduled()
        meeting.write({"start": start, "stop": start + timedelta(hours=1)})
        action = meeting.action_outcome_rescheduled("2026-03-11 14:00:00")
        self.assertEqual(
            self.env["calendar.event"].browse(action["res_id"]).start,
            datetime(2026, 3, 11, 14, 0),
        )

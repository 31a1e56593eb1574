# The KPI model split by capability (see sales_coordination_kpi.py).
# pylint: disable=consider-merging-classes-inherited
import bisect
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import date_utils

from .sales_coordination_kpi_definitions import KPI_BY_KEY, KPI_KEYS

# The steps of a series, and of the dashboard's periods.
GRANULARITY_STEPS = {
    "day": relativedelta(days=1),
    "week": relativedelta(weeks=1),
    "month": relativedelta(months=1),
    "quarter": relativedelta(months=3),
}
PERIOD_STEPS = {
    "month": relativedelta(months=1),
    "quarter": relativedelta(months=3),
    "year": relativedelta(years=1),
}
SERIES_MAX_BUCKETS = 400
# The sparkline of a dashboard card: this many periods, the current one last.
DASHBOARD_SERIES_LENGTH = 12


class SalesCoordinationKpi(models.AbstractModel):
    """The arguments of the KPI API (dates, periods, ids, keys) and the
    periods and buckets the families aggregate over."""

    _inherit = "sales.coordination.kpi"

    # === ARGUMENTS ===

    @api.model
    def _kpi_parse_date(self, value, argument):
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, str) and len(value) == 10:
            try:
                value = datetime.strptime(value, "%Y-%m-%d").date()
            except ValueError:
                pass
        if isinstance(value, date):
            # Within the years the period arithmetic below can handle.
            return self.env["sales.coordination.rpc.check"]._sc_check_date(
                value, argument
            )
        raise UserError(
            self.env._(
                "%(argument)s must be a date written 'YYYY-MM-DD', got %(value)r.",
                argument=argument,
                value=value,
            )
        )

    @api.model
    def _kpi_parse_period(self, date_from, date_to):
        """Return the period as naive UTC datetimes [start, end)."""
        first = self._kpi_parse_date(date_from, "date_from")
        last = self._kpi_parse_date(date_to, "date_to")
        if first <= last:
            # Not too long: the previous period is computed too.
            self.env["sales.coordination.rpc.check"]._sc_check_period(
                first, last, self.env._("The KPI period")
            )
        if first > last:
            raise UserError(
                self.env._(
                    "date_from (%(date_from)s) must not be after date_to "
                    "(%(date_to)s).",
                    date_from=first,
                    date_to=last,
                )
            )
        return (
            datetime.combine(first, time.min),
            datetime.combine(last + timedelta(days=1), time.min),
        )

    @api.model
    def _kpi_parse_filters(self, team_ids, user_ids):
        """``(team_ids, user_ids)`` as lists of ids of records that exist
        (each None when not given), checked by the addon's one validator of
        RPC ids. Existence only: the figures themselves stay under record
        rules, so a team of another company is a valid filter that counts
        nothing."""
        check = self.env["sales.coordination.rpc.check"]
        return tuple(
            None
            if ids is None or ids is False
            else list(dict.fromkeys(check._sc_browse_ids(model, ids, argument).ids))
            for model, ids, argument in (
                ("crm.team", team_ids, "team_ids"),
                ("res.users", user_ids, "user_ids"),
            )
        )

    @api.model
    def _kpi_check_keys(self, keys):
        if keys is None or keys is False:
            return list(KPI_KEYS)
        if not isinstance(keys, list | tuple) or not all(
            isinstance(key, str) for key in keys
        ):
            raise UserError(
                self.env._(
                    "keys must be a list of KPI keys, got %(value)r.", value=keys
                )
            )
        unknown = [key for key in keys if key not in KPI_BY_KEY]
        if unknown:
            raise UserError(
                self.env._(
                    "Unknown KPI keys: %(keys)s. Known keys: %(known)s.",
                    keys=", ".join(repr(key)[:40] for key in unknown[:5]),
                    known=", ".join(KPI_KEYS),
                )
            )
        return list(dict.fromkeys(keys))

    @api.model
    def _kpi_check_granularity(self, granularity):
        if not isinstance(granularity, str) or granularity not in GRANULARITY_STEPS:
            raise UserError(
                self.env._(
                    "granularity must be one of %(allowed)s, got %(value)r.",
                    allowed=", ".join(GRANULARITY_STEPS),
                    value=granularity,
                )
            )

    @api.model
    def _kpi_check_dashboard_period(self, period):
        if period not in (*PERIOD_STEPS, "custom"):
            raise UserError(
                self.env._(
                    "period must be one of %(allowed)s, got %(value)r.",
                    allowed=", ".join([*PERIOD_STEPS, "custom"]),
                    value=period,
                )
            )

    # === PERIODS AND BUCKETS ===

    @api.model
    def _kpi_buckets(self, first, last, granularity):
        """The buckets ``[(first_day, last_day), ...]`` (dates, inclusive)
        from ``first`` to ``last``; the first and last ones are cut."""
        step = GRANULARITY_STEPS.get(granularity) or PERIOD_STEPS[granularity]
        buckets = []
        day = first
        while day <= last:
            if len(buckets) >= SERIES_MAX_BUCKETS:
                raise UserError(
                    self.env._(
                        "A series may hold at most %(max)s buckets: choose a "
                        "shorter period or a coarser granularity.",
                        max=SERIES_MAX_BUCKETS,
                    )
                )
            following = date_utils.start_of(day, granularity) + step
            buckets.append((day, min(following - timedelta(days=1), last)))
            day = following
        return buckets

    @api.model
    def _kpi_period_buckets(self, start, end, granularity):
        """The buckets of a period given as datetimes ``[start, end)``."""
        return self._kpi_buckets(
            start.date(), (end - timedelta(days=1)).date(), granularity
        )

    @api.model
    def _kpi_datetimes(self, buckets):
        """Buckets of dates (inclusive) as naive UTC datetimes [start, end)."""
        return [
            (
                datetime.combine(first, time.min),
                datetime.combine(last + timedelta(days=1), time.min),
            )
            for first, last in buckets
        ]

    @api.model
    def _kpi_dates_dict(self, first, last, partial=False):
        """A period for the API; with ``partial``, whether it is still
        running (see :meth:`_kpi_is_partial`)."""
        result = {
            "date_from": fields.Date.to_string(first),
            "date_to": fields.Date.to_string(last),
        }
        if partial:
            result["partial"] = self._kpi_is_partial(first, last)
        return result

    @api.model
    def _kpi_period_kind(self, first, last):
        """The calendar kind (``'month'``, ``'quarter'`` or ``'year'``) of the
        period ``first``..``last`` (dates, inclusive), or None: the shortest
        of them that starts on ``first`` and holds ``last`` (1-5 December is
        the first five days of a month, 1 January-1 March of a quarter).
        Dates only, so that the same days always compare the same way."""
        for kind in PERIOD_STEPS:
            if date_utils.start_of(first, kind) == first and last <= (
                date_utils.end_of(first, kind)
            ):
                return kind
        return None

    @api.model
    def _kpi_previous_period(self, first, last):
        """``(previous_first, previous_last)``: the period that ``first``..
        ``last`` (dates, inclusive) compares with, the one rule of every
        comparison (dashboard cards, sales growth):

        - a period of a calendar kind (see :meth:`_kpi_period_kind`) compares
          with as many days from the start of the previous unit of that kind,
          cut at its end: 1-5 December with 1-5 November, 1-31 March with
          1-28 February;
        - any other period with as many days just before it.
        """
        kind = self._kpi_period_kind(first, last)
        if kind:
            previous_first = first - PERIOD_STEPS[kind]
            previous_last = min(
                previous_first + (last - first), first - timedelta(days=1)
            )
        else:
            previous_last = first - timedelta(days=1)
            previous_first = previous_last - (last - first)
        return previous_first, previous_last

    @api.model
    def _kpi_dashboard_periods(self, period, date_from, date_to):
        """``((first, last), (previous_first, previous_last))``, as dates.

        A calendar period runs from its first day to today, a custom one
        from ``date_from`` to ``date_to``; both compare by
        :meth:`_kpi_previous_period`.
        """
        check = self.env["sales.coordination.rpc.check"]
        if period in PERIOD_STEPS:
            last = fields.Date.context_today(self)
            first = date_utils.start_of(last, period)
        else:
            if not date_from or not date_to:
                raise UserError(
                    self.env._("A custom period needs date_from and date_to.")
                )
            start, end = self._kpi_parse_period(date_from, date_to)
            first, last = start.date(), (end - timedelta(days=1)).date()
        previous_first, previous_last = self._kpi_previous_period(first, last)
        check._sc_check_date(previous_first, "date_from")
        return (first, last), (previous_first, previous_last)

    @api.model
    def _kpi_is_partial(self, first, last):
        """Whether the period ``first``..``last`` (dates) is still running:
        it holds the user's today."""
        return first <= fields.Date.context_today(self) <= last

    @api.model
    def _kpi_dashboard_series_buckets(self, period, last):
        """The buckets of the cards' sparklines: DASHBOARD_SERIES_LENGTH
        periods of the dashboard's kind (months for a custom one), the one
        ending on ``last`` last."""
        granularity = period if period in PERIOD_STEPS else "month"
        return self._kpi_buckets(
            date_utils.start_of(last, granularity)
            - PERIOD_STEPS.get(granularity, GRANULARITY_STEPS["month"])
            * (DASHBOARD_SERIES_LENGTH - 1),
            last,
            granularity,
        )

    @api.model
    def _kpi_day_index(self, buckets):
        """A function mapping a day (datetime at midnight) to the index of
        its bucket, or None outside the buckets."""
        starts = [start for start, __ in buckets]

        def index(day):
            if day is None or day < starts[0]:
                return None
            position = bisect.bisect_right(starts, day) - 1
            # buckets need not be contiguous (a period and its previous one)
            return position if day < buckets[position][1] else None

        return index

    @api.model
    def _kpi_sum_by_bucket(self, buckets, rows, width):
        """Sum per bucket the ``width`` values of rows ``(day, v1, v2, ...)``
        (the values are int or Decimal: the sums are exact whatever the
        order of the rows)."""
        index = self._kpi_day_index(buckets)
        sums = [[0] * width for __ in buckets]
        for day, *values in rows:
            i = index(day)
            if i is None:
                continue
            for position, value in enumerate(values):
                # exact sums come as text (Odoo reads numeric as float)
                sums[i][position] += (
                    Decimal(value) if isinstance(value, str) else value or 0
                )
        return sums

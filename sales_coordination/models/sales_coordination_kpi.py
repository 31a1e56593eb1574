from decimal import Decimal

from odoo import api, models
from odoo.tools import SQL

from .sales_coordination_kpi_definitions import (
    KPI_DEFINITIONS,
    KPI_FAMILIES,
    KPI_KEYS,
    UNIT_SYMBOLS,
)

# Within this share of the target, a KPI that misses it is amber, not red.
AMBER_MARGIN = 0.1
# A rate over fewer records than this says "not enough data" on the dashboard.
MIN_RATE_BASE = 5
# Suffix of the keys by which a family gives the base of a rate.
_BASE_SUFFIX = ":base"


def base_key(key):
    """The key under which a family returns the base of the rate ``key``
    (the number of records it divides by)."""
    return key + _BASE_SUFFIX


def rate(numerator, denominator):
    """Percentage rounded to 0.1, or None when there is nothing to divide by."""
    if not denominator:
        return None
    return round(100.0 * (numerator or 0) / denominator, 1)


def average_hours(total, count, scale=1):
    """Average of ``count`` values summing to ``total`` (exact), divided by
    ``scale``, rounded to 0.1; None without values."""
    if not count:
        return None
    return round(float(Decimal(total) / count / scale), 1)


def _false(value):
    """None as False, Odoo's empty value that every RPC transport can send."""
    return False if value is None else value


class SalesCoordinationKpi(models.AbstractModel):
    """The KPI API. The model is split by capability: this file (the public
    methods, the engine that runs the families, the status of a card),
    ``_periods`` (arguments, periods and buckets), ``_drilldown`` (the
    records behind a card) and one file per family of KPIs (``_sales``,
    ``_operations``); ``KPI_DEFINITIONS`` ties them together."""

    _name = "sales.coordination.kpi"
    _description = "Sales Coordination KPIs"

    # === PUBLIC API ===

    @api.model
    @api.readonly
    def get_kpis(self, date_from=None, date_to=None, team_ids=None, user_ids=None):
        """Return the coordination KPIs of a period as a JSON-friendly dict.

        :param date_from: first day of the period, ``'YYYY-MM-DD'`` (inclusive)
        :param date_to: last day of the period, ``'YYYY-MM-DD'`` (inclusive)
        :param team_ids: optional list of crm.team ids: only records of these
            teams (order, lead or request team) count
        :param user_ids: optional list of res.users ids: only records these
            users own count (order coordinator or administrator, request or
            activity assignee, meeting organizer)
        :return: a dict with exactly the keys of ``KPI_KEYS``; rates are
            percentages and durations are hours, both rounded to 0.1, and
            ``False`` (Odoo's empty value, which every RPC transport can
            send, unlike ``None``) when they cannot be computed: a zero
            denominator, or a model the user may not read.

        Every figure is a PostgreSQL aggregate over the records the current
        user may read (access rights, record rules and allowed companies).
        It writes nothing: callable on a read-only cursor (a replica).
        """
        start, end = self._kpi_parse_period(date_from, date_to)
        team_ids, user_ids = self._kpi_parse_filters(team_ids, user_ids)
        (result,) = self._kpi_compute([(start, end)], team_ids, user_ids)
        return {key: _false(value) for key, value in result.items()}

    @api.model
    @api.readonly
    def get_kpi_series(
        self,
        date_from,
        date_to,
        granularity="month",
        team_ids=None,
        user_ids=None,
        keys=None,
    ):
        """Return the KPIs of each day, week, month or quarter of a period.

        :param date_from: first day, ``'YYYY-MM-DD'`` (inclusive)
        :param date_to: last day, ``'YYYY-MM-DD'`` (inclusive)
        :param granularity: ``'day'``, ``'week'`` (ISO weeks, from Monday),
            ``'month'`` or ``'quarter'``; the first and last buckets are cut
            at ``date_from`` and ``date_to``
        :param team_ids: as :meth:`get_kpis`
        :param user_ids: as :meth:`get_kpis`
        :param keys: optional list of KPI keys (default: all of them)
        :return: ``{"buckets": [{"date_from", "date_to", "partial"}, ...],
            "values": {key: [value per bucket, ...]},
            "bases": {key: [records per bucket, ...]}}``: each bucket's
            values are exactly what :meth:`get_kpis` returns for its dates;
            ``partial`` is true for the bucket holding today (still
            running); ``bases`` gives, for the rates among ``keys``, the
            number of records each rate divides by (the dashboard shows a
            rate over fewer than MIN_RATE_BASE as "not enough data"). Sales
            growth compares each bucket with its previous period by the one
            rule of :meth:`get_dashboard` (from its dates alone).
        :raise UserError: bad dates, granularity, ids or keys, or more than
            SERIES_MAX_BUCKETS buckets

        One aggregate per KPI family for all the buckets.
        """
        start, end = self._kpi_parse_period(date_from, date_to)
        self._kpi_check_granularity(granularity)
        keys = self._kpi_check_keys(keys)
        team_ids, user_ids = self._kpi_parse_filters(team_ids, user_ids)
        buckets = self._kpi_period_buckets(start, end, granularity)
        results, bases = self._kpi_compute_with_bases(
            self._kpi_datetimes(buckets), team_ids, user_ids
        )
        return {
            "buckets": [
                self._kpi_dates_dict(*bucket, partial=True) for bucket in buckets
            ],
            "values": {
                key: [_false(result[key]) for result in results] for key in keys
            },
            "bases": {
                key: [base[key] for base in bases] for key in keys if key in bases[0]
            },
        }

    @api.model
    @api.readonly
    def get_dashboard(
        self,
        period="month",
        date_from=None,
        date_to=None,
        team_ids=None,
        user_ids=None,
        mine=False,
    ):
        """Return the KPI dashboard: one card per KPI.

        :param period: ``'month'``, ``'quarter'`` or ``'year'`` (from its
            first day to today) or ``'custom'`` (``date_from`` to
            ``date_to``, both required). Every period compares like with
            like, by its dates alone (the same days compare the same way
            whatever the period chosen): a period that starts on the first
            day of a month, quarter or year and ends within it (the
            shortest that fits) with as many days from the start of the
            previous month, quarter or year, cut at its end (1-5 December
            with 1-5 November, 1-31 March with 1-28 February, 1 October-20
            November with 1 July-20 August); any other period with as many
            days just before it
        :param team_ids: as :meth:`get_kpis`
        :param user_ids: as :meth:`get_kpis`
        :param mine: only the current user's records (``user_ids`` is then
            the current user, ``team_ids`` ignored)
        :return: ``{"period": {"date_from", "date_to"}, "previous":
            {"date_from", "date_to"}, "cards": [{"key", "label", "unit",
            "value", "previous", "target", "status", "series", "action",
            "numerator_domain", "base", "not_enough_data",
            "previous_not_enough_data", "series_not_enough_data"}, ...]}``;
            ``period`` also says whether it is still running (``partial``);
            ``series`` holds the values of the last DASHBOARD_SERIES_LENGTH
            periods (the current one last, from ``series_buckets``, each
            with its ``partial`` flag), ``action`` is a window action on the
            records the figure counts (a rate: its denominator) and
            ``numerator_domain`` the filter of the rate's numerator (or
            False). A rate over fewer than MIN_RATE_BASE records (``base``;
            False for the other KPIs) is not shown: its ``value`` (or
            ``previous``, or point of ``series``) is False and the matching
            ``*not_enough_data`` flag true.
        """
        self._kpi_check_dashboard_period(period)
        if mine:
            team_ids, user_ids = None, [self.env.uid]
        team_ids, user_ids = self._kpi_parse_filters(team_ids, user_ids)
        (first, last), (previous_first, previous_last) = self._kpi_dashboard_periods(
            period, date_from, date_to
        )
        series_buckets = self._kpi_dashboard_series_buckets(period, last)
        compared = [(previous_first, previous_last), (first, last)]
        (previous, current), (previous_bases, bases) = self._kpi_compute_with_bases(
            self._kpi_datetimes(compared), team_ids, user_ids
        )
        series, series_bases = self._kpi_compute_with_bases(
            self._kpi_datetimes(series_buckets), team_ids, user_ids
        )
        targets = self.env["sales.coordination.kpi.target"]._get_targets(
            team_ids=team_ids, user_ids=user_ids
        )
        labels = self._kpi_labels()
        start, end = self._kpi_datetimes([(first, last)])[0]
        cards = []
        for definition in KPI_DEFINITIONS:
            key = definition.key
            target = targets.get(key)
            action, numerator = self._kpi_drilldown(key, start, end, team_ids, user_ids)
            value = self._kpi_shown(key, current, bases)
            series_values = [
                self._kpi_shown(key, values, base)
                for values, base in zip(series, series_bases, strict=True)
            ]
            cards.append(
                {
                    "key": key,
                    "label": labels.get(key, definition.label),
                    "unit": UNIT_SYMBOLS[definition.unit],
                    "higher_is_better": definition.higher_is_better,
                    "value": _false(value),
                    "previous": _false(self._kpi_shown(key, previous, previous_bases)),
                    "target": target.target if target else False,
                    "status": _false(self._kpi_status(value, target)),
                    "series": [_false(point) for point in series_values],
                    "action": action,
                    "numerator_domain": numerator,
                    "base": bases.get(key, False),
                    "not_enough_data": self._kpi_not_enough(key, bases),
                    "previous_not_enough_data": self._kpi_not_enough(
                        key, previous_bases
                    ),
                    "series_not_enough_data": [
                        self._kpi_not_enough(key, base) for base in series_bases
                    ],
                }
            )
        return {
            "period": self._kpi_dates_dict(first, last, partial=True),
            "previous": self._kpi_dates_dict(previous_first, previous_last),
            "series_buckets": [
                self._kpi_dates_dict(*bucket, partial=True) for bucket in series_buckets
            ],
            "cards": cards,
        }

    # === STATUS ===

    @api.model
    def _kpi_not_enough(self, key, bases):
        """Whether the rate ``key`` divides by too few records to be shown
        (``bases``: one bucket's bases; KPIs without a base always show)."""
        base = bases.get(key)
        return base is not None and base < MIN_RATE_BASE

    @api.model
    def _kpi_shown(self, key, values, bases):
        """The value of ``key`` as the dashboard shows it: None for a rate
        over too few records."""
        return None if self._kpi_not_enough(key, bases) else values[key]

    @api.model
    def _kpi_status(self, value, target):
        """Red/amber/green of ``value`` against a target record (or None)."""
        if value is None or value is False or not target:
            return None
        goal = target.target
        margin = abs(goal) * AMBER_MARGIN
        if target.higher_is_better:
            if value >= goal:
                return "green"
            return "amber" if value >= goal - margin else "red"
        if value <= goal:
            return "green"
        return "amber" if value <= goal + margin else "red"

    @api.model
    def _kpi_labels(self):
        """``{key: label}`` in the user's language (the targets' selection)."""
        return dict(
            self.env["sales.coordination.kpi.target"]
            ._fields["kpi"]
            ._description_selection(self.env)
        )

    # === THE FAMILIES, FOR ALL THE BUCKETS ===

    @api.model
    def _kpi_compute(self, buckets, team_ids, user_ids):
        """The KPIs of each bucket: a list of dicts with the keys of
        ``KPI_KEYS`` (None when a KPI cannot be computed).

        :param buckets: contiguous periods ``[(start, end), ...]`` as naive UTC
            datetimes at midnight, ``end`` excluded, in increasing order
        """
        return self._kpi_compute_with_bases(buckets, team_ids, user_ids)[0]

    @api.model
    def _kpi_compute_with_bases(self, buckets, team_ids, user_ids):
        """``(results, bases)``: the results of :meth:`_kpi_compute` and, per
        bucket, ``{key: number of records}`` of the rates whose family gives
        their base (under :func:`base_key`)."""
        # These are short aggregates: PostgreSQL's JIT compilation would cost
        # more than it saves (seconds at a million orders). Off for them only;
        # SET LOCAL is allowed in a read-only transaction and on a replica.
        # Pending ORM changes must be in the tables the aggregates read (in a
        # read-only request there are none, and this writes nothing).
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("SELECT current_setting('jit')")
        jit = cr.fetchone()[0]
        cr.execute("SET LOCAL jit = off")
        results = [dict.fromkeys(KPI_KEYS) for __ in buckets]
        bases = [{} for __ in buckets]
        for family in KPI_FAMILIES:
            for result, base, values in zip(
                results,
                bases,
                getattr(self, family)(buckets, team_ids, user_ids),
                strict=True,
            ):
                for key, value in values.items():
                    if key.endswith(_BASE_SUFFIX):
                        base[key.removesuffix(_BASE_SUFFIX)] = value or 0
                    else:
                        result[key] = value
        # On error the transaction ends, and SET LOCAL with it.
        cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))
        return results, bases

    # === SQL HELPERS OF THE FAMILIES ===

    @api.model
    def _kpi_readable(self, model):
        """Whether the current user may read ``model`` (else its KPIs are None)."""
        return model in self.env and self.env[model].has_access("read")

    @api.model
    def _kpi_query(self, model, domain):
        """A Query on ``model`` restricted by ``domain`` and by the user's
        record rules and companies; embedded in SQL, never loaded."""
        return self.env[model]._search(domain)

    @api.model
    def _kpi_fetch_rows(self, query, groupby, *columns):
        """Run ``SELECT columns FROM query GROUP BY groupby`` (no grouping
        when ``groupby`` is None): all rows."""
        if query.is_empty():
            return []
        query.groupby = groupby
        self.env.cr.execute(query.select(*columns))
        return self.env.cr.fetchall()

    @api.model
    def _kpi_fetch_periods(self, query, column, periods, *aggregates):
        """Rows ``(start, aggregates...)`` of ``query``, whose domain keeps
        ``column`` within the periods, one per stretch of time between two
        consecutive bounds of ``periods`` (``start``: its first instant), so
        that :meth:`_kpi_sum_by_bucket` adds them up per period, exactly,
        even where periods overlap or leave gaps.

        One period is one plain aggregate (no grouping: the cheapest plan, an
        index-only scan feeding the sums); more group by the stretch
        ``column`` falls in (``width_bucket`` over the sorted bounds): a few
        groups, never one per day.
        """
        bounds = sorted({bound for period in periods for bound in period})
        if len(bounds) == 2:
            return self._kpi_fetch_rows(
                query, None, SQL("%s::timestamp", bounds[0]), *aggregates
            )
        stretch = SQL(
            "(%(bounds)s::timestamp[])"
            "[width_bucket(%(column)s, %(bounds)s::timestamp[])]",
            bounds=bounds,
            column=column,
        )
        return self._kpi_fetch_rows(query, stretch, stretch, *aggregates)

    @api.model
    def _kpi_fetch_days(self, query, day, *aggregates):
        """Rows ``(day, aggregates...)`` grouped by the day expression."""
        return self._kpi_fetch_rows(query, day, day, *aggregates)

    @staticmethod
    def _kpi_day(column):
        return SQL("date_trunc('day', %s)", column)

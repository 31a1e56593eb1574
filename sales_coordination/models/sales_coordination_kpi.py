import bisect
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, date_utils
from odoo.tools.sql import create_index

from .sales_coordination_kpi_definitions import (
    KPI_BY_KEY,
    KPI_DEFINITIONS,
    KPI_FAMILIES,
    KPI_KEYS,
    UNIT_SYMBOLS,
)

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
# Within this share of the target, a KPI that misses it is amber, not red.
AMBER_MARGIN = 0.1
# A record of a sales team out of coordination still counts when one of these
# is set: someone in coordination owns it.
ORDER_OWNERS = ("coordinator_id", "administrator_id")
REQUEST_OWNERS = ("assigned_to_id",)


def _rate(numerator, denominator):
    """Percentage rounded to 0.1, or None when there is nothing to divide by."""
    if not denominator:
        return None
    return round(100.0 * (numerator or 0) / denominator, 1)


def _average_hours(total, count, scale=1):
    """Average of ``count`` values summing to ``total`` (exact), divided by
    ``scale``, rounded to 0.1; None without values."""
    if not count:
        return None
    return round(float(Decimal(total) / count / scale), 1)


def _false(value):
    """None as False, Odoo's empty value that every RPC transport can send."""
    return False if value is None else value


class SalesCoordinationKpi(models.AbstractModel):
    _name = "sales.coordination.kpi"
    _description = "Sales Coordination KPIs"

    # === INIT: indexes the KPI queries rely on ===

    def init(self):
        cr = self.env.cr
        create_index(
            cr,
            "sale_order_sc_kpi_create_date_index",
            "sale_order",
            ["create_date"],
        )
        create_index(
            cr,
            "sale_order_sc_kpi_confirmed_index",
            "sale_order",
            ["date_order"],
            where="state = 'sale'",
        )
        # new_clients: index-only probes "did this partner order before?"
        cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_sc_kpi_partner_confirmed_index "
            "ON sale_order (partner_id, date_order) INCLUDE (company_id) "
            "WHERE state = 'sale'"
        )
        create_index(
            cr,
            "stock_picking_sc_kpi_date_done_index",
            "stock_picking",
            ["date_done"],
            where="state = 'done'",
        )
        create_index(
            cr,
            "calendar_event_sc_kpi_start_index",
            "calendar_event",
            ["start"],
        )

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
        team_ids = self._kpi_check_ids("crm.team", team_ids, "team_ids")
        user_ids = self._kpi_check_ids("res.users", user_ids, "user_ids")
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
        :return: ``{"buckets": [{"date_from", "date_to"}, ...],
            "values": {key: [value per bucket, ...]}}``: each bucket's values
            are exactly what :meth:`get_kpis` returns for its dates.
        :raise UserError: bad dates, granularity, ids or keys, or more than
            SERIES_MAX_BUCKETS buckets

        One aggregate per KPI family for all the buckets.
        """
        start, end = self._kpi_parse_period(date_from, date_to)
        if not isinstance(granularity, str) or granularity not in GRANULARITY_STEPS:
            raise UserError(
                self.env._(
                    "granularity must be one of %(allowed)s, got %(value)r.",
                    allowed=", ".join(GRANULARITY_STEPS),
                    value=granularity,
                )
            )
        keys = self._kpi_check_keys(keys)
        team_ids = self._kpi_check_ids("crm.team", team_ids, "team_ids")
        user_ids = self._kpi_check_ids("res.users", user_ids, "user_ids")
        buckets = self._kpi_buckets(
            start.date(), (end - timedelta(days=1)).date(), granularity
        )
        results = self._kpi_compute(self._kpi_datetimes(buckets), team_ids, user_ids)
        return {
            "buckets": [
                {
                    "date_from": fields.Date.to_string(first),
                    "date_to": fields.Date.to_string(last),
                }
                for first, last in buckets
            ],
            "values": {
                key: [_false(result[key]) for result in results] for key in keys
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
            first day to today, compared with as many days at the start of
            the previous one) or ``'custom'`` (``date_from`` to ``date_to``,
            both required, compared with the preceding period of equal
            length)
        :param team_ids: as :meth:`get_kpis`
        :param user_ids: as :meth:`get_kpis`
        :param mine: only the current user's records (``user_ids`` is then
            the current user, ``team_ids`` ignored)
        :return: ``{"period": {"date_from", "date_to"}, "previous":
            {"date_from", "date_to"}, "cards": [{"key", "label", "unit",
            "value", "previous", "target", "status", "series", "action",
            "numerator_domain"}, ...]}``; ``series`` holds the values of the
            last DASHBOARD_SERIES_LENGTH periods (the current one last, from
            ``series_buckets``), ``action`` is a window action on the
            records the figure counts (a rate: its denominator) and
            ``numerator_domain`` the filter of the rate's numerator (or
            False).
        """
        if period not in (*PERIOD_STEPS, "custom"):
            raise UserError(
                self.env._(
                    "period must be one of %(allowed)s, got %(value)r.",
                    allowed=", ".join([*PERIOD_STEPS, "custom"]),
                    value=period,
                )
            )
        if mine:
            team_ids, user_ids = None, [self.env.uid]
        team_ids = self._kpi_check_ids("crm.team", team_ids, "team_ids")
        user_ids = self._kpi_check_ids("res.users", user_ids, "user_ids")
        (first, last), (previous_first, previous_last) = self._kpi_dashboard_periods(
            period, date_from, date_to
        )
        granularity = period if period in PERIOD_STEPS else "month"
        series_buckets = self._kpi_buckets(
            date_utils.start_of(last, granularity)
            - PERIOD_STEPS.get(granularity, GRANULARITY_STEPS["month"])
            * (DASHBOARD_SERIES_LENGTH - 1),
            last,
            granularity,
        )
        compared = [(previous_first, previous_last), (first, last)]
        previous, current = self._kpi_compute(
            self._kpi_datetimes(compared), team_ids, user_ids
        )
        series = self._kpi_compute(
            self._kpi_datetimes(series_buckets), team_ids, user_ids
        )
        targets = self.env["sales.coordination.kpi.target"]._get_targets(
            team_ids=team_ids, user_ids=user_ids
        )
        labels = dict(
            self.env["sales.coordination.kpi.target"]
            ._fields["kpi"]
            ._description_selection(self.env)
        )
        start, end = self._kpi_datetimes([(first, last)])[0]
        cards = []
        for definition in KPI_DEFINITIONS:
            key = definition.key
            target = targets.get(key)
            action, numerator = self._kpi_drilldown(key, start, end, team_ids, user_ids)
            cards.append(
                {
                    "key": key,
                    "label": labels.get(key, definition.label),
                    "unit": UNIT_SYMBOLS[definition.unit],
                    "higher_is_better": definition.higher_is_better,
                    "value": _false(current[key]),
                    "previous": _false(previous[key]),
                    "target": target.target if target else False,
                    "status": _false(self._kpi_status(current[key], target)),
                    "series": [_false(values[key]) for values in series],
                    "action": action,
                    "numerator_domain": numerator,
                }
            )
        return {
            "period": self._kpi_dates_dict(first, last),
            "previous": self._kpi_dates_dict(previous_first, previous_last),
            "series_buckets": [
                self._kpi_dates_dict(*bucket) for bucket in series_buckets
            ],
            "cards": cards,
        }

    # === VALIDATION ===

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
    def _kpi_check_ids(self, model, ids, argument):
        """Return ``ids`` as a list of existing ids, or None when not given."""
        if ids is None or ids is False:
            return None
        if not isinstance(ids, list | tuple):
            raise UserError(
                self.env._(
                    "%(argument)s must be a list of ids, got %(value)r.",
                    argument=argument,
                    value=ids,
                )
            )
        if not all(isinstance(id_, int) and not isinstance(id_, bool) for id_ in ids):
            raise UserError(
                self.env._(
                    "%(argument)s must contain integer ids only, got %(value)r.",
                    argument=argument,
                    value=ids,
                )
            )
        ids = list(dict.fromkeys(ids))
        missing = set(ids) - set(self._kpi_existing_ids(model, ids))
        if missing:
            raise UserError(
                self.env._(
                    "%(argument)s holds ids that do not exist: %(ids)s.",
                    argument=argument,
                    ids=", ".join(str(id_) for id_ in sorted(missing)),
                )
            )
        return ids

    @api.model
    def _kpi_existing_ids(self, model, ids):
        # Existence only: the figures themselves stay under record rules.
        return self.env[model].sudo().browse(ids).exists().ids

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
    def _kpi_dates_dict(self, first, last):
        return {
            "date_from": fields.Date.to_string(first),
            "date_to": fields.Date.to_string(last),
        }

    @api.model
    def _kpi_dashboard_periods(self, period, date_from, date_to):
        """``((first, last), (previous_first, previous_last))``, as dates.

        A calendar period runs from its first day to today and compares with
        as many days from the start of the previous period (cut at its end:
        31 March compares with the whole of February). A custom period
        compares with the preceding period of the same length.
        """
        check = self.env["sales.coordination.rpc.check"]
        if period in PERIOD_STEPS:
            last = fields.Date.context_today(self)
            first = date_utils.start_of(last, period)
            previous_first = first - PERIOD_STEPS[period]
            previous_last = min(
                previous_first + (last - first), first - timedelta(days=1)
            )
        else:
            if not date_from or not date_to:
                raise UserError(
                    self.env._("A custom period needs date_from and date_to.")
                )
            start, end = self._kpi_parse_period(date_from, date_to)
            first, last = start.date(), (end - timedelta(days=1)).date()
            previous_last = first - timedelta(days=1)
            previous_first = previous_last - (last - first)
        check._sc_check_date(previous_first, "date_from")
        return (first, last), (previous_first, previous_last)

    # === STATUS AND DRILL-DOWN ===

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
    def _kpi_drilldown_domains(self, key, start, end, team_ids, user_ids):
        """``(model, domain, numerator_domain)`` of the records behind a KPI
        of the period ``[start, end)``: its denominator's records for a rate
        (the numerator's with ``numerator_domain`` added), the records whose
        figure it averages for a duration, the records it counts else."""
        created, confirmed = self._kpi_orders_domains(start, end, team_ids, user_ids)
        if key == "quotations":
            return "sale.order", created, None
        if key in ("orders_confirmed", "sales_growth_rate"):
            return "sale.order", confirmed, None
        if key == "quote_to_order_rate":
            return "sale.order", created, [("state", "=", "sale")]
        if key == "order_accuracy_rate":
            return (
                "sale.order",
                confirmed + [("accuracy_first_checked_date", "!=", False)],
                [("first_time_right", "=", True)],
            )
        if key == "data_entry_accuracy_rate":
            domain = self._kpi_accuracy_domain(start, end, team_ids, user_ids)
            return "sale.order", domain, [("data_entry_right", "=", True)]
        if key == "invoice_processing_hours":
            domain = self._kpi_invoicing_domain(start, end, team_ids, user_ids)
            return "sale.order", domain, None
        if key == "new_clients":
            rows = self._kpi_new_client_rows([(start, end)], team_ids, user_ids)
            return "res.partner", [("id", "in", [row[1] for row in rows])], None
        if key == "fulfillment_rate":
            domain = self._kpi_fulfillment_domain(start, end, team_ids, user_ids)
            return "stock.picking", domain, None
        if key in ("support_turnaround_hours", "internal_response_hours"):
            done, answered = self._kpi_support_domains(start, end, team_ids, user_ids)
            domain = done if key == "support_turnaround_hours" else answered
            return "sales.support.request", domain, None
        if key == "meeting_efficiency_rate":
            domain = self._kpi_meetings_domain(start, end, team_ids, user_ids)
            return "calendar.event", domain, [("coordination_outcome", "=", "held")]
        if key == "followups_overdue":
            date_to = (end - timedelta(days=1)).date()
            domain = self._kpi_followups_domain(date_to, None, user_ids)
            if team_ids is not None:
                activities = self.env["mail.activity"].search(
                    [("id", "in", self._kpi_activities_of_teams(team_ids))]
                )
                domain.append(("id", "in", activities.ids))
            return "mail.activity", domain, None
        return None, None, None

    @api.model
    def _kpi_drilldown(self, key, start, end, team_ids, user_ids):
        """``(action, numerator_domain)`` of a KPI card: a window action on
        the records behind the figure (False when the user may not read
        them), with datetimes written as strings for RPC."""
        model, domain, numerator = self._kpi_drilldown_domains(
            key, start, end, team_ids, user_ids
        )
        if not model or not self._kpi_readable(model):
            return False, False

        def plain(domain):
            return [
                (term[0], term[1], fields.Datetime.to_string(term[2]))
                if isinstance(term, tuple | list) and isinstance(term[2], datetime)
                else term
                for term in domain
            ]

        labels = dict(
            self.env["sales.coordination.kpi.target"]
            ._fields["kpi"]
            ._description_selection(self.env)
        )
        action = {
            "type": "ir.actions.act_window",
            "name": labels.get(key, key),
            "res_model": model,
            "views": [[False, "list"], [False, "form"]],
            "domain": plain(domain),
            "context": {"create": False},
            "target": "current",
        }
        return action, plain(numerator) if numerator else False

    # === EXPORT ===

    @api.model
    def _kpi_dashboard_xlsx(self, dashboard):
        """A ``get_dashboard`` result as an XLSX workbook (bytes): a sheet of
        the cards, a sheet of their series."""
        import xlsxwriter

        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        cards = workbook.add_worksheet(self.env._("KPIs"))
        period, previous = dashboard["period"], dashboard["previous"]
        cards.write_row(
            0,
            0,
            [
                self.env._("Period"),
                f"{period['date_from']} – {period['date_to']}",
                self.env._("Compared with"),
                f"{previous['date_from']} – {previous['date_to']}",
            ],
            bold,
        )
        cards.write_row(
            2,
            0,
            [
                self.env._("KPI"),
                self.env._("Unit"),
                self.env._("Value"),
                self.env._("Previous"),
                self.env._("Target"),
                self.env._("Status"),
            ],
            bold,
        )
        statuses = {
            "green": self.env._("On target"),
            "amber": self.env._("Close"),
            "red": self.env._("Off target"),
        }

        def cell(value):
            return "" if value is False or value is None else value

        for row, card in enumerate(dashboard["cards"], start=3):
            cards.write_row(
                row,
                0,
                [
                    card["label"],
                    card["unit"],
                    cell(card["value"]),
                    cell(card["previous"]),
                    cell(card["target"]),
                    statuses.get(card["status"], ""),
                ],
            )
        cards.set_column(0, 0, 32)
        cards.set_column(1, 5, 14)
        series = workbook.add_worksheet(self.env._("Series"))
        series.write(0, 0, self.env._("KPI"), bold)
        for column, bucket in enumerate(dashboard["series_buckets"], start=1):
            series.write(
                0, column, f"{bucket['date_from']} – {bucket['date_to']}", bold
            )
        for row, card in enumerate(dashboard["cards"], start=1):
            series.write(row, 0, card["label"])
            for column, value in enumerate(card["series"], start=1):
                series.write(row, column, cell(value))
        series.set_column(0, 0, 32)
        series.set_column(1, len(dashboard["series_buckets"]), 12)
        workbook.close()
        return output.getvalue()

    # === SQL HELPERS ===

    @api.model
    def _kpi_readable(self, model):
        """Whether the current user may read ``model`` (else its KPIs are None)."""
        return model in self.env and self.env[model].has_access("read")

    @api.model
    def _kpi_has_fields(self, model, *fnames):
        return model in self.env and all(
            fname in self.env[model]._fields for fname in fnames
        )

    @api.model
    def _kpi_query(self, model, domain):
        """A Query on ``model`` restricted by ``domain`` and by the user's
        record rules and companies; embedded in SQL, never loaded."""
        return self.env[model]._search(domain)

    @api.model
    def _kpi_team_scope(self, owners, prefix=""):
        """The domain that keeps out the records of the sales teams out of
        coordination, unless one of the ``owners`` fields (a coordinator, an
        administrator, an assignee) is set: none when every team is
        coordinated."""
        excluded = self.env["crm.team"]._sc_uncoordinated_team_ids()
        if not excluded:
            return []
        return expression.OR(
            [[(f"{prefix}team_id", "not in", excluded)]]
            + [[(f"{prefix}{owner}", "!=", False)] for owner in owners]
        )

    @api.model
    def _kpi_order_filters(self, team_ids, user_ids, prefix=""):
        domain = self._kpi_team_scope(ORDER_OWNERS, prefix)
        if team_ids is not None:
            domain.append((f"{prefix}team_id", "in", team_ids))
        if user_ids is not None:
            domain += [
                "|",
                (f"{prefix}coordinator_id", "in", user_ids),
                (f"{prefix}administrator_id", "in", user_ids),
            ]
        return domain

    # === BUCKETS ===

    @api.model
    def _kpi_compute(self, buckets, team_ids, user_ids):
        """The KPIs of each bucket: a list of dicts with the keys of
        ``KPI_KEYS`` (None when a KPI cannot be computed).

        :param buckets: contiguous periods ``[(start, end), ...]`` as naive UTC
            datetimes at midnight, ``end`` excluded, in increasing order
        """
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
        for family in KPI_FAMILIES:
            for result, values in zip(
                results, getattr(self, family)(buckets, team_ids, user_ids), strict=True
            ):
                result.update(values)
        # On error the transaction ends, and SET LOCAL with it.
        cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))
        return results

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

    @api.model
    def _kpi_fetch_rows(self, query, groupby, *columns):
        """Run ``SELECT columns FROM query GROUP BY groupby``: all rows."""
        if query.is_empty():
            return []
        query.groupby = groupby
        self.env.cr.execute(query.select(*columns))
        return self.env.cr.fetchall()

    @api.model
    def _kpi_fetch_days(self, query, day, *aggregates):
        """Rows ``(day, aggregates...)`` grouped by the day expression."""
        return self._kpi_fetch_rows(query, day, day, *aggregates)

    @staticmethod
    def _kpi_day(column):
        return SQL("date_trunc('day', %s)", column)

    # === KPI FAMILIES (one SQL aggregate each, for all the buckets) ===

    @api.model
    def _kpi_orders_domains(self, start, end, team_ids, user_ids):
        """Domains of sale.order: (created in the period, confirmed in it)."""
        filters = self._kpi_order_filters(team_ids, user_ids)
        created = [("create_date", ">=", start), ("create_date", "<", end)]
        confirmed = [
            ("state", "=", "sale"),
            ("date_order", ">=", start),
            ("date_order", "<", end),
        ]
        return created + filters, confirmed + filters

    @api.model
    def _kpi_orders(self, buckets, team_ids, user_ids):
        """quotations, orders_confirmed, quote_to_order_rate,
        order_accuracy_rate and sales_growth_rate, from sale.order."""
        keys = (
            "quotations",
            "orders_confirmed",
            "quote_to_order_rate",
            "order_accuracy_rate",
            "sales_growth_rate",
        )
        if not self._kpi_readable("sale.order"):
            return [dict.fromkeys(keys) for __ in buckets]
        start, end = buckets[0][0], buckets[-1][1]
        # growth compares each bucket with the period of the same length
        # just before it
        previous_start = min(first - (last - first) for first, last in buckets)
        domain = [
            "|",
            "&",
            ("create_date", ">=", start),
            ("create_date", "<", end),
            "&",
            "&",
            ("state", "=", "sale"),
            ("date_order", ">=", previous_start),
            ("date_order", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids)
        query = self._kpi_query("sale.order", domain)
        created_day = self._kpi_day(SQL("sale_order.create_date"))
        confirmed_day = SQL(
            "CASE WHEN sale_order.state = 'sale' THEN %s END",
            self._kpi_day(SQL("sale_order.date_order")),
        )
        # Exact (numeric) sums: a bucket adds the same days whatever the
        # period asked for.
        amount = SQL(
            "sale_order.amount_untaxed::numeric "
            "/ COALESCE(NULLIF(sale_order.currency_rate, 0), 1)::numeric"
        )
        # Order accuracy counts the confirmed orders that were checked: an
        # order confirmed before the install was never checked, and whether it
        # was right the first time cannot be known.
        with_accuracy = self._kpi_has_fields(
            "sale.order", "first_time_right", "accuracy_first_checked_date"
        )
        if with_accuracy:
            checked = SQL("sale_order.accuracy_first_checked_date IS NOT NULL")
            checked_count = SQL("count(*) FILTER (WHERE %s)", checked)
            right_first = SQL(
                "count(*) FILTER (WHERE %s AND sale_order.first_time_right)", checked
            )
        else:
            checked_count = right_first = SQL("0")
        rows = self._kpi_fetch_rows(
            query,
            SQL("GROUPING SETS ((%s), (%s))", created_day, confirmed_day),
            SQL("GROUPING(%s)", created_day),
            created_day,
            confirmed_day,
            SQL("count(*)"),
            SQL("count(*) FILTER (WHERE sale_order.state = 'sale')"),
            checked_count,
            right_first,
            SQL("COALESCE(sum(%s), 0)::text", amount),
        )
        by_created, by_confirmed = [], []
        for grouping, c_day, o_day, count, won, checked_n, right_n, total in rows:
            if grouping == 0:
                by_created.append((c_day, count, won))
            elif o_day is not None:
                by_confirmed.append((o_day, count, checked_n, right_n, total))
        created = self._kpi_sum_by_bucket(buckets, by_created, 2)
        confirmed = self._kpi_sum_by_bucket(buckets, by_confirmed, 4)
        # the previous periods of growth: sums of days
        amounts = [(day, Decimal(total)) for day, *__, total in by_confirmed]
        results = []
        for (first, last), (quotations, won), (orders, checked_n, right_n, now) in zip(
            buckets, created, confirmed, strict=True
        ):
            before_start = first - (last - first)
            before = sum(
                (total for day, total in amounts if before_start <= day < first),
                Decimal(0),
            )
            growth = None
            if before:
                # + 0.0 turns a rounded -0.0 into 0.0
                growth = round(float(100 * (now - before) / before), 1) + 0.0
            results.append(
                {
                    "quotations": quotations,
                    "orders_confirmed": orders,
                    "quote_to_order_rate": _rate(won, quotations),
                    "order_accuracy_rate": (
                        _rate(right_n, checked_n) if with_accuracy else None
                    ),
                    "sales_growth_rate": growth,
                }
            )
        return results

    @api.model
    def _kpi_accuracy_domain(self, start, end, team_ids, user_ids):
        return [
            ("accuracy_first_checked_date", ">=", start),
            ("accuracy_first_checked_date", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids)

    @api.model
    def _kpi_accuracy(self, buckets, team_ids, user_ids):
        """data_entry_accuracy_rate: orders first checked in the period whose
        first check found no issue of category ``data``."""
        key = "data_entry_accuracy_rate"
        if not (
            self._kpi_has_fields(
                "sale.order", "accuracy_first_checked_date", "data_entry_right"
            )
            and self._kpi_readable("sale.order")
        ):
            return [{key: None} for __ in buckets]
        domain = self._kpi_accuracy_domain(
            buckets[0][0], buckets[-1][1], team_ids, user_ids
        )
        query = self._kpi_query("sale.order", domain)
        rows = self._kpi_fetch_days(
            query,
            self._kpi_day(SQL("sale_order.accuracy_first_checked_date")),
            SQL("count(*)"),
            SQL("count(*) FILTER (WHERE sale_order.data_entry_right)"),
        )
        return [
            {key: _rate(clean, checked)}
            for checked, clean in self._kpi_sum_by_bucket(buckets, rows, 2)
        ]

    @api.model
    def _kpi_invoicing_domain(self, start, end, team_ids, user_ids):
        return [
            ("invoice_posted_date", ">=", start),
            ("invoice_posted_date", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids)

    @api.model
    def _kpi_invoicing(self, buckets, team_ids, user_ids):
        """invoice_processing_hours: confirmation to first posted invoice."""
        key = "invoice_processing_hours"
        if not self._kpi_readable("sale.order"):
            return [{key: None} for __ in buckets]
        domain = self._kpi_invoicing_domain(
            buckets[0][0], buckets[-1][1], team_ids, user_ids
        )
        query = self._kpi_query("sale.order", domain)
        seconds = SQL(
            "extract(epoch FROM sale_order.invoice_posted_date "
            "- sale_order.date_order)::numeric"
        )
        rows = self._kpi_fetch_days(
            query,
            self._kpi_day(SQL("sale_order.invoice_posted_date")),
            SQL("COALESCE(sum(%s), 0)::text", seconds),
            SQL("count(%s)", seconds),
        )
        return [
            {key: _average_hours(total, count, 3600)}
            for total, count in self._kpi_sum_by_bucket(buckets, rows, 2)
        ]

    @api.model
    def _kpi_new_clients_query(self, start, end, team_ids, user_ids):
        return self._kpi_query(
            "sale.order",
            [
                ("state", "=", "sale"),
                ("date_order", ">=", start),
                ("date_order", "<", end),
            ]
            + self._kpi_order_filters(team_ids, user_ids),
        )

    @api.model
    def _kpi_new_client_rows(self, buckets, team_ids, user_ids):
        """(bucket index, commercial partner id) of the new clients: the
        commercial partners with a confirmed order in the bucket (matching
        the filters) and no confirmed order before it."""
        starts = [start for start, __ in buckets]
        in_period = self._kpi_new_clients_query(
            starts[0], buckets[-1][1], team_ids, user_ids
        )
        if in_period.is_empty():
            return []
        bucket = SQL("width_bucket(sale_order.date_order, %s::timestamp[])", starts)
        # buckets need not be contiguous: none of the days between them
        in_period.add_where(
            SQL(
                "sale_order.date_order < (%s::timestamp[])[%s]",
                [end for __, end in buckets],
                bucket,
            )
        )
        earlier = self._kpi_query("sale.order", [("state", "=", "sale")])
        in_period.add_join(
            "JOIN",
            "sc_partner",
            "res_partner",
            SQL("sc_partner.id = sale_order.partner_id"),
        )
        # One index probe per candidate: its partners (commercial_partner_id
        # index), then their confirmed orders before its bucket (partial
        # index on partner_id, date_order).
        self.env.cr.execute(
            SQL(
                """
                SELECT sc_new.bucket - 1, sc_new.commercial_partner_id FROM (
                    %(candidates)s
                ) AS sc_new
                WHERE NOT EXISTS(
                    SELECT 1
                      FROM res_partner sc_p, %(earlier_from)s
                     WHERE sc_p.commercial_partner_id = sc_new.commercial_partner_id
                       AND sale_order.partner_id = sc_p.id
                       AND sale_order.date_order
                           < (%(starts)s::timestamp[])[sc_new.bucket]
                       AND %(earlier_where)s
                )
                ORDER BY 1, 2
                """,
                candidates=in_period.select(
                    SQL(
                        "DISTINCT %s AS bucket, sc_partner.commercial_partner_id",
                        bucket,
                    )
                ),
                starts=starts,
                earlier_from=earlier.from_clause,
                earlier_where=earlier.where_clause,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _kpi_new_clients(self, buckets, team_ids, user_ids):
        """new_clients: see :meth:`_kpi_new_client_rows`."""
        key = "new_clients"
        if not self._kpi_readable("sale.order"):
            return [{key: None} for __ in buckets]
        counts = [0] * len(buckets)
        for index, __ in self._kpi_new_client_rows(buckets, team_ids, user_ids):
            counts[index] += 1
        return [{key: count} for count in counts]

    @api.model
    def _kpi_fulfillment_domain(self, start, end, team_ids, user_ids):
        return [
            ("state", "=", "done"),
            ("picking_type_code", "=", "outgoing"),
            ("sale_id", "!=", False),
            ("date_done", ">=", start),
            ("date_done", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids, prefix="sale_id.")

    @api.model
    def _kpi_fulfillment(self, buckets, team_ids, user_ids):
        """fulfillment_rate: done outgoing deliveries of sale orders, done on
        time (by the deadline, else the scheduled date) and in full."""
        key = "fulfillment_rate"
        if not self._kpi_readable("stock.picking"):
            return [{key: None} for __ in buckets]
        domain = self._kpi_fulfillment_domain(
            buckets[0][0], buckets[-1][1], team_ids, user_ids
        )
        query = self._kpi_query("stock.picking", domain)
        rows = self._kpi_fetch_days(
            query,
            self._kpi_day(SQL("stock_picking.date_done")),
            SQL("count(*)"),
            SQL(
                """count(*) FILTER (WHERE
                    stock_picking.date_done <= COALESCE(
                        stock_picking.date_deadline, stock_picking.scheduled_date)
                    AND NOT EXISTS(
                        SELECT 1 FROM stock_move sc_m
                         WHERE sc_m.picking_id = stock_picking.id
                           AND (sc_m.state = 'cancel'
                                OR sc_m.quantity < sc_m.product_uom_qty))
                    AND NOT EXISTS(
                        SELECT 1 FROM stock_picking sc_b
                         WHERE sc_b.backorder_id = stock_picking.id))"""
            ),
        )
        return [
            {key: _rate(otif, done)}
            for done, otif in self._kpi_sum_by_bucket(buckets, rows, 2)
        ]

    @api.model
    def _kpi_support_created_field(self):
        # Requests are created at their request date (create_date else).
        model = self.env["sales.support.request"]
        return "request_date" if "request_date" in model._fields else "create_date"

    @api.model
    def _kpi_support_domains(self, start, end, team_ids, user_ids):
        """Domains of the requests: (resolved in the period, created in it
        and answered)."""
        created = self._kpi_support_created_field()
        filters = self._kpi_team_scope(REQUEST_OWNERS)
        if team_ids is not None:
            filters.append(("team_id", "in", team_ids))
        if user_ids is not None:
            filters.append(("assigned_to_id", "in", user_ids))
        done = [
            ("state", "=", "done"),
            ("done_date", ">=", start),
            ("done_date", "<", end),
            ("resolution_hours", "!=", False),
        ]
        answered = [
            (created, ">=", start),
            (created, "<", end),
            ("first_response_date", "!=", False),
            ("response_hours", "!=", False),
        ]
        return done + filters, answered + filters

    @api.model
    def _kpi_support(self, buckets, team_ids, user_ids):
        """support_turnaround_hours and internal_response_hours."""
        keys = ("support_turnaround_hours", "internal_response_hours")
        model = "sales.support.request"
        if not (
            self._kpi_has_fields(
                model,
                "state",
                "done_date",
                "first_response_date",
                "response_hours",
                "resolution_hours",
            )
            and self._kpi_readable(model)
        ):
            return [dict.fromkeys(keys) for __ in buckets]
        created = self._kpi_support_created_field()
        start, end = buckets[0][0], buckets[-1][1]
        domain = [
            "|",
            "&",
            ("done_date", ">=", start),
            ("done_date", "<", end),
            "&",
            (created, ">=", start),
            (created, "<", end),
        ]
        domain += self._kpi_team_scope(REQUEST_OWNERS)
        if team_ids is not None:
            domain.append(("team_id", "in", team_ids))
        if user_ids is not None:
            domain.append(("assigned_to_id", "in", user_ids))
        query = self._kpi_query(model, domain)
        table = self.env[model]._table
        t = SQL.identifier(table)
        done_day = SQL(
            "CASE WHEN %(t)s.state = 'done' AND %(t)s.resolution_hours IS NOT NULL "
            "THEN %(day)s END",
            t=t,
            day=self._kpi_day(SQL.identifier(table, "done_date")),
        )
        answered_day = SQL(
            "CASE WHEN %(t)s.first_response_date IS NOT NULL "
            "AND %(t)s.response_hours IS NOT NULL THEN %(day)s END",
            t=t,
            day=self._kpi_day(SQL.identifier(table, created)),
        )
        rows = self._kpi_fetch_rows(
            query,
            SQL("GROUPING SETS ((%s), (%s))", done_day, answered_day),
            SQL("GROUPING(%s)", done_day),
            done_day,
            answered_day,
            SQL("COALESCE(sum(%s.resolution_hours::numeric), 0)::text", t),
            SQL("count(*)"),
            SQL("COALESCE(sum(%s.response_hours::numeric), 0)::text", t),
        )
        by_done, by_answered = [], []
        for grouping, d_day, a_day, resolution, count, response in rows:
            if grouping == 0:
                if d_day is not None:
                    by_done.append((d_day, resolution, count))
            elif a_day is not None:
                by_answered.append((a_day, response, count))
        done = self._kpi_sum_by_bucket(buckets, by_done, 2)
        answered = self._kpi_sum_by_bucket(buckets, by_answered, 2)
        return [
            {
                "support_turnaround_hours": _average_hours(*turnaround),
                "internal_response_hours": _average_hours(*response),
            }
            for turnaround, response in zip(done, answered, strict=True)
        ]

    @api.model
    def _kpi_meetings_domain(self, start, end, team_ids, user_ids):
        model = "calendar.event"
        domain = [
            ("start", ">=", start),
            ("start", "<", end),
            ("coordination_outcome", "not in", [False, "planned"]),
            ("sc_coordinated", "=", True),
        ]
        if team_ids is not None:
            team_domain = [("opportunity_id.team_id", "in", team_ids)]
            if "sale_order_id" in self.env[model]._fields:
                team_domain = [
                    "|",
                    *team_domain,
                    ("sale_order_id.team_id", "in", team_ids),
                ]
            domain += team_domain
        if user_ids is not None:
            domain.append(("user_id", "in", user_ids))
        return domain

    @api.model
    def _kpi_meetings(self, buckets, team_ids, user_ids):
        """meeting_efficiency_rate: held among the meetings of the period
        that have an outcome other than planned."""
        key = "meeting_efficiency_rate"
        model = "calendar.event"
        if not (
            self._kpi_has_fields(model, "coordination_outcome")
            and self._kpi_readable(model)
        ):
            return [{key: None} for __ in buckets]
        domain = self._kpi_meetings_domain(
            buckets[0][0], buckets[-1][1], team_ids, user_ids
        )
        query = self._kpi_query(model, domain)
        rows = self._kpi_fetch_days(
            query,
            self._kpi_day(SQL("calendar_event.start")),
            SQL("count(*)"),
            SQL("count(*) FILTER (WHERE calendar_event.coordination_outcome = 'held')"),
        )
        return [
            {key: _rate(held, meetings)}
            for meetings, held in self._kpi_sum_by_bucket(buckets, rows, 2)
        ]

    @api.model
    def _kpi_followups_domain(self, date_to, team_ids, user_ids):
        """Open follow-up activities due before ``date_to`` (a date)."""
        domain = [
            ("followup_rule_id", "!=", False),
            ("date_deadline", "<", fields.Date.to_string(date_to)),
        ]
        if user_ids is not None:
            domain.append(("user_id", "in", user_ids))
        if team_ids is not None:
            domain.append(("id", "in", self._kpi_activities_of_teams(team_ids)))
        return domain

    @api.model
    def _kpi_followups(self, buckets, team_ids, user_ids):
        """followups_overdue: open follow-up activities due before the last
        day of the period."""
        key = "followups_overdue"
        model = "mail.activity"
        if not (
            self._kpi_has_fields(model, "followup_rule_id")
            and self._kpi_readable(model)
        ):
            return [{key: None} for __ in buckets]
        last_days = [(end - timedelta(days=1)).date() for __, end in buckets]
        domain = self._kpi_followups_domain(last_days[-1], team_ids, user_ids)
        query = self._kpi_query(model, domain)
        rows = self._kpi_fetch_days(
            query, SQL("mail_activity.date_deadline"), SQL("count(*)")
        )
        return [
            {key: sum(count for deadline, count in rows if deadline < last_day)}
            for last_day in last_days
        ]

    @api.model
    def _kpi_activities_of_teams(self, team_ids):
        """A Query of the activities on orders, leads or requests of the teams."""
        if not team_ids:
            return self.env["mail.activity"].browse()._as_query()
        documents = [
            SQL(
                "(mail_activity.res_model = %s AND mail_activity.res_id IN "
                "(SELECT id FROM %s WHERE team_id IN %s))",
                model,
                SQL.identifier(self.env[model]._table),
                tuple(team_ids),
            )
            for model in ("sale.order", "crm.lead", "sales.support.request")
            if self._kpi_has_fields(model, "team_id")
        ]
        query = self.env["mail.activity"]._where_calc([])
        query.add_where(SQL("(%s)", SQL(" OR ").join(documents)))
        return query

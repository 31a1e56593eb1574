from datetime import date, datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import create_index

# The public contract: the keys of get_kpis, in display order.
KPI_KEYS = [
    "quotations",
    "orders_confirmed",
    "quote_to_order_rate",
    "order_accuracy_rate",
    "data_entry_accuracy_rate",
    "support_turnaround_hours",
    "internal_response_hours",
    "meeting_efficiency_rate",
    "invoice_processing_hours",
    "fulfillment_rate",
    "sales_growth_rate",
    "new_clients",
    "followups_overdue",
]


def _rate(numerator, denominator):
    """Percentage rounded to 0.1, or None when there is nothing to divide by."""
    if not denominator:
        return None
    return round(100.0 * (numerator or 0) / denominator, 1)


def _hours(value):
    return None if value is None else round(float(value), 1)


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
        """
        start, end = self._kpi_parse_period(date_from, date_to)
        team_ids = self._kpi_check_ids("crm.team", team_ids, "team_ids")
        user_ids = self._kpi_check_ids("res.users", user_ids, "user_ids")
        self.env.flush_all()
        # These are short aggregates: PostgreSQL's JIT compilation would cost
        # more than it saves (seconds at a million orders). Off for them only.
        cr = self.env.cr
        cr.execute("SELECT current_setting('jit')")
        jit = cr.fetchone()[0]
        cr.execute("SET LOCAL jit = off")
        result = dict.fromkeys(KPI_KEYS)
        for family in (
            self._kpi_orders,
            self._kpi_accuracy,
            self._kpi_invoicing,
            self._kpi_new_clients,
            self._kpi_fulfillment,
            self._kpi_support,
            self._kpi_meetings,
            self._kpi_followups,
        ):
            result.update(family(start, end, team_ids, user_ids))
        # On error the transaction ends, and SET LOCAL with it.
        cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))
        return {key: False if value is None else value for key, value in result.items()}

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
    def _kpi_fetch(self, query, *aggregates):
        """Run ``SELECT aggregates FROM query`` and return the single row."""
        if query.is_empty():
            return [None] * len(aggregates)
        self.env.cr.execute(query.select(*aggregates))
        return self.env.cr.fetchone()

    @api.model
    def _kpi_order_filters(self, team_ids, user_ids, prefix=""):
        domain = []
        if team_ids is not None:
            domain.append((f"{prefix}team_id", "in", team_ids))
        if user_ids is not None:
            domain += [
                "|",
                (f"{prefix}coordinator_id", "in", user_ids),
                (f"{prefix}administrator_id", "in", user_ids),
            ]
        return domain

    # === KPI FAMILIES (one SQL aggregate each) ===

    @api.model
    def _kpi_orders(self, start, end, team_ids, user_ids):
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
            return dict.fromkeys(keys)
        previous_start = start - (end - start)
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
        created = SQL(
            "sale_order.create_date >= %s AND sale_order.create_date < %s", start, end
        )
        confirmed = SQL(
            "sale_order.state = 'sale' AND sale_order.date_order >= %s "
            "AND sale_order.date_order < %s",
            start,
            end,
        )
        previous = SQL(
            "sale_order.state = 'sale' AND sale_order.date_order >= %s "
            "AND sale_order.date_order < %s",
            previous_start,
            start,
        )
        amount = SQL(
            "sale_order.amount_untaxed::float8 "
            "/ COALESCE(NULLIF(sale_order.currency_rate, 0), 1)"
        )
        # Order accuracy counts the confirmed orders that were checked: an
        # order confirmed before the install was never checked, and whether it
        # was right the first time cannot be known.
        if self._kpi_has_fields(
            "sale.order", "first_time_right", "accuracy_first_checked_date"
        ):
            checked = SQL(
                "%s AND sale_order.accuracy_first_checked_date IS NOT NULL", confirmed
            )
            right_first = SQL(
                "count(*) FILTER (WHERE %s AND sale_order.first_time_right)", checked
            )
            checked_count = SQL("count(*) FILTER (WHERE %s)", checked)
        else:
            right_first = checked_count = SQL("NULL::bigint")
        (
            quotations,
            won,
            orders,
            checked_orders,
            first_right,
            amount_now,
            amount_before,
        ) = self._kpi_fetch(
            query,
            SQL("count(*) FILTER (WHERE %s)", created),
            SQL("count(*) FILTER (WHERE %s AND sale_order.state = 'sale')", created),
            SQL("count(*) FILTER (WHERE %s)", confirmed),
            checked_count,
            right_first,
            SQL("COALESCE(sum(%s) FILTER (WHERE %s), 0)", amount, confirmed),
            SQL("COALESCE(sum(%s) FILTER (WHERE %s), 0)", amount, previous),
        )
        growth = None
        if amount_before:
            # + 0.0 turns a rounded -0.0 into 0.0
            growth = (
                round(100.0 * (amount_now - amount_before) / amount_before, 1) + 0.0
            )
        return {
            "quotations": quotations or 0,
            "orders_confirmed": orders or 0,
            "quote_to_order_rate": _rate(won, quotations),
            "order_accuracy_rate": (
                None if first_right is None else _rate(first_right, checked_orders)
            ),
            "sales_growth_rate": growth,
        }

    @api.model
    def _kpi_accuracy(self, start, end, team_ids, user_ids):
        """data_entry_accuracy_rate: orders first checked in the period whose
        first check found no issue of category ``data``."""
        key = "data_entry_accuracy_rate"
        if not (
            self._kpi_has_fields(
                "sale.order", "accuracy_first_checked_date", "data_entry_right"
            )
            and self._kpi_readable("sale.order")
        ):
            return {key: None}
        domain = [
            ("accuracy_first_checked_date", ">=", start),
            ("accuracy_first_checked_date", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids)
        query = self._kpi_query("sale.order", domain)
        checked, clean = self._kpi_fetch(
            query,
            SQL("count(*)"),
            SQL("count(*) FILTER (WHERE sale_order.data_entry_right)"),
        )
        return {key: _rate(clean, checked)}

    @api.model
    def _kpi_invoicing(self, start, end, team_ids, user_ids):
        """invoice_processing_hours: confirmation to first posted invoice."""
        key = "invoice_processing_hours"
        if not self._kpi_readable("sale.order"):
            return {key: None}
        domain = [
            ("invoice_posted_date", ">=", start),
            ("invoice_posted_date", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids)
        query = self._kpi_query("sale.order", domain)
        (hours,) = self._kpi_fetch(
            query,
            SQL(
                "avg(extract(epoch FROM sale_order.invoice_posted_date "
                "- sale_order.date_order))::float8 / 3600"
            ),
        )
        return {key: _hours(hours)}

    @api.model
    def _kpi_new_clients(self, start, end, team_ids, user_ids):
        """new_clients: commercial partners with a confirmed order in the
        period (matching the filters) and no confirmed order before it."""
        key = "new_clients"
        if not self._kpi_readable("sale.order"):
            return {key: None}
        domain = [
            ("state", "=", "sale"),
            ("date_order", ">=", start),
            ("date_order", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids)
        in_period = self._kpi_query("sale.order", domain)
        if in_period.is_empty():
            return {key: 0}
        earlier = self._kpi_query(
            "sale.order", [("state", "=", "sale"), ("date_order", "<", start)]
        )
        # One index probe per candidate: its partners (commercial_partner_id
        # index), then their confirmed orders before the period (partial
        # index on partner_id, date_order).
        self.env.cr.execute(
            SQL(
                """
                SELECT count(*) FROM (
                    SELECT DISTINCT sc_partner.commercial_partner_id
                      FROM res_partner sc_partner
                     WHERE sc_partner.id IN %(in_period)s
                ) AS sc_new
                WHERE NOT EXISTS(
                    SELECT 1
                      FROM res_partner sc_p, %(earlier_from)s
                     WHERE sc_p.commercial_partner_id = sc_new.commercial_partner_id
                       AND sale_order.partner_id = sc_p.id
                       AND %(earlier_where)s
                )
                """,
                in_period=in_period.subselect(SQL("sale_order.partner_id")),
                earlier_from=earlier.from_clause,
                earlier_where=earlier.where_clause,
            )
        )
        return {key: self.env.cr.fetchone()[0]}

    @api.model
    def _kpi_fulfillment(self, start, end, team_ids, user_ids):
        """fulfillment_rate: done outgoing deliveries of sale orders, done on
        time (by the deadline, else the scheduled date) and in full."""
        key = "fulfillment_rate"
        if not self._kpi_readable("stock.picking"):
            return {key: None}
        domain = [
            ("state", "=", "done"),
            ("picking_type_code", "=", "outgoing"),
            ("sale_id", "!=", False),
            ("date_done", ">=", start),
            ("date_done", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids, prefix="sale_id.")
        query = self._kpi_query("stock.picking", domain)
        done, otif = self._kpi_fetch(
            query,
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
        return {key: _rate(otif, done)}

    @api.model
    def _kpi_support(self, start, end, team_ids, user_ids):
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
            return dict.fromkeys(keys)
        # Requests are created at their request date (create_date else).
        created = (
            "request_date"
            if "request_date" in self.env[model]._fields
            else ("create_date")
        )
        domain = [
            "|",
            "&",
            ("done_date", ">=", start),
            ("done_date", "<", end),
            "&",
            (created, ">=", start),
            (created, "<", end),
        ]
        if team_ids is not None:
            domain.append(("team_id", "in", team_ids))
        if user_ids is not None:
            domain.append(("assigned_to_id", "in", user_ids))
        query = self._kpi_query(model, domain)
        table = SQL.identifier(self.env[model]._table)
        turnaround, response = self._kpi_fetch(
            query,
            SQL(
                "avg(%(t)s.resolution_hours) FILTER (WHERE %(t)s.state = 'done' "
                "AND %(t)s.done_date >= %(start)s AND %(t)s.done_date < %(end)s)",
                t=table,
                start=start,
                end=end,
            ),
            SQL(
                "avg(%(t)s.response_hours) FILTER (WHERE "
                "%(t)s.first_response_date IS NOT NULL "
                "AND %(created)s >= %(start)s AND %(created)s < %(end)s)",
                t=table,
                created=SQL.identifier(self.env[model]._table, created),
                start=start,
                end=end,
            ),
        )
        return {
            "support_turnaround_hours": _hours(turnaround),
            "internal_response_hours": _hours(response),
        }

    @api.model
    def _kpi_meetings(self, start, end, team_ids, user_ids):
        """meeting_efficiency_rate: held among the meetings of the period
        that have an outcome other than planned."""
        key = "meeting_efficiency_rate"
        model = "calendar.event"
        if not (
            self._kpi_has_fields(model, "coordination_outcome")
            and self._kpi_readable(model)
        ):
            return {key: None}
        domain = [
            ("start", ">=", start),
            ("start", "<", end),
            ("coordination_outcome", "not in", [False, "planned"]),
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
        query = self._kpi_query(model, domain)
        meetings, held = self._kpi_fetch(
            query,
            SQL("count(*)"),
            SQL("count(*) FILTER (WHERE calendar_event.coordination_outcome = 'held')"),
        )
        return {key: _rate(held, meetings)}

    @api.model
    def _kpi_followups(self, start, end, team_ids, user_ids):
        """followups_overdue: open follow-up activities due before date_to."""
        key = "followups_overdue"
        model = "mail.activity"
        if not (
            self._kpi_has_fields(model, "followup_rule_id")
            and self._kpi_readable(model)
        ):
            return {key: None}
        date_to = (end - timedelta(days=1)).date()
        domain = [
            ("followup_rule_id", "!=", False),
            ("date_deadline", "<", fields.Date.to_string(date_to)),
        ]
        if user_ids is not None:
            domain.append(("user_id", "in", user_ids))
        if team_ids is not None:
            domain.append(("id", "in", self._kpi_activities_of_teams(team_ids)))
        query = self._kpi_query(model, domain)
        (overdue,) = self._kpi_fetch(query, SQL("count(*)"))
        return {key: overdue or 0}

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

# The KPI model split by capability (see sales_coordination_kpi.py).
# pylint: disable=consider-merging-classes-inherited
from datetime import timedelta
from decimal import Decimal

from odoo import api, models
from odoo.tools import SQL

from .sales_coordination_kpi import average_hours, base_key, rate


class SalesCoordinationKpi(models.AbstractModel):
    """The KPI families of the orders: orders (quotations, confirmations,
    quote-to-order, order accuracy, growth), data-entry accuracy, invoicing
    and new clients. Each family is one SQL aggregate for all the buckets,
    on the query the ORM builds for the domain of its records."""

    _inherit = "sales.coordination.kpi"

    # === DOMAINS OF THE RECORDS ===

    @api.model
    def _kpi_order_filters(self, team_ids, user_ids, prefix=""):
        """The orders in coordination (the scope mixin's definition), of the
        teams and owned by the users asked for; field paths start with
        ``prefix`` (``"sale_id."`` from a delivery)."""
        domain = list(self.env["sale.order"]._sc_coordinated_domain(prefix))
        if team_ids is not None:
            domain.append((f"{prefix}team_id", "in", team_ids))
        if user_ids is not None:
            domain += [
                "|",
                (f"{prefix}coordinator_id", "in", user_ids),
                (f"{prefix}administrator_id", "in", user_ids),
            ]
        return domain

    @api.model
    def _kpi_orders_created_domain(self, start, end, team_ids, user_ids):
        """sale.order created in the period."""
        return [
            ("create_date", ">=", start),
            ("create_date", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids)

    @api.model
    def _kpi_orders_confirmed_domain(self, start, end, team_ids, user_ids):
        """sale.order confirmed in the period."""
        return [
            ("state", "=", "sale"),
            ("date_order", ">=", start),
            ("date_order", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids)

    @api.model
    def _kpi_orders_checked_domain(self, start, end, team_ids, user_ids):
        """sale.order confirmed in the period and checked for accuracy."""
        return self._kpi_orders_confirmed_domain(start, end, team_ids, user_ids) + [
            ("accuracy_first_checked_date", "!=", False)
        ]

    @api.model
    def _kpi_accuracy_domain(self, start, end, team_ids, user_ids):
        """sale.order first checked for accuracy in the period."""
        return [
            ("accuracy_first_checked_date", ">=", start),
            ("accuracy_first_checked_date", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids)

    @api.model
    def _kpi_invoicing_domain(self, start, end, team_ids, user_ids):
        """sale.order whose first invoice was posted in the period."""
        return [
            ("invoice_posted_date", ">=", start),
            ("invoice_posted_date", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids)

    @api.model
    def _kpi_new_clients_domain(self, start, end, team_ids, user_ids):
        """res.partner: the new clients of the period."""
        rows = self._kpi_new_client_rows([(start, end)], team_ids, user_ids)
        return [("id", "in", [row[1] for row in rows])]

    @api.model
    def _kpi_confirmed_query(self, start, end, filters):
        """The Query of the orders confirmed from ``start`` to ``end``
        (excluded) matching ``filters`` (:meth:`_kpi_order_filters`)."""
        return self._kpi_query(
            "sale.order",
            [
                ("state", "=", "sale"),
                ("date_order", ">=", start),
                ("date_order", "<", end),
                *filters,
            ],
        )

    # === FAMILIES ===

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
        # growth compares each bucket with its previous period (the one rule
        # of _kpi_previous_period)
        previous = self._kpi_datetimes(
            [
                self._kpi_previous_period(
                    first.date(), (last - timedelta(days=1)).date()
                )
                for first, last in buckets
            ]
        )
        previous_start = min(first for first, __ in previous)
        filters = self._kpi_order_filters(team_ids, user_ids)
        # Two aggregates, each on its own index (index-only scans of
        # sale_order_sc_kpi_created_index and _confirmed_cover_index): the
        # quotations by the day they were created, the confirmed orders by
        # the day they were confirmed (back to the previous period of growth).
        by_created = self._kpi_fetch_order_periods(
            self._kpi_query(
                "sale.order",
                [("create_date", ">=", start), ("create_date", "<", end), *filters],
            ),
            SQL("sale_order.create_date"),
            buckets,
            (
                SQL("count(*)"),
                SQL("count(*) FILTER (WHERE sale_order.state = 'sale')"),
            ),
            ("quotations", "quotations_won"),
            team_ids,
            user_ids,
        )
        # Exact (numeric) sums in the company's currency: the orders in it
        # (rate 1, or none) add their amount as it is, and only the others pay
        # for a numeric division (most of the cost of the sum otherwise).
        in_company_currency = SQL(
            "COALESCE(NULLIF(sale_order.currency_rate, 0), 1) = 1"
        )
        total = SQL(
            "(COALESCE(sum(sale_order.amount_untaxed) FILTER (WHERE %(one)s), 0)"
            " + COALESCE(sum(sale_order.amount_untaxed::numeric"
            " / sale_order.currency_rate::numeric) FILTER (WHERE NOT %(one)s), 0)"
            ")::text",
            one=in_company_currency,
        )
        # Order accuracy counts the confirmed orders that were checked: an
        # order confirmed before the install was never checked, and whether it
        # was right the first time cannot be known.
        checked = SQL("sale_order.accuracy_first_checked_date IS NOT NULL")
        confirmed_aggregates = (
            SQL("count(*)"),
            SQL("count(*) FILTER (WHERE %s)", checked),
            SQL("count(*) FILTER (WHERE %s AND sale_order.first_time_right)", checked),
            total,
        )
        confirmed_totals = ("orders", "orders_checked", "orders_right", "amount")
        date_order = SQL("sale_order.date_order")
        if len(buckets) == 1:
            # get_kpis: two plain aggregates (the period, the amount of its
            # previous period) cost less than one grouped over both
            by_confirmed = self._kpi_fetch_order_periods(
                self._kpi_confirmed_query(start, end, filters),
                date_order,
                buckets,
                confirmed_aggregates,
                confirmed_totals,
                team_ids,
                user_ids,
            )
            by_previous = self._kpi_fetch_order_periods(
                self._kpi_confirmed_query(previous_start, previous[0][1], filters),
                date_order,
                previous,
                (total,),
                ("amount",),
                team_ids,
                user_ids,
            )
        else:
            # series: the previous periods overlap the buckets; one pass
            # grouped by the stretches between all their bounds
            by_confirmed = self._kpi_fetch_order_periods(
                self._kpi_confirmed_query(previous_start, end, filters),
                date_order,
                buckets + previous,
                confirmed_aggregates,
                confirmed_totals,
                team_ids,
                user_ids,
            )
            by_previous = [(day, row[-1]) for day, *row in by_confirmed]
        created = self._kpi_sum_by_bucket(buckets, by_created, 2)
        confirmed = self._kpi_sum_by_bucket(buckets, by_confirmed, 4)
        # the previous periods of growth: sums of days
        amounts = [(day, Decimal(total)) for day, *__, total in by_previous]
        results = []
        for (before_start, before_end), (quotations, won), (
            orders,
            checked_n,
            right_n,
            now,
        ) in zip(previous, created, confirmed, strict=True):
            before = sum(
                (total for day, total in amounts if before_start <= day < before_end),
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
                    "quote_to_order_rate": rate(won, quotations),
                    "order_accuracy_rate": rate(right_n, checked_n),
                    "sales_growth_rate": growth,
                    base_key("quote_to_order_rate"): quotations,
                    base_key("order_accuracy_rate"): checked_n,
                }
            )
        return results

    @api.model
    def _kpi_accuracy(self, buckets, team_ids, user_ids):
        """data_entry_accuracy_rate: orders first checked in the period whose
        first check found no issue of category ``data``."""
        key = "data_entry_accuracy_rate"
        if not self._kpi_readable("sale.order"):
            return [{key: None} for __ in buckets]
        domain = self._kpi_accuracy_domain(
            buckets[0][0], buckets[-1][1], team_ids, user_ids
        )
        query = self._kpi_query("sale.order", domain)
        rows = self._kpi_fetch_order_periods(
            query,
            SQL("sale_order.accuracy_first_checked_date"),
            buckets,
            (
                SQL("count(*)"),
                SQL("count(*) FILTER (WHERE sale_order.data_entry_right)"),
            ),
            ("first_checked", "first_checked_clean"),
            team_ids,
            user_ids,
        )
        return [
            {key: rate(clean, checked), base_key(key): checked}
            for checked, clean in self._kpi_sum_by_bucket(buckets, rows, 2)
        ]

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
        rows = self._kpi_fetch_order_periods(
            query,
            SQL("sale_order.invoice_posted_date"),
            buckets,
            (SQL("COALESCE(sum(%s), 0)::text", seconds), SQL("count(%s)", seconds)),
            ("invoiced_seconds", "invoiced"),
            team_ids,
            user_ids,
        )
        return [
            {key: average_hours(total, count, 3600)}
            for total, count in self._kpi_sum_by_bucket(buckets, rows, 2)
        ]

    @api.model
    def _kpi_new_client_rows(self, buckets, team_ids, user_ids):
        """(bucket index, commercial partner id) of the new clients: the
        commercial partners with a confirmed order in the bucket (matching
        the filters, one the user may read) and no confirmed order before it
        in the user's companies (whoever's it is: a client is new to the
        company, not to the reader).

        The candidates are the few orders marked ``sc_first_sale`` in the
        period (the first confirmed order of a contact in a company): a new
        client's matching order is in the bucket and no order of its
        contact came before it in that company, so that contact's first
        order is in the bucket too. Each candidate is then checked as the
        definition says: one probe for a matching order in its bucket, one
        for an earlier order of any of its contacts.
        """
        starts = [start for start, __ in buckets]
        ends = [end for __, end in buckets]
        matching = self._kpi_query(
            "sale.order",
            self._kpi_orders_confirmed_domain(starts[0], ends[-1], team_ids, user_ids),
        )
        if matching.is_empty():
            return []
        # a matching order of the candidate's contacts, in its bucket
        matching.add_where(
            SQL(
                "width_bucket(sale_order.date_order, %(starts)s::timestamp[])"
                " = sc_new.bucket AND sale_order.date_order"
                " < (%(ends)s::timestamp[])[sc_new.bucket]"
                " AND sale_order.partner_id IN (SELECT sc_c.id FROM res_partner sc_c"
                " WHERE sc_c.commercial_partner_id = sc_new.commercial_partner_id)",
                starts=starts,
                ends=ends,
            )
        )
        companies = self._kpi_new_client_companies()
        self.env.cr.execute(
            SQL(
                """
                SELECT sc_new.bucket - 1, sc_new.commercial_partner_id FROM (
                    SELECT DISTINCT
                           width_bucket(sc_first.date_order, %(starts)s::timestamp[])
                               AS bucket,
                           sc_fp.commercial_partner_id
                      FROM sale_order sc_first
                      JOIN res_partner sc_fp ON sc_fp.id = sc_first.partner_id
                     WHERE sc_first.sc_first_sale
                       AND sc_first.date_order >= %(start)s
                       AND sc_first.date_order < %(end)s
                       AND sc_first.company_id = ANY(%(companies)s)
                       AND sc_first.date_order < (%(ends)s::timestamp[])[
                           width_bucket(sc_first.date_order, %(starts)s::timestamp[])]
                ) AS sc_new
                WHERE EXISTS(%(matching)s)
                  AND NOT EXISTS(
                    SELECT 1
                      FROM res_partner sc_p
                      JOIN sale_order sc_before ON sc_before.partner_id = sc_p.id
                     WHERE sc_p.commercial_partner_id = sc_new.commercial_partner_id
                       AND sc_before.state = 'sale'
                       AND sc_before.company_id = ANY(%(companies)s)
                       AND sc_before.date_order
                           < (%(starts)s::timestamp[])[sc_new.bucket]
                )
                ORDER BY 1, 2
                """,
                starts=starts,
                ends=ends,
                start=starts[0],
                end=ends[-1],
                companies=companies,
                matching=matching.select(SQL("1")),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _kpi_new_client_companies(self):
        """The companies whose history decides whether a client is new: the
        user's allowed companies (as the multi-company record rule of
        sale.order reads them)."""
        return self.env.companies.ids

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

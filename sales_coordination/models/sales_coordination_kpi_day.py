from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# Where the day the totals are kept up to is stored (``YYYY-MM-DD``, days
# before it are summed up; NOTHING_YET: kept, nothing summed up yet; absent:
# off).
UNTIL_PARAM = "sales_coordination.kpi_day_until"
NOTHING_YET = "switched-on"
# The cron sums up the days before today minus this many days; writers note
# a change of the days before today minus WRITER_MARGIN_DAYS (one day of
# slack: a transaction that began before midnight still notes its days).
SUMMARY_MARGIN_DAYS = 2
WRITER_MARGIN_DAYS = 1
ONE_DAY = timedelta(days=1)

# The totals of a day, each under the date it counts by.
COUNT_TOTALS = (
    "quotations",
    "quotations_won",
    "orders",
    "orders_checked",
    "orders_right",
    "first_checked",
    "first_checked_clean",
    "invoiced",
    "deliveries",
    "deliveries_otif",
)
EXACT_TOTALS = ("amount", "invoiced_seconds")


class SalesCoordinationKpiDay(models.Model):
    """Daily totals of the orders and of their deliveries, kept so that the
    KPIs of a long period read a few hundred rows instead of every order
    (``get_kpis`` of a year over a million orders).

    One row per UTC day, company (of the order, or of the delivery and of
    its order), sales team and whether someone in coordination owns the
    orders (coordinator or administrator set): the grain at which the KPIs
    filter records when the reader may read all the orders and deliveries
    of its companies and asks for no user. The KPIs use a day's
    totals only when it is summed up and no change of its orders is noted
    since (``sales.coordination.kpi.day.dirty``); every other day, and any
    reader that sees fewer orders, is computed from the orders themselves.
    The figures are the same either way (tests compare them).

    The daily cron switches the totals on at its first run and sums up the
    days older than SUMMARY_MARGIN_DAYS from its second run on, then sums
    up again the days whose orders changed. The totals are written in SQL
    only, by :meth:`_sc_fill`; nobody reads them through the ORM but the
    system administrator.
    """

    _name = "sales.coordination.kpi.day"
    _description = "Sales Coordination KPI Daily Totals"
    _log_access = False
    _order = "day desc, id"

    day = fields.Date(required=True, index=True, help="The UTC day of the totals.")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        ondelete="cascade",
        help="The company of the records: the order's, or the delivery's.",
    )
    sale_company_id = fields.Many2one(
        "res.company",
        required=True,
        ondelete="cascade",
        help="The company of the order (of a delivery: of its sale order).",
    )
    # a deleted team leaves its orders without a team, and its totals too
    team_id = fields.Many2one("crm.team", ondelete="set null")
    owned = fields.Boolean(
        help="The orders have a coordinator or an administrator (they count "
        "in coordination whatever their team)."
    )
    quotations = fields.Integer(help="Orders created that day.")
    quotations_won = fields.Integer(help="Orders created that day, now confirmed.")
    orders = fields.Integer(help="Orders confirmed (order date) that day.")
    orders_checked = fields.Integer(
        help="Orders confirmed that day and checked for accuracy."
    )
    orders_right = fields.Integer(
        help="Orders confirmed that day, checked and right the first time."
    )
    amount = fields.Float(
        digits=0,
        help="Untaxed amount of the orders confirmed that day, in the company's "
        "currency (exact).",
    )
    first_checked = fields.Integer(help="Orders first checked that day.")
    first_checked_clean = fields.Integer(
        help="Orders first checked that day without a data-entry issue."
    )
    invoiced = fields.Integer(help="Orders whose first invoice was posted that day.")
    deliveries = fields.Integer(
        help="Done outgoing deliveries of sale orders, done that day."
    )
    deliveries_otif = fields.Integer(
        help="Those of them done on time and in full (the fulfillment KPI)."
    )
    invoiced_seconds = fields.Float(
        digits=0,
        help="Seconds from confirmation to first posted invoice of those orders.",
    )

    # === BUSINESS METHODS ===

    @api.model
    def _sc_until(self):
        """``(active, until)``: whether the totals are kept, and the day
        before which they are summed up (None: none yet)."""
        value = self.env["ir.config_parameter"].sudo().get_param(UNTIL_PARAM)
        if value is False or value is None:
            return False, None
        return True, None if value == NOTHING_YET else fields.Date.to_date(value)

    @api.model
    def _sc_writer_cutoff(self):
        """The day before which a change of an order is noted, or None when
        the totals are off (then nothing is noted and nothing is read)."""
        active, __ = self._sc_until()
        if not active:
            return None
        return fields.Date.today() - timedelta(days=WRITER_MARGIN_DAYS)

    @api.model
    def _sc_note_days(self, days):
        """Note as changed the days that the SQL ``days`` selects (one date
        column), when older than the writers' cutoff: their totals are
        computed again. Nothing when the totals are off."""
        cutoff = self._sc_writer_cutoff()
        if cutoff is None:
            return
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO sales_coordination_kpi_day_dirty (day)
                SELECT DISTINCT sc_v.day FROM (%(days)s) AS sc_v(day)
                 WHERE sc_v.day < %(cutoff)s
                   AND NOT EXISTS(
                       SELECT 1 FROM sales_coordination_kpi_day_dirty sc_d
                        WHERE sc_d.day = sc_v.day)
                """,
                days=days,
                cutoff=cutoff,
            )
        )

    @api.model
    def _sc_note_orders(self, order_ids):
        """Note the days the orders ``order_ids`` count under (creation,
        confirmation, first check, first invoice, and the days their
        deliveries were done), with the values in the database (called
        before and after a change)."""
        if not order_ids:
            return
        self._sc_note_days(
            SQL(
                """
                SELECT sc_v.day
                  FROM sale_order sc_o
                 CROSS JOIN LATERAL (VALUES
                       (sc_o.create_date::date),
                       (sc_o.date_order::date),
                       (sc_o.accuracy_first_checked_date::date),
                       (sc_o.invoice_posted_date::date)) AS sc_v(day)
                 WHERE sc_o.id = ANY(%(ids)s)
                 UNION ALL
                SELECT sc_p.date_done::date FROM stock_picking sc_p
                 WHERE sc_p.sale_id = ANY(%(ids)s) AND sc_p.state = 'done'
                """,
                ids=list(order_ids),
            )
        )

    @api.model
    def _sc_note_pickings(self, picking_ids):
        """Note the days the deliveries ``picking_ids`` were done, and those
        of the deliveries they are backorders of (a backorder makes its
        origin not delivered in full), with the values in the database."""
        if not picking_ids:
            return
        self._sc_note_days(
            SQL(
                """
                SELECT sc_p.date_done::date FROM stock_picking sc_p
                 WHERE sc_p.state = 'done'
                   AND (sc_p.id = ANY(%(ids)s) OR sc_p.id IN (
                        SELECT sc_b.backorder_id FROM stock_picking sc_b
                         WHERE sc_b.id = ANY(%(ids)s)))
                """,
                ids=list(picking_ids),
            )
        )

    @api.model
    def _sc_totals_sql(self, days_condition):
        """SQL selecting the totals ``(day, company_id, sale_company_id,
        team_id, owned, COUNT_TOTALS..., EXACT_TOTALS...)`` of the days whose
        SQL condition is ``days_condition(column)`` (``column``: the SQL of
        the timestamp the totals count by). The same definitions as the KPI
        families' live queries."""
        owned = SQL(
            "(sale_order.coordinator_id IS NOT NULL"
            " OR sale_order.administrator_id IS NOT NULL)"
        )
        amount = SQL(
            "CASE WHEN COALESCE(NULLIF(sale_order.currency_rate, 0), 1) = 1"
            " THEN sale_order.amount_untaxed"
            " ELSE sale_order.amount_untaxed::numeric"
            " / sale_order.currency_rate::numeric END"
        )
        seconds = SQL(
            "extract(epoch FROM sale_order.invoice_posted_date"
            " - sale_order.date_order)::numeric"
        )
        checked = SQL("sale_order.accuracy_first_checked_date IS NOT NULL")
        on_time, in_full = self.env["sales.coordination.kpi"]._kpi_fulfillment_sql(
            SQL.identifier("stock_picking")
        )
        names = (*COUNT_TOTALS, *EXACT_TOTALS)

        def branch(column, values, company, source, where):
            """One date's totals: ``values`` by name, the others 0."""
            return SQL(
                "SELECT %(day)s, %(company)s, sale_order.company_id,"
                " sale_order.team_id, %(owned)s, %(values)s FROM %(source)s"
                " WHERE %(column)s IS NOT NULL AND %(where)s AND %(days)s"
                " GROUP BY 1, 2, 3, 4, 5",
                day=SQL("(%s)::date", column),
                company=company,
                owned=owned,
                values=SQL(", ").join(
                    values.get(name, SQL("0::numeric" if name in EXACT_TOTALS else "0"))
                    for name in names
                ),
                source=source,
                column=column,
                where=where,
                days=days_condition(column),
            )

        def order_branch(column, values, where=None):
            return branch(
                column,
                values,
                SQL("sale_order.company_id"),
                SQL("sale_order"),
                where or SQL("TRUE"),
            )

        branches = [
            order_branch(
                SQL("sale_order.create_date"),
                {
                    "quotations": SQL("count(*)"),
                    "quotations_won": SQL(
                        "count(*) FILTER (WHERE sale_order.state = 'sale')"
                    ),
                },
            ),
            order_branch(
                SQL("sale_order.date_order"),
                {
                    "orders": SQL("count(*)"),
                    "orders_checked": SQL("count(*) FILTER (WHERE %s)", checked),
                    "orders_right": SQL(
                        "count(*) FILTER (WHERE %s AND sale_order.first_time_right)",
                        checked,
                    ),
                    "amount": SQL("sum(%s)", amount),
                },
                SQL("sale_order.state = 'sale'"),
            ),
            order_branch(
                SQL("sale_order.accuracy_first_checked_date"),
                {
                    "first_checked": SQL("count(*)"),
                    "first_checked_clean": SQL(
                        "count(*) FILTER (WHERE sale_order.data_entry_right)"
                    ),
                },
            ),
            order_branch(
                SQL("sale_order.invoice_posted_date"),
                {
                    "invoiced": SQL("count(%s)", seconds),
                    "invoiced_seconds": SQL("COALESCE(sum(%s), 0)", seconds),
                },
            ),
            # the done deliveries of orders (the fulfillment KPI's records):
            # their own company, and their order's company, team and owners
            branch(
                SQL("stock_picking.date_done"),
                {
                    "deliveries": SQL("count(*)"),
                    "deliveries_otif": SQL(
                        "count(*) FILTER (WHERE %s AND %s)", on_time, in_full
                    ),
                },
                SQL("stock_picking.company_id"),
                SQL(
                    "stock_picking JOIN stock_picking_type"
                    " ON stock_picking_type.id = stock_picking.picking_type_id"
                    " JOIN sale_order ON sale_order.id = stock_picking.sale_id"
                ),
                SQL(
                    "stock_picking.state = 'done'"
                    " AND stock_picking_type.code = 'outgoing'"
                ),
            ),
        ]
        keys = ("day", "company_id", "sale_company_id", "team_id", "owned")
        return SQL(
            "SELECT %(keys)s, %(sums)s FROM (%(branches)s) AS sc_t(%(names)s)"
            " GROUP BY %(keys)s",
            keys=SQL(", ").join(SQL.identifier(name) for name in keys),
            sums=SQL(", ").join(SQL("sum(%s)", SQL.identifier(name)) for name in names),
            branches=SQL(" UNION ALL ").join(branches),
            names=SQL(", ").join(SQL.identifier(name) for name in (*keys, *names)),
        )

    @api.model
    def _sc_fill(self, until, days=()):
        """Sum up again, in SQL, the days before ``until`` (a date) from the
        day the totals stood at (all of them the first time) and the
        ``days`` noted as changed; returns the number of rows written."""
        __, previous = self._sc_until()
        days = sorted({day for day in days if day < until})

        def days_condition(column):
            """``column`` (a date, or a UTC timestamp) in the days to sum up,
            as ranges an index can serve."""
            ranges = [
                SQL("(%s >= %s AND %s < %s)", column, day, column, day + ONE_DAY)
                for day in days
            ]
            if previous is None:
                ranges.append(SQL("%s < %s", column, until))
            elif previous < until:
                ranges.append(
                    SQL("(%s >= %s AND %s < %s)", column, previous, column, until)
                )
            return SQL("(%s)", SQL(" OR ").join(ranges)) if ranges else SQL("FALSE")

        cr = self.env.cr
        stale = days_condition(SQL.identifier("day"))
        cr.execute(SQL("DELETE FROM sales_coordination_kpi_day WHERE %s", stale))
        names = (
            "day",
            "company_id",
            "sale_company_id",
            "team_id",
            "owned",
            *COUNT_TOTALS,
            *EXACT_TOTALS,
        )
        cr.execute(
            SQL(
                "INSERT INTO sales_coordination_kpi_day (%s) %s",
                SQL(", ").join(SQL.identifier(name) for name in names),
                self._sc_totals_sql(days_condition),
            )
        )
        self.invalidate_model()
        return cr.rowcount

    @api.model
    def _sc_sum_up_again(self):
        """Drop what is summed up (when a change reaches every day at once,
        such as the type of an operation): the KPIs read the records until
        the next run of the cron sums up everything again."""
        if self._sc_until()[1] is not None:
            self.env["ir.config_parameter"].sudo().set_param(UNTIL_PARAM, NOTHING_YET)

    @api.model
    def _cron_sum_up(self):
        """The daily cron: switch the totals on (first run: from then on,
        writers note the days they change), or sum up the days older than
        SUMMARY_MARGIN_DAYS and again the days noted as changed.

        Summing up starts at the run after the switch so that no change
        made by a transaction begun before the switch can be missed. Only
        the notes this run read are removed: a note written meanwhile by
        another transaction stays, and its day is summed up again next time.
        """
        params = self.env["ir.config_parameter"].sudo()
        active, __ = self._sc_until()
        if not active:
            params.set_param(UNTIL_PARAM, NOTHING_YET)
            return
        self.env.cr.execute("SELECT id, day FROM sales_coordination_kpi_day_dirty")
        noted = self.env.cr.fetchall()
        until = fields.Date.today() - timedelta(days=SUMMARY_MARGIN_DAYS)
        self._sc_fill(until, [day for __, day in noted])
        if noted:
            self.env.cr.execute(
                SQL(
                    "DELETE FROM sales_coordination_kpi_day_dirty WHERE id = ANY(%s)",
                    [note_id for note_id, __ in noted],
                )
            )
        params.set_param(UNTIL_PARAM, fields.Date.to_string(until))

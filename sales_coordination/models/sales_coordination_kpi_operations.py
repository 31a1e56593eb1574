# The KPI model split by capability (see sales_coordination_kpi.py).
# pylint: disable=consider-merging-classes-inherited
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .sales_coordination_kpi import average_hours, base_key, rate


class SalesCoordinationKpi(models.AbstractModel):
    """The KPI families of the operations: fulfillment, support requests,
    meetings and follow-ups. The fulfillment and support metrics are defined
    here once, as SQL, and their reports (``report/``) read the same
    definitions."""

    _inherit = "sales.coordination.kpi"

    # === DEFINITIONS SHARED WITH THE REPORTS ===

    @api.model
    def _kpi_fulfillment_sql(self, picking):
        """``(on_time, in_full)``: SQL booleans of a done delivery, whose
        ``stock_picking`` row is ``picking`` (an SQL alias). On time: done by
        its deadline, else its scheduled date; in full: no move cancelled or
        short, no backorder. Read by the fulfillment KPI and report."""
        on_time = SQL(
            "%(p)s.date_done <= COALESCE(%(p)s.date_deadline, %(p)s.scheduled_date)",
            p=picking,
        )
        in_full = SQL(
            """NOT EXISTS(
                   SELECT 1 FROM stock_move sc_m
                    WHERE sc_m.picking_id = %(p)s.id
                      AND (sc_m.state = 'cancel'
                           OR sc_m.quantity < sc_m.product_uom_qty))
               AND NOT EXISTS(
                   SELECT 1 FROM stock_picking sc_b
                    WHERE sc_b.backorder_id = %(p)s.id)""",
            p=picking,
        )
        return on_time, in_full

    @api.model
    def _kpi_support_sql(self, request):
        """``(turnaround, response)``: the hours a request counts in the
        support KPIs and report, whose ``sales_support_request`` row is
        ``request`` (an SQL alias); NULL when it does not count. Turnaround:
        a done request's resolution hours; response: the response hours of a
        request that got an answer."""
        turnaround = SQL(
            "CASE WHEN %(r)s.state = 'done' THEN %(r)s.resolution_hours END",
            r=request,
        )
        response = SQL(
            "CASE WHEN %(r)s.first_response_date IS NOT NULL "
            "THEN %(r)s.response_hours END",
            r=request,
        )
        return turnaround, response

    # === DOMAINS OF THE RECORDS ===

    @api.model
    def _kpi_fulfillment_domain(self, start, end, team_ids, user_ids):
        """stock.picking: the deliveries of sale orders done in the period."""
        return [
            ("state", "=", "done"),
            ("picking_type_code", "=", "outgoing"),
            ("sale_id", "!=", False),
            ("date_done", ">=", start),
            ("date_done", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids, prefix="sale_id.")

    @api.model
    def _kpi_support_filters(self, team_ids, user_ids):
        """The requests in coordination (the scope mixin's definition), of
        the teams and assigned to the users asked for."""
        domain = list(self.env["sales.support.request"]._sc_coordinated_domain())
        if team_ids is not None:
            domain.append(("team_id", "in", team_ids))
        if user_ids is not None:
            domain.append(("assigned_to_id", "in", user_ids))
        return domain

    @api.model
    def _kpi_support_done_domain(self, start, end, team_ids, user_ids):
        """sales.support.request resolved in the period."""
        return [
            ("state", "=", "done"),
            ("done_date", ">=", start),
            ("done_date", "<", end),
            ("resolution_hours", "!=", False),
        ] + self._kpi_support_filters(team_ids, user_ids)

    @api.model
    def _kpi_support_answered_domain(self, start, end, team_ids, user_ids):
        """sales.support.request requested in the period and answered."""
        return [
            ("request_date", ">=", start),
            ("request_date", "<", end),
            ("first_response_date", "!=", False),
            ("response_hours", "!=", False),
        ] + self._kpi_support_filters(team_ids, user_ids)

    @api.model
    def _kpi_meetings_domain(self, start, end, team_ids, user_ids):
        """calendar.event of the period with an outcome other than planned."""
        return [
            *self._kpi_meetings_filters(start, end, team_ids, user_ids),
            ("sc_coordinated", "=", True),
        ]

    @api.model
    def _kpi_meetings_filters(self, start, end, team_ids, user_ids):
        """:meth:`_kpi_meetings_domain` but the coordination scope (the
        family adds it as SQL: ``calendar.event._sc_coordinated_sql``)."""
        domain = [
            ("start", ">=", start),
            ("start", "<", end),
            ("coordination_outcome", "not in", [False, "planned"]),
        ]
        if team_ids is not None:
            domain += [
                "|",
                ("opportunity_id.team_id", "in", team_ids),
                ("sale_order_id.team_id", "in", team_ids),
            ]
        if user_ids is not None:
            domain.append(("user_id", "in", user_ids))
        return domain

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
    def _kpi_followups_records_domain(self, start, end, team_ids, user_ids):
        """mail.activity: the follow-ups overdue on the last day of the
        period, as a domain of plain values (the activities of the teams
        searched)."""
        date_to = (end - timedelta(days=1)).date()
        domain = self._kpi_followups_domain(date_to, None, user_ids)
        if team_ids is not None:
            activities = self.env["mail.activity"].search(
                [("id", "in", self._kpi_activities_of_teams(team_ids))]
            )
            domain.append(("id", "in", activities.ids))
        return domain

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
        ]
        query = self.env["mail.activity"]._where_calc([])
        query.add_where(SQL("(%s)", SQL(" OR ").join(documents)))
        return query

    @api.model
    def _kpi_activities_query(self, domain):
        """A Query of the activities matching ``domain`` that the user may
        read: the same set as ``mail.activity._search``, whose access check
        on the documents runs in Python over every activity, but checked in
        SQL: an activity is readable when it is the user's own or when the
        user may perform the document model's ``_mail_post_access`` on its
        document (model access and record rules, as in
        ``_filtered_access``)."""
        Activity = self.env["mail.activity"]
        if self.env.su:
            return Activity._search(domain)
        Activity.browse().check_access("read")
        query = self._kpi_activities_sudo_query(domain)
        Activity._apply_ir_rules(query, "read")
        if query.is_empty():
            return query
        self.env.cr.execute(query.select(SQL("DISTINCT mail_activity.res_model")))
        readable = [SQL("mail_activity.user_id = %s", self.env.uid)]
        for (model,) in self.env.cr.fetchall():
            documents = self._kpi_activity_documents_sql(model, query)
            readable.append(
                SQL("(mail_activity.res_model = %s AND %s)", model, documents)
            )
        query.add_where(SQL("(%s)", SQL(" OR ").join(readable)))
        return query

    @api.model
    def _kpi_activities_sudo_query(self, domain):
        """``domain`` on mail.activity without any access check (the caller
        applies them)."""
        return self.env["mail.activity"].sudo()._search(domain)

    @api.model
    def _kpi_activity_documents_sql(self, model, query):
        """An SQL condition on ``mail_activity.res_id``: the documents of
        ``model`` on which the user may post (``_mail_post_access``), as
        ``BaseModel._check_access`` decides it; a model overriding that check
        is asked in Python about the documents of the activities of
        ``query``."""
        if model not in self.env:
            return SQL("FALSE")
        Document = self.env[model]
        operation = getattr(Document, "_mail_post_access", "read")
        if type(Document)._check_access is not models.BaseModel._check_access:
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT res_id FROM mail_activity "
                    "WHERE id IN %s AND res_model = %s",
                    query.subselect(),
                    model,
                )
            )
            ids = [res_id for (res_id,) in self.env.cr.fetchall()]
            allowed = Document.browse(ids)._filtered_access(operation)
            return SQL("mail_activity.res_id IN %s", tuple(allowed.ids) or (0,))
        if not self.env["ir.model.access"].check(
            model, operation, raise_exception=False
        ):
            return SQL("FALSE")
        if not self.env["ir.rule"]._compute_domain(model, operation):
            return SQL("TRUE")
        # EXISTS, not IN: a hashed IN would have to hold every readable
        # document; this is an index lookup per activity.
        documents = Document.with_context(active_test=False)._where_calc([])
        documents.add_where(
            SQL("%s = mail_activity.res_id", SQL.identifier(documents.table, "id"))
        )
        Document._apply_ir_rules(documents, operation)
        return SQL("EXISTS(%s)", documents.subselect(SQL("1")))

    # === FAMILIES ===

    @api.model
    def _kpi_fulfillment(self, buckets, team_ids, user_ids):
        """fulfillment_rate: done outgoing deliveries of sale orders, done on
        time and in full (see :meth:`_kpi_fulfillment_sql`)."""
        key = "fulfillment_rate"
        if not self._kpi_readable("stock.picking"):
            return [{key: None} for __ in buckets]
        domain = self._kpi_fulfillment_domain(
            buckets[0][0], buckets[-1][1], team_ids, user_ids
        )
        query = self._kpi_query("stock.picking", domain)
        on_time, in_full = self._kpi_fulfillment_sql(SQL.identifier("stock_picking"))
        rows = self._kpi_fetch_order_periods(
            query,
            SQL("stock_picking.date_done"),
            buckets,
            (
                SQL("count(*)"),
                SQL("count(*) FILTER (WHERE %s AND %s)", on_time, in_full),
            ),
            ("deliveries", "deliveries_otif"),
            team_ids,
            user_ids,
            models=("stock.picking", "sale.order"),
        )
        return [
            {key: rate(otif, done), base_key(key): done}
            for done, otif in self._kpi_sum_by_bucket(buckets, rows, 2)
        ]

    @api.model
    def _kpi_support(self, buckets, team_ids, user_ids):
        """support_turnaround_hours and internal_response_hours (see
        :meth:`_kpi_support_sql`), by the day a request was resolved and by
        the day it was requested."""
        keys = ("support_turnaround_hours", "internal_response_hours")
        model = "sales.support.request"
        if not self._kpi_readable(model):
            return [dict.fromkeys(keys) for __ in buckets]
        start, end = buckets[0][0], buckets[-1][1]
        domain = [
            "|",
            "&",
            ("done_date", ">=", start),
            ("done_date", "<", end),
            "&",
            ("request_date", ">=", start),
            ("request_date", "<", end),
        ] + self._kpi_support_filters(team_ids, user_ids)
        query = self._kpi_query(model, domain)
        table = self.env[model]._table
        turnaround, response = self._kpi_support_sql(SQL.identifier(table))
        done_date = SQL.identifier(table, "done_date")
        request_date = SQL.identifier(table, "request_date")
        bounds = sorted({bound for period in buckets for bound in period})
        if len(bounds) == 2:
            # get_kpis: one plain aggregate, each figure over its own dates
            def within(value, column):
                return SQL(
                    "%s IS NOT NULL AND %s >= %s AND %s < %s",
                    value,
                    column,
                    bounds[0],
                    column,
                    bounds[1],
                )

            ((resolution, resolved, answer, answered),) = self._kpi_fetch_rows(
                query,
                None,
                SQL(
                    "COALESCE(sum((%s)::numeric) FILTER (WHERE %s), 0)::text",
                    turnaround,
                    within(turnaround, done_date),
                ),
                SQL("count(*) FILTER (WHERE %s)", within(turnaround, done_date)),
                SQL(
                    "COALESCE(sum((%s)::numeric) FILTER (WHERE %s), 0)::text",
                    response,
                    within(response, request_date),
                ),
                SQL("count(*) FILTER (WHERE %s)", within(response, request_date)),
            ) or [("0", 0, "0", 0)]
            by_done = [(bounds[0], resolution, resolved)]
            by_answered = [(bounds[0], answer, answered)]
        else:
            # a series: grouped by the stretches between the buckets' bounds
            # (as _kpi_fetch_periods), once by the day a request was resolved
            # and once by the day it was requested
            def stretch(value, column):
                return SQL(
                    "CASE WHEN %(value)s IS NOT NULL THEN (%(bounds)s::timestamp[])"
                    "[width_bucket(%(column)s, %(bounds)s::timestamp[])] END",
                    value=value,
                    bounds=bounds,
                    column=column,
                )

            done_day = stretch(turnaround, done_date)
            answered_day = stretch(response, request_date)
            rows = self._kpi_fetch_rows(
                query,
                SQL("GROUPING SETS ((%s), (%s))", done_day, answered_day),
                SQL("GROUPING(%s)", done_day),
                done_day,
                answered_day,
                SQL("COALESCE(sum((%s)::numeric), 0)::text", turnaround),
                SQL("count(*)"),
                SQL("COALESCE(sum((%s)::numeric), 0)::text", response),
            )
            by_done, by_answered = [], []
            for grouping, d_day, a_day, resolution, count, answer in rows:
                if grouping == 0:
                    if d_day is not None:
                        by_done.append((d_day, resolution, count))
                elif a_day is not None:
                    by_answered.append((a_day, answer, count))
        done = self._kpi_sum_by_bucket(buckets, by_done, 2)
        answered = self._kpi_sum_by_bucket(buckets, by_answered, 2)
        return [
            {
                "support_turnaround_hours": average_hours(*turnaround_sums),
                "internal_response_hours": average_hours(*response_sums),
            }
            for turnaround_sums, response_sums in zip(done, answered, strict=True)
        ]

    @api.model
    def _kpi_meetings(self, buckets, team_ids, user_ids):
        """meeting_efficiency_rate: held among the meetings of the period
        that have an outcome other than planned."""
        key = "meeting_efficiency_rate"
        model = "calendar.event"
        if not self._kpi_readable(model):
            return [{key: None} for __ in buckets]
        domain = self._kpi_meetings_filters(
            buckets[0][0], buckets[-1][1], team_ids, user_ids
        )
        query = self._kpi_query(model, domain)
        query.add_where(self.env[model]._sc_coordinated_sql(query.table))
        rows = self._kpi_fetch_periods(
            query,
            SQL("calendar_event.start"),
            buckets,
            SQL("count(*)"),
            SQL("count(*) FILTER (WHERE calendar_event.coordination_outcome = 'held')"),
        )
        return [
            {key: rate(held, meetings), base_key(key): meetings}
            for meetings, held in self._kpi_sum_by_bucket(buckets, rows, 2)
        ]

    @api.model
    def _kpi_followups(self, buckets, team_ids, user_ids):
        """followups_overdue: open follow-up activities due before the last
        day of the period."""
        key = "followups_overdue"
        model = "mail.activity"
        if not self._kpi_readable(model):
            return [{key: None} for __ in buckets]
        last_days = [(end - timedelta(days=1)).date() for __, end in buckets]
        domain = self._kpi_followups_domain(last_days[-1], team_ids, user_ids)
        query = self._kpi_activities_query(domain)
        rows = self._kpi_fetch_days(
            query, SQL("mail_activity.date_deadline"), SQL("count(*)")
        )
        return [
            {key: sum(count for deadline, count in rows if deadline < last_day)}
            for last_day in last_days
        ]

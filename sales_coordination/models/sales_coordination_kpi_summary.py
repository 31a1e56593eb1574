# The KPI model split by capability (see sales_coordination_kpi.py).
# pylint: disable=consider-merging-classes-inherited
from datetime import datetime, time, timedelta

from odoo import api, models, tools
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .sales_coordination_kpi_day import EXACT_TOTALS


class SalesCoordinationKpi(models.AbstractModel):
    """The order families read the days summed up in the daily totals
    (``sales.coordination.kpi.day``) instead of the orders, when the totals
    can stand for what the reader would count: the reader may read every
    order of its companies (its record rules on ``sale.order`` come down to
    the multi-company rule), it asks for no user, and the day is summed up
    with no change noted since. Every other day is computed from the
    orders, by the same query as without the totals."""

    _inherit = "sales.coordination.kpi"

    @api.model
    @tools.ormcache(
        "self.env.uid", "self.env.su", "model", "tuple(self.env.companies.ids)"
    )
    def _kpi_day_reads_all(self, model="sale.order"):
        """Whether the current user's record rules on ``model`` keep exactly
        the records of the allowed companies: every global rule is the
        multi-company one, and no rule of the user's groups applies or one
        of them keeps every record (a manager, a coordinator who sees all
        orders). The superuser, who skips the company rule too, is not such
        a reader. Cached: Odoo clears the cache when rules or groups change."""
        if self.env.su:
            return False
        Rule = self.env["ir.rule"]
        company_rule = [("company_id", "in", self.env.companies.ids)]
        context = Rule._eval_context()
        groups = self.env.user.groups_id
        sees_all = applied = False
        for rule in Rule._get_rules(model, mode="read").sudo():
            domain = expression.normalize_domain(
                safe_eval(rule.domain_force, context) if rule.domain_force else []
            )
            if not rule.groups:
                if domain != company_rule and domain != expression.TRUE_DOMAIN:
                    return False
            elif rule.groups & groups:
                applied = True
                if domain in (expression.TRUE_DOMAIN, [expression.TRUE_LEAF]):
                    sees_all = True
        return sees_all or not applied

    @api.model
    def _kpi_day_plan(self, periods, team_ids, user_ids, models=("sale.order",)):
        """``(until, noted)`` when the daily totals may stand for the days of
        ``periods`` before ``until`` but the ``noted`` ones (changed since
        they were summed up), else None (no totals summed up, a user filter,
        a reader who sees fewer records of ``models``, periods not cut at
        midnight)."""
        if user_ids is not None:
            return None
        __, until = self.env["sales.coordination.kpi.day"]._sc_until()
        if until is None:
            return None
        bounds = {bound for period in periods for bound in period}
        if any(bound.time() != time.min for bound in bounds):
            return None
        start = min(bounds)
        if start.date() >= until or not all(
            self._kpi_day_reads_all(model) for model in models
        ):
            return None
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT day FROM sales_coordination_kpi_day_dirty"
                " WHERE day >= %s AND day < %s ORDER BY day",
                start.date(),
                until,
            )
        )
        return until, [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _kpi_fetch_order_periods(
        self,
        query,
        column,
        periods,
        aggregates,
        totals,
        team_ids,
        user_ids,
        models=("sale.order",),
    ):
        """:meth:`_kpi_fetch_periods` of a query on ``sale.order`` (or on
        the deliveries of orders, ``models`` then names both), whose
        ``aggregates`` are the sums ``totals`` (names of
        ``sales.coordination.kpi.day`` columns, in the same order) of the
        daily totals: the days summed up are read from the totals, the
        others from the records (``query`` keeps only those)."""
        plan = self._kpi_day_plan(periods, team_ids, user_ids, models)
        if plan is None:
            return self._kpi_fetch_periods(query, column, periods, *aggregates)
        until, noted = plan
        start = min(first for first, __ in periods)
        end = max(last for __, last in periods)
        until_start = datetime.combine(until, time.min)
        live = [
            SQL(
                "(%s >= %s AND %s < %s)",
                column,
                day_start,
                column,
                day_start + timedelta(days=1),
            )
            for day_start in (datetime.combine(day, time.min) for day in noted)
        ]
        if end > until_start:
            live.append(SQL("%s >= %s", column, until_start))
        rows = []
        if live:
            query.add_where(SQL("(%s)", SQL(" OR ").join(live)))
            rows = self._kpi_fetch_periods(query, column, periods, *aggregates)
        return rows + self._kpi_day_rows(
            start.date(), min(end.date(), until), noted, totals, team_ids
        )

    @api.model
    def _kpi_day_rows(self, first, until, noted, totals, team_ids):
        """Rows ``(day, sums of totals...)`` of the daily totals from
        ``first`` to ``until`` (excluded) but the ``noted`` days, of the
        orders the KPIs count: in the allowed companies, in coordination
        (the scope mixin's rule, on the team and the owners) and of the
        teams ``team_ids`` when given."""
        where = [
            SQL("sc_d.day >= %s AND sc_d.day < %s", first, until),
            SQL(
                "sc_d.company_id = ANY(%(ids)s)"
                " AND sc_d.sale_company_id = ANY(%(ids)s)",
                ids=self.env.companies.ids,
            ),
        ]
        if noted:
            where.append(SQL("sc_d.day <> ALL(%s::date[])", noted))
        uncoordinated = self.env["crm.team"]._sc_uncoordinated_team_ids()
        if uncoordinated:
            where.append(
                SQL(
                    "(sc_d.team_id IS NULL OR sc_d.team_id <> ALL(%s) OR sc_d.owned)",
                    list(uncoordinated),
                )
            )
        if team_ids is not None:
            where.append(SQL("sc_d.team_id = ANY(%s)", list(team_ids)))
        sums = [
            SQL("COALESCE(sum(%s), 0)::text", SQL.identifier("sc_d", name))
            if name in EXACT_TOTALS
            else SQL("COALESCE(sum(%s), 0)", SQL.identifier("sc_d", name))
            for name in totals
        ]
        self.env.cr.execute(
            SQL(
                "SELECT sc_d.day::timestamp, %s FROM sales_coordination_kpi_day sc_d"
                " WHERE %s GROUP BY sc_d.day",
                SQL(", ").join(sums),
                SQL(" AND ").join(where),
            )
        )
        return self.env.cr.fetchall()

# The KPI model split by capability (see sales_coordination_kpi.py).
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models
from odoo.tools import SQL

from .sales_coordination_kpi import average_hours, base_key, rate


class SalesCoordinationKpi(models.AbstractModel):
    """The delivery-promise KPIs: promises kept, customers informed before
    the promise passed, and the average delay of late deliveries. They read
    the status the orders carry (``sale_order_delivery.py``)."""

    _inherit = "sales.coordination.kpi"

    # === DOMAINS OF THE RECORDS ===

    @api.model
    def _kpi_delivery_done_domain(self, start, end, team_ids, user_ids):
        """sale.order fully delivered in the period."""
        return [
            ("delivery_done_date", ">=", start),
            ("delivery_done_date", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids)

    @api.model
    def _kpi_delivery_risk_domain(self, start, end, team_ids, user_ids):
        """sale.order that first turned at risk or late in the period."""
        return [
            ("delivery_first_risk_date", ">=", start),
            ("delivery_first_risk_date", "<", end),
        ] + self._kpi_order_filters(team_ids, user_ids)

    @api.model
    def _kpi_delivery_late_domain(self, start, end, team_ids, user_ids):
        """sale.order fully delivered late in the period."""
        return self._kpi_delivery_done_domain(start, end, team_ids, user_ids) + [
            ("delivery_risk", "=", "delivered_late")
        ]

    # === FAMILY ===

    @api.model
    def _kpi_delivery(self, buckets, team_ids, user_ids):
        """promise_kept_rate, proactive_update_rate and
        average_delivery_delay_days, by the day an order was fully delivered
        and by the day it first turned at risk."""
        keys = (
            "promise_kept_rate",
            "proactive_update_rate",
            "average_delivery_delay_days",
        )
        if not self._kpi_readable("sale.order"):
            return [dict.fromkeys(keys) for __ in buckets]
        start, end = buckets[0][0], buckets[-1][1]
        done = self._kpi_fetch_periods(
            self._kpi_query(
                "sale.order",
                self._kpi_delivery_done_domain(start, end, team_ids, user_ids),
            ),
            SQL("sale_order.delivery_done_date"),
            buckets,
            SQL("count(*)"),
            SQL("count(*) FILTER (WHERE sale_order.delivery_promise_kept)"),
            SQL("count(*) FILTER (WHERE sale_order.delivery_risk = 'delivered_late')"),
            SQL(
                "COALESCE(sum(sale_order.delivery_delay_days) FILTER "
                "(WHERE sale_order.delivery_risk = 'delivered_late'), 0)::text"
            ),
        )
        risky = self._kpi_fetch_periods(
            self._kpi_query(
                "sale.order",
                self._kpi_delivery_risk_domain(start, end, team_ids, user_ids),
            ),
            SQL("sale_order.delivery_first_risk_date"),
            buckets,
            SQL("count(*)"),
            SQL("count(*) FILTER (WHERE sale_order.delivery_informed_in_time)"),
        )
        done_sums = self._kpi_sum_by_bucket(buckets, done, 4)
        risky_sums = self._kpi_sum_by_bucket(buckets, risky, 2)
        return [
            {
                "promise_kept_rate": rate(kept, delivered),
                "proactive_update_rate": rate(informed, turned),
                "average_delivery_delay_days": average_hours(delay, late),
                base_key("promise_kept_rate"): delivered,
                base_key("proactive_update_rate"): turned,
            }
            for (delivered, kept, late, delay), (turned, informed) in zip(
                done_sums, risky_sums, strict=True
            )
        ]

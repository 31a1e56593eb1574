# The daily totals of the KPIs follow the orders' changes.
# pylint: disable=consider-merging-classes-inherited
from datetime import datetime, time

from odoo import models

# not in the cache
MISSING = object()

# The columns the daily totals of the KPIs read (sales.coordination.kpi.day).
KPI_DAY_FIELDS = frozenset(
    {
        "state",
        "date_order",
        "company_id",
        "team_id",
        "coordinator_id",
        "administrator_id",
        "amount_untaxed",
        "currency_rate",
        "accuracy_first_checked_date",
        "first_time_right",
        "data_entry_right",
        "invoice_posted_date",
    }
)
# ... and those that say under which day an order counts.
KPI_DAY_DATE_FIELDS = frozenset(
    {"date_order", "accuracy_first_checked_date", "invoice_posted_date"}
)
# ... and those that decide which orders' deliveries count.
KPI_DAY_SCOPE_FIELDS = frozenset(
    {"company_id", "team_id", "coordinator_id", "administrator_id"}
)


class SaleOrder(models.Model):
    """Every change of an order notes the days it counted under and, when
    it moves an order in time, the days it counts under now, in the daily
    totals of the KPIs (``sales.coordination.kpi.day.mixin``)."""

    _name = "sale.order"
    _inherit = ["sale.order", "sales.coordination.kpi.day.mixin"]  # noqa: RUF012

    _sc_kpi_day_fields = KPI_DAY_FIELDS

    def _sc_kpi_day_note_after(self, touched):
        return bool(KPI_DAY_DATE_FIELDS & touched)

    def _sc_kpi_day_may_note(self, touched):
        """Whether a change of the fields ``touched`` of these orders may
        change a summed-up day: not while the totals are off, nor when the
        orders' dates, unchanged and known from the cache, are all recent
        (today's quotations: no query at all)."""
        cutoff = self.env["sales.coordination.kpi.day"]._sc_writer_cutoff()
        if cutoff is None:
            return False
        if touched & (KPI_DAY_DATE_FIELDS | KPI_DAY_SCOPE_FIELDS):
            return True
        cutoff = datetime.combine(cutoff, time.min)
        cache = self.env.cache
        for fname in ("create_date", *sorted(KPI_DAY_DATE_FIELDS)):
            field = self._fields[fname]
            for order in self:
                value = cache.get(order, field, MISSING)
                if value is MISSING or (value and value < cutoff):
                    return True
        return False

    def _sc_kpi_day_note(self):
        """Note the days these orders count under now, in the database."""
        self.env["sales.coordination.kpi.day"]._sc_note_orders(self.ids)

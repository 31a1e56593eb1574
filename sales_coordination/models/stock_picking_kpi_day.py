# The daily totals of the KPIs follow the deliveries' changes.
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class StockPicking(models.Model):
    """A change of a delivery notes the days it (and the delivery it is a
    backorder of) counted under in the daily totals of the KPIs."""

    _name = "stock.picking"
    _inherit = ["stock.picking", "sales.coordination.kpi.day.mixin"]  # noqa: RUF012

    # the columns of a delivery the fulfillment totals read
    _sc_kpi_day_fields = frozenset(
        {
            "state",
            "date_done",
            "date_deadline",
            "scheduled_date",
            "sale_id",
            "picking_type_id",
            "company_id",
            "backorder_id",
        }
    )

    def _sc_kpi_day_note(self):
        self.env["sales.coordination.kpi.day"]._sc_note_pickings(self.ids)

# The daily totals of the KPIs when an operation type changes its kind.
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class StockPickingType(models.Model):
    """Which deliveries the fulfillment KPI counts depends on the kind of
    their operation type (outgoing): changing it changes every day, so the
    daily totals of the KPIs are summed up again from scratch."""

    _inherit = "stock.picking.type"

    def write(self, vals):
        if "code" in vals:
            self.env["sales.coordination.kpi.day"]._sc_sum_up_again()
        return super().write(vals)

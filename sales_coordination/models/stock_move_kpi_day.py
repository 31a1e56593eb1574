# The daily totals of the KPIs follow the delivered quantities.
# pylint: disable=consider-merging-classes-inherited
from odoo import models
from odoo.tools import SQL


class StockMove(models.Model):
    """A change of a move of a done delivery (cancelled, short) changes
    whether the delivery was in full: the day of its delivery is noted for
    the daily totals of the KPIs."""

    _name = "stock.move"
    _inherit = ["stock.move", "sales.coordination.kpi.day.mixin"]  # noqa: RUF012

    # the columns of a move that decide whether its delivery was in full
    _sc_kpi_day_fields = frozenset(
        {"state", "quantity", "product_uom_qty", "picking_id"}
    )

    def _sc_kpi_day_note(self):
        if not self:
            return
        self.env["sales.coordination.kpi.day"]._sc_note_days(
            SQL(
                "SELECT sc_p.date_done::date FROM stock_picking sc_p"
                " WHERE sc_p.state = 'done' AND sc_p.id IN ("
                " SELECT picking_id FROM stock_move WHERE id = ANY(%s))",
                self.ids,
            )
        )

# The daily totals of the KPIs follow the delivered quantities.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models
from odoo.tools import SQL

# The columns of a move that decide whether its delivery was in full.
KPI_DAY_MOVE_FIELDS = frozenset({"state", "quantity", "product_uom_qty", "picking_id"})


class StockMove(models.Model):
    """A change of a move of a done delivery (cancelled, short) changes
    whether the delivery was in full: the day of its delivery is noted for
    the daily totals of the KPIs (``sales.coordination.kpi.day``);
    nothing while the totals are off."""

    _inherit = "stock.move"

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        if self.env["sales.coordination.kpi.day"]._sc_writer_cutoff():
            moves.flush_recordset(["picking_id"])
            moves._sc_kpi_day_note()
        return moves

    def unlink(self):
        self._sc_kpi_day_note()
        return super().unlink()

    def _write_multi(self, vals_list):
        noting = (
            bool(self)
            and any(KPI_DAY_MOVE_FIELDS.intersection(vals) for vals in vals_list)
            and bool(self.env["sales.coordination.kpi.day"]._sc_writer_cutoff())
        )
        if noting:
            self._sc_kpi_day_note()
        super()._write_multi(vals_list)
        if noting:
            self._sc_kpi_day_note()

    def _sc_kpi_day_note(self):
        """Note the days of the deliveries of these moves, in the database."""
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

# The daily totals of the KPIs follow the deliveries' changes.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models

# The columns of a delivery the fulfillment totals read.
KPI_DAY_PICKING_FIELDS = frozenset(
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


class StockPicking(models.Model):
    """A change of a delivery that reaches the database notes the days it
    (and the delivery it is a backorder of) counted under in the daily
    totals of the KPIs (``sales.coordination.kpi.day``), before and after;
    nothing while the totals are off."""

    _inherit = "stock.picking"

    @api.model_create_multi
    def create(self, vals_list):
        pickings = super().create(vals_list)
        # a backorder of an old delivery, or a delivery imported done
        if self.env["sales.coordination.kpi.day"]._sc_writer_cutoff():
            pickings.flush_recordset()
            pickings._sc_kpi_day_note()
        return pickings

    def unlink(self):
        self._sc_kpi_day_note()
        return super().unlink()

    def _write_multi(self, vals_list):
        noting = (
            bool(self)
            and any(KPI_DAY_PICKING_FIELDS.intersection(vals) for vals in vals_list)
            and bool(self.env["sales.coordination.kpi.day"]._sc_writer_cutoff())
        )
        if noting:
            self._sc_kpi_day_note()
        super()._write_multi(vals_list)
        if noting:
            self._sc_kpi_day_note()

    def _sc_kpi_day_note(self):
        """Note the days these deliveries count under now, in the database."""
        self.env["sales.coordination.kpi.day"]._sc_note_pickings(self.ids)

from odoo import api, models


class SalesCoordinationKpiDayMixin(models.AbstractModel):
    """Records whose changes the daily totals of the KPIs follow
    (``sales.coordination.kpi.day``): a creation, a deletion and every write
    of one of ``_sc_kpi_day_fields`` that reaches the database (the ORM's
    flushes and ``_write`` come through ``_write_multi``) note the days the
    records count under, before the change and after it, in the change's
    own transaction. Nothing is noted, and no query is added, while the
    totals are off.

    A model says which of its columns the totals read
    (``_sc_kpi_day_fields``) and how to note its records' days
    (``_sc_kpi_day_note``)."""

    _name = "sales.coordination.kpi.day.mixin"
    _description = "Sales Coordination: records of the KPIs' daily totals"

    _sc_kpi_day_fields = frozenset()

    # === CRUD METHODS ===

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        # a record created with an old date (an import, a backorder of an
        # old delivery) changes an old day
        if self.env["sales.coordination.kpi.day"]._sc_writer_cutoff():
            records.flush_recordset()
            records._sc_kpi_day_note()
        return records

    def unlink(self):
        self._sc_kpi_day_note()
        return super().unlink()

    def _write_multi(self, vals_list):
        # the fields of every record's values (each dict is one record's)
        touched = self._sc_kpi_day_fields.intersection(set().union(*vals_list))
        noting = bool(self and touched) and self._sc_kpi_day_may_note(touched)
        if noting:
            self._sc_kpi_day_note()
        super()._write_multi(vals_list)
        if not noting or not self._sc_kpi_day_note_after(touched):
            return
        self._sc_kpi_day_note()

    # === BUSINESS METHODS ===

    def _sc_kpi_day_may_note(self, touched):
        """Whether a write of the fields ``touched`` may change a summed-up
        day (default: whenever the totals are on)."""
        return bool(self.env["sales.coordination.kpi.day"]._sc_writer_cutoff())

    def _sc_kpi_day_note_after(self, touched):
        """Whether the days after the write must be noted too (default:
        yes; a model whose dates did not change knows them already)."""
        return True

    def _sc_kpi_day_note(self):
        """Note the days these records count under now, in the database."""
        raise NotImplementedError

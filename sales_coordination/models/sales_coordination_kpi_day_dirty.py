from odoo import fields, models


class SalesCoordinationKpiDayDirty(models.Model):
    """A day whose orders changed after its totals were summed up
    (``sales.coordination.kpi.day``): the KPIs compute it from the orders
    until the cron sums it up again and removes the note. Written in SQL by
    the order's writers (``_sc_note_orders``), in the transaction of the
    change, so that a reader sees the change and its note together."""

    _name = "sales.coordination.kpi.day.dirty"
    _description = "Sales Coordination KPI Day to Sum Up Again"
    _log_access = False
    _order = "day, id"

    day = fields.Date(required=True, index=True)

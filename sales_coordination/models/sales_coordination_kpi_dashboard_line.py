from odoo import api, fields, models

from .sales_coordination_kpi_target import KPI_SELECTION


class SalesCoordinationKpiDashboardLine(models.TransientModel):
    _name = "sales.coordination.kpi.dashboard.line"
    _inherit = ["sales.coordination.source.mixin"]  # noqa: RUF012
    _description = "Sales Coordination KPI Dashboard Line"
    _order = "dashboard_id, sequence, id"
    # a line belongs to whoever may see its dashboard
    _sc_source_fields = ("dashboard_id",)

    dashboard_id = fields.Many2one(
        comodel_name="sales.coordination.kpi.dashboard",
        required=True,
        ondelete="cascade",
    )
    sequence = fields.Integer()
    kpi = fields.Selection(selection=KPI_SELECTION, string="KPI key", required=True)
    name = fields.Char(string="KPI", required=True)
    current = fields.Float(string="Current Value", digits=(16, 1))
    previous = fields.Float(string="Previous Value", digits=(16, 1))
    has_current = fields.Boolean()
    has_previous = fields.Boolean()
    current_display = fields.Char(string="Current", compute="_compute_displays")
    previous_display = fields.Char(string="Previous", compute="_compute_displays")
    trend = fields.Selection(
        selection=[("up", "▲ Up"), ("down", "▼ Down"), ("flat", "= Flat")],
    )
    target = fields.Float(string="Target Value", digits=(16, 1))
    has_target = fields.Boolean()
    target_display = fields.Char(string="Target", compute="_compute_displays")
    status = fields.Selection(
        selection=[("green", "On target"), ("amber", "Close"), ("red", "Off target")],
    )

    # === COMPUTE METHODS ===

    @api.depends("current", "previous", "target", "has_current", "has_previous")
    def _compute_displays(self):
        for line in self:
            line.current_display = self._format(line.current, line.has_current)
            line.previous_display = self._format(line.previous, line.has_previous)
            line.target_display = (
                self._format(line.target, True) if line.has_target else "–"
            )

    # === BUSINESS METHODS ===

    @api.model
    def _format(self, value, present):
        if not present:
            # e.g. the accuracy KPIs of the months before the install: no
            # order of that time was checked
            return self.env._("No data")
        return f"{value:g}" if value == int(value) else f"{value:.1f}"

    @api.model
    def _trend(self, current, previous):
        if current is None or previous is None:
            return False
        if current > previous:
            return "up"
        if current < previous:
            return "down"
        return "flat"

    @api.model
    def _status(self, value, target):
        """Red/amber/green of ``value`` against a target record (or None)."""
        return self.env["sales.coordination.kpi"]._kpi_status(value, target) or False

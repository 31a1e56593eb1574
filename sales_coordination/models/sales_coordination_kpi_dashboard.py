import base64
import io
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import date_utils

from .sales_coordination_kpi import KPI_KEYS
from .sales_coordination_kpi_target import KPI_LABELS

PERIOD_STEP = {
    "month": relativedelta(months=1),
    "quarter": relativedelta(months=3),
    "year": relativedelta(years=1),
}


class SalesCoordinationKpiDashboard(models.TransientModel):
    _name = "sales.coordination.kpi.dashboard"
    _description = "Sales Coordination KPI Dashboard"

    period = fields.Selection(
        selection=[
            ("month", "This Month"),
            ("quarter", "This Quarter"),
            ("year", "This Year"),
            ("custom", "Custom"),
        ],
        required=True,
        default="month",
    )
    date_from = fields.Date(
        compute="_compute_dates",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    date_to = fields.Date(
        compute="_compute_dates",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    previous_date_from = fields.Date(compute="_compute_previous_dates")
    previous_date_to = fields.Date(compute="_compute_previous_dates")
    mine = fields.Boolean(
        string="My KPIs",
        help="Only the records of the current user (their own workspace).",
    )
    team_ids = fields.Many2many(comodel_name="crm.team", string="Sales Teams")
    user_ids = fields.Many2many(
        comodel_name="res.users",
        string="Users",
        domain="[('share', '=', False)]",
    )
    line_ids = fields.One2many(
        comodel_name="sales.coordination.kpi.dashboard.line",
        inverse_name="dashboard_id",
        string="KPIs",
    )
    export_file = fields.Binary(readonly=True, attachment=False)
    export_filename = fields.Char(readonly=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
        help="A dashboard is seen by the user who made it, in this company only.",
    )

    # === COMPUTE METHODS ===

    @api.depends("period")
    def _compute_dates(self):
        today = fields.Date.context_today(self)
        for dashboard in self:
            if dashboard.period == "custom" and dashboard.date_from:
                # Keep the dates the user typed.
                dashboard.date_from = dashboard.date_from
                dashboard.date_to = dashboard.date_to or dashboard.date_from
                continue
            period = dashboard.period if dashboard.period != "custom" else "month"
            dashboard.date_from = date_utils.start_of(today, period)
            dashboard.date_to = date_utils.end_of(today, period)

    @api.depends("period", "date_from", "date_to")
    def _compute_previous_dates(self):
        for dashboard in self:
            dashboard.previous_date_from, dashboard.previous_date_to = (
                dashboard._previous_period()
            )

    # === CONSTRAINTS AND ONCHANGE ===

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        check = self.env["sales.coordination.rpc.check"]
        for dashboard in self:
            try:
                first = check._sc_check_date(
                    dashboard.date_from, self.env._("Start Date")
                )
                last = check._sc_check_date(dashboard.date_to, self.env._("End Date"))
                check._sc_check_period(first, last, self.env._("The period"))
            except UserError as error:
                raise ValidationError(error.args[0]) from error

    @api.onchange("period", "date_from", "date_to", "team_ids", "user_ids", "mine")
    def _onchange_compute_lines(self):
        self.line_ids = [Command.clear()] + [
            Command.create(values) for values in self._prepare_line_values()
        ]

    # === CRUD ===

    @api.model_create_multi
    def create(self, vals_list):
        dashboards = super().create(vals_list)
        for dashboard in dashboards.filtered(lambda d: not d.line_ids):
            dashboard.line_ids = [
                Command.create(values) for values in dashboard._prepare_line_values()
            ]
        return dashboards

    # === ACTIONS ===

    def action_refresh(self):
        self.ensure_one()
        self.line_ids = [Command.clear()] + [
            Command.create(values) for values in self._prepare_line_values()
        ]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
            "context": self.env.context,
        }

    def action_open_lines(self):
        """The KPI table as a list, which Odoo exports to CSV or XLSX."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "KPIs %(start)s – %(end)s", start=self.date_from, end=self.date_to
            ),
            "res_model": "sales.coordination.kpi.dashboard.line",
            "view_mode": "list",
            "domain": [("dashboard_id", "=", self.id)],
            "target": "current",
        }

    def action_export_xlsx(self):
        """Download the KPI table as an XLSX file."""
        self.ensure_one()
        self.write(
            {
                "export_file": base64.b64encode(self._export_xlsx()),
                "export_filename": f"kpis_{self.date_from}_{self.date_to}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/export_file/"
            f"{self.export_filename}?download=true",
            "target": "self",
        }

    # === BUSINESS METHODS ===

    def _scope(self):
        """(team_ids, user_ids) to pass to get_kpis."""
        self.ensure_one()
        if self.mine:
            return None, [self.env.uid]
        return self.team_ids.ids or None, self.user_ids.ids or None

    def _previous_period(self):
        self.ensure_one()
        check = self.env["sales.coordination.rpc.check"]
        if not (
            check._sc_date_in_range(self.date_from)
            and check._sc_date_in_range(self.date_to)
            and self.date_from <= self.date_to
        ):
            # Nothing to compare with (the constraint refuses such a period).
            return False, False
        if self.period in PERIOD_STEP:
            step = PERIOD_STEP[self.period]
            start = self.date_from - step
            end = self.date_from - timedelta(days=1)
        else:
            length = self.date_to - self.date_from
            end = self.date_from - timedelta(days=1)
            start = end - length
        if not check._sc_date_in_range(start):
            return False, False
        return start, end

    def _prepare_line_values(self):
        """One line per KPI: current and previous figure, trend and status."""
        self.ensure_one()
        if not (self.date_from and self.date_to):
            return []
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period must not end before it starts."))
        check = self.env["sales.coordination.rpc.check"]
        check._sc_check_period(
            check._sc_check_date(self.date_from, self.env._("Start Date")),
            check._sc_check_date(self.date_to, self.env._("End Date")),
            self.env._("The period"),
        )
        team_ids, user_ids = self._scope()
        kpi_model = self.env["sales.coordination.kpi"]
        previous_from, previous_to = self._previous_period()
        current = kpi_model.get_kpis(
            fields.Date.to_string(self.date_from),
            fields.Date.to_string(self.date_to),
            team_ids=team_ids,
            user_ids=user_ids,
        )
        previous = (
            kpi_model.get_kpis(
                fields.Date.to_string(previous_from),
                fields.Date.to_string(previous_to),
                team_ids=team_ids,
                user_ids=user_ids,
            )
            if previous_from
            else dict.fromkeys(KPI_KEYS)
        )
        # get_kpis says False for a KPI it cannot compute; None here
        current, previous = (
            {key: None if value is False else value for key, value in kpis.items()}
            for kpis in (current, previous)
        )
        targets = self.env["sales.coordination.kpi.target"]._get_targets(
            team_ids=team_ids, user_ids=user_ids
        )
        Line = self.env["sales.coordination.kpi.dashboard.line"]
        return [
            {
                "sequence": sequence,
                "kpi": kpi,
                "name": KPI_LABELS[kpi],
                "current": current[kpi],
                "previous": previous[kpi],
                "has_current": current[kpi] is not None,
                "has_previous": previous[kpi] is not None,
                "trend": Line._trend(current[kpi], previous[kpi]),
                "target": targets[kpi].target if kpi in targets else 0.0,
                "has_target": kpi in targets,
                "status": Line._status(current[kpi], targets.get(kpi)),
            }
            for sequence, kpi in enumerate(KPI_KEYS)
        ]

    def _export_xlsx(self):
        import xlsxwriter

        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("KPIs"))
        bold = workbook.add_format({"bold": True})
        sheet.write_row(
            0,
            0,
            [self.env._("Period"), f"{self.date_from} – {self.date_to}"],
            bold,
        )
        header = [
            self.env._("KPI"),
            self.env._("Current"),
            self.env._("Previous"),
            self.env._("Trend"),
            self.env._("Target"),
            self.env._("Status"),
        ]
        sheet.write_row(2, 0, header, bold)
        status_labels = dict(
            self.env["sales.coordination.kpi.dashboard.line"]
            ._fields["status"]
            ._description_selection(self.env)
        )
        trend_labels = dict(
            self.env["sales.coordination.kpi.dashboard.line"]
            ._fields["trend"]
            ._description_selection(self.env)
        )
        for row, line in enumerate(self.line_ids.sorted("sequence"), start=3):
            sheet.write_row(
                row,
                0,
                [
                    line.name,
                    line.current if line.has_current else "",
                    line.previous if line.has_previous else "",
                    trend_labels.get(line.trend, ""),
                    line.target if line.has_target else "",
                    status_labels.get(line.status, ""),
                ],
            )
        sheet.set_column(0, 0, 32)
        sheet.set_column(1, 5, 14)
        workbook.close()
        return output.getvalue()

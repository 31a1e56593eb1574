from odoo import fields, models
from odoo.tools import SQL


class SalesCoordinationSupportReport(models.Model):
    _name = "sales.coordination.support.report"
    _inherit = ["sales.coordination.source.mixin"]  # noqa: RUF012
    _description = "Support Request Analysis"
    _auto = False
    _rec_name = "request_id"
    _order = "request_date desc"
    _sc_source_fields = ("request_id",)

    request_id = fields.Many2one(
        "sales.support.request", string="Request", readonly=True
    )
    request_type = fields.Selection(
        selection=lambda self: (
            self.env["sales.support.request"]
            ._fields["request_type"]
            ._description_selection(self.env)
        ),
        string="Type",
        readonly=True,
    )
    state = fields.Selection(
        selection=lambda self: (
            self.env["sales.support.request"]
            ._fields["state"]
            ._description_selection(self.env)
        ),
        readonly=True,
    )
    assigned_to_id = fields.Many2one("res.users", string="Assignee", readonly=True)
    requested_by_id = fields.Many2one("res.users", string="Requested By", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    request_date = fields.Datetime(string="Requested On", readonly=True)
    done_date = fields.Datetime(string="Done On", readonly=True)
    request_count = fields.Integer(string="Requests", readonly=True)
    done_count = fields.Integer(string="Done", readonly=True)
    response_hours = fields.Float(
        string="Response Time (h)", aggregator="avg", readonly=True
    )
    resolution_hours = fields.Float(
        string="Turnaround (h)", aggregator="avg", readonly=True
    )

    def _query(self):
        # The hours each request counts: the support KPIs' own definition.
        turnaround, response = self.env["sales.coordination.kpi"]._kpi_support_sql(
            SQL.identifier("r")
        )
        return SQL(
            """
            SELECT r.id AS id,
                   r.id AS request_id,
                   r.request_type AS request_type,
                   r.state AS state,
                   r.assigned_to_id AS assigned_to_id,
                   r.requested_by_id AS requested_by_id,
                   r.team_id AS team_id,
                   r.partner_id AS partner_id,
                   r.company_id AS company_id,
                   r.request_date AS request_date,
                   r.done_date AS done_date,
                   1 AS request_count,
                   (r.state = 'done')::int AS done_count,
                   %(response)s AS response_hours,
                   %(turnaround)s AS resolution_hours
              FROM sales_support_request r
            """,
            response=response,
            turnaround=turnaround,
        )

    @property
    def _table_query(self):
        return self._query()

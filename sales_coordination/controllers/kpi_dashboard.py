import json

from odoo import http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DASHBOARD_ARGUMENTS = ("period", "date_from", "date_to", "team_ids", "user_ids", "mine")


class KpiDashboardController(http.Controller):
    @http.route(
        "/sales_coordination/kpi_dashboard/xlsx",
        type="http",
        auth="user",
        methods=["POST"],
        readonly=True,
    )
    def kpi_dashboard_xlsx(self, kwargs="{}", **_ignored):
        """The dashboard's cards and their series as an XLSX file.

        :param kwargs: the arguments of ``get_dashboard`` as a JSON object
            (other keys are ignored)
        """
        try:
            arguments = json.loads(kwargs)
        except ValueError as error:
            raise UserError(request.env._("kwargs must be a JSON object.")) from error
        if not isinstance(arguments, dict):
            raise UserError(request.env._("kwargs must be a JSON object."))
        arguments = {
            key: value for key, value in arguments.items() if key in DASHBOARD_ARGUMENTS
        }
        kpi = request.env["sales.coordination.kpi"]
        dashboard = kpi.get_dashboard(**arguments)
        filename = "kpis_{}_{}.xlsx".format(
            dashboard["period"]["date_from"], dashboard["period"]["date_to"]
        )
        return request.make_response(
            kpi._kpi_dashboard_xlsx(dashboard),
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

import io
import json

from odoo import http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DASHBOARD_ARGUMENTS = ("period", "date_from", "date_to", "team_ids", "user_ids", "mine")


def dashboard_xlsx(env, dashboard):
    """A ``get_dashboard`` result as an XLSX workbook (bytes): a sheet of the
    cards, a sheet of their series; labels in the language of ``env``."""
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    not_enough = env._("Not enough data")

    def cell(value, not_enough_data=False):
        if not_enough_data:
            return not_enough
        return "" if value is False or value is None else value

    def dates(period):
        text = f"{period['date_from']} – {period['date_to']}"
        return (
            env._("%(period)s (so far)", period=text) if period.get("partial") else text
        )

    cards = workbook.add_worksheet(env._("KPIs"))
    period, previous = dashboard["period"], dashboard["previous"]
    cards.write_row(
        0,
        0,
        [
            env._("Period"),
            dates(period),
            env._("Compared with"),
            f"{previous['date_from']} – {previous['date_to']}",
        ],
        bold,
    )
    cards.write_row(
        2,
        0,
        [
            env._("KPI"),
            env._("Unit"),
            env._("Value"),
            env._("Previous"),
            env._("Target"),
            env._("Status"),
        ],
        bold,
    )
    statuses = {
        "green": env._("On target"),
        "amber": env._("Close"),
        "red": env._("Off target"),
    }

    for row, card in enumerate(dashboard["cards"], start=3):
        cards.write_row(
            row,
            0,
            [
                card["label"],
                card["unit"],
                cell(card["value"], card.get("not_enough_data")),
                cell(card["previous"], card.get("previous_not_enough_data")),
                cell(card["target"]),
                statuses.get(card["status"], ""),
            ],
        )
    cards.set_column(0, 0, 32)
    cards.set_column(1, 5, 14)
    series = workbook.add_worksheet(env._("Series"))
    series.write(0, 0, env._("KPI"), bold)
    for column, bucket in enumerate(dashboard["series_buckets"], start=1):
        series.write(0, column, dates(bucket), bold)
    for row, card in enumerate(dashboard["cards"], start=1):
        series.write(row, 0, card["label"])
        flags = card.get("series_not_enough_data") or [False] * len(card["series"])
        for column, (value, flag) in enumerate(
            zip(card["series"], flags, strict=True), start=1
        ):
            series.write(row, column, cell(value, flag))
    series.set_column(0, 0, 32)
    series.set_column(1, len(dashboard["series_buckets"]), 12)
    workbook.close()
    return output.getvalue()


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
        dashboard = request.env["sales.coordination.kpi"].get_dashboard(**arguments)
        filename = "kpis_{}_{}.xlsx".format(
            dashboard["period"]["date_from"], dashboard["period"]["date_to"]
        )
        return request.make_response(
            dashboard_xlsx(request.env, dashboard),
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

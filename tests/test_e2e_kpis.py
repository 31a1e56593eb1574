"""KPIs over RPC (issue 5), compared with records created by the test.

The records belong to a coordinator created here, and the KPIs are asked for
with ``user_ids=[that coordinator]``, so the demo data does not interfere.
These tests need the KPI, accuracy and requests/meetings features: without
them they fail, never skip."""

import csv
import datetime
import io
import json

import pytest
from conftest import (
    clean_order_vals,
    make_user,
    new_customer,
    new_order,
    new_product,
    rpc_error_name,
)
from odoorpc.error import RPCError

KPI_KEYS = {
    "quotations",
    "orders_confirmed",
    "quote_to_order_rate",
    "order_accuracy_rate",
    "data_entry_accuracy_rate",
    "support_turnaround_hours",
    "internal_response_hours",
    "meeting_efficiency_rate",
    "invoice_processing_hours",
    "fulfillment_rate",
    "promise_kept_rate",
    "proactive_update_rate",
    "average_delivery_delay_days",
    "sales_growth_rate",
    "new_clients",
    "followups_overdue",
}
TODAY = datetime.datetime.now(datetime.UTC).date()
DATE_FROM = (TODAY - datetime.timedelta(days=1)).isoformat()
DATE_TO = (TODAY + datetime.timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def kpi_world(admin, connect):
    """4 quotations of a fresh coordinator's customers, 2 confirmed; 2 support
    requests taken through start/done; 2 meetings, one held, one no-show."""
    coord_id = make_user(
        admin, "e2e_kpi_coordinator", ["sales_coordination.group_coordinator"]
    )
    coordinator = connect("e2e_kpi_coordinator", "e2e_kpi_coordinator")
    product = new_product(admin, price=20.0)
    orders = []
    for _i in range(4):
        partner = new_customer(admin, sales_coordinator_id=coord_id)
        orders.append(
            new_order(admin, partner, [(product, 12, None)], **clean_order_vals(admin))
        )
    admin.env["sale.order"].action_confirm(orders[:2])

    requests = []
    for request_type in ("document", "order_processing"):
        requests.append(
            admin.env["sales.support.request"].create(
                {
                    "name": f"E2E KPI {request_type}",
                    "request_type": request_type,
                    "assigned_to_id": coord_id,
                }
            )
        )
    coordinator.env["sales.support.request"].action_start(requests)
    coordinator.env["sales.support.request"].action_done(requests[:1])

    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)
    for outcome in ("held", "no_show"):
        meeting = admin.env["calendar.event"].create(
            {
                "name": f"E2E KPI meeting {outcome}",
                "start": (now - datetime.timedelta(hours=2)).isoformat(" "),
                "stop": (now - datetime.timedelta(hours=1)).isoformat(" "),
                "user_id": coord_id,
            }
        )
        # The outcome is recorded with its button (the field is protected).
        admin.execute_kw("calendar.event", f"action_outcome_{outcome}", [[meeting]])
    return {"coordinator": coord_id, "orders": orders, "requests": requests}


def get_kpis(odoo, date_from=DATE_FROM, date_to=DATE_TO, **kwargs):
    return odoo.env["sales.coordination.kpi"].get_kpis(date_from, date_to, **kwargs)


def test_kpis_match_the_records_created(admin, kpi_world):
    kpis = get_kpis(admin, user_ids=[kpi_world["coordinator"]])
    assert set(kpis) == KPI_KEYS
    json.dumps(kpis)  # JSON-serializable as it came over JSON-RPC
    assert kpis["quotations"] == 4
    assert kpis["orders_confirmed"] == 2
    assert kpis["quote_to_order_rate"] == 50.0
    confirmed = admin.env["sale.order"].read(
        kpi_world["orders"][:2], ["first_time_right"]
    )
    right = sum(1 for o in confirmed if o["first_time_right"])
    assert kpis["order_accuracy_rate"] == round(100.0 * right / 2, 1)
    assert kpis["new_clients"] == 2
    assert kpis["meeting_efficiency_rate"] == 50.0
    requests = admin.env["sales.support.request"].read(
        kpi_world["requests"], ["response_hours", "resolution_hours", "state"]
    )
    assert [r["state"] for r in requests] == ["done", "in_progress"]
    expected_response = round(sum(r["response_hours"] for r in requests) / 2, 1)
    assert kpis["internal_response_hours"] == expected_response
    assert kpis["support_turnaround_hours"] == round(requests[0]["resolution_hours"], 1)
    assert isinstance(kpis["followups_overdue"], int)


def test_empty_period_gives_false_rates(admin, kpi_world):
    kpis = get_kpis(
        admin, "1990-01-01", "1990-01-31", user_ids=[kpi_world["coordinator"]]
    )
    assert kpis["quotations"] == 0
    assert kpis["orders_confirmed"] == 0
    for key in (
        "quote_to_order_rate",
        "order_accuracy_rate",
        "support_turnaround_hours",
        "internal_response_hours",
        "meeting_efficiency_rate",
        "fulfillment_rate",
    ):
        assert kpis[key] is False, key


def test_cli_empty_kpis_are_null_in_json_and_empty_in_csv(kpi_world, cli):
    user = str(kpi_world["coordinator"])
    args = ["kpis", "--from", "1990-01-01", "--to", "1990-01-31", "--user", user]
    as_json = cli(*args, "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    values = json.loads(as_json.stdout)
    assert values["quotations"] == 0
    assert values["quote_to_order_rate"] is None
    as_csv = cli(*args, "--format", "csv")
    rows = {r["kpi"]: r["value"] for r in csv.DictReader(io.StringIO(as_csv.stdout))}
    assert rows["quote_to_order_rate"] == ""
    assert rows["quotations"] == "0"


def test_team_filter(admin, kpi_world):
    team = admin.env["crm.team"].create({"name": "E2E empty team"})
    kpis = get_kpis(admin, team_ids=[team])
    assert kpis["quotations"] == 0
    assert kpis["quote_to_order_rate"] is False


def test_cli_kpis_json_csv_table(admin, kpi_world, cli):
    user = str(kpi_world["coordinator"])
    args = ["kpis", "--from", DATE_FROM, "--to", DATE_TO, "--user", user]
    as_json = cli(*args, "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    expected = get_kpis(admin, user_ids=[kpi_world["coordinator"]])
    assert json.loads(as_json.stdout) == {
        key: None if value is False else value for key, value in expected.items()
    }
    as_csv = cli(*args, "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {r["kpi"] for r in rows} == KPI_KEYS
    assert next(r for r in rows if r["kpi"] == "quotations")["value"] == "4"
    as_table = cli(*args, "--format", "table")
    assert as_table.returncode == 0
    assert as_table.stdout.splitlines()[0].split() == ["kpi", "value"]
    by_login = cli(
        "kpis", "--from", DATE_FROM, "--to", DATE_TO, "--user", "e2e_kpi_coordinator"
    )
    assert json.loads(by_login.stdout)["quotations"] == 4


def test_cli_kpis_bad_team_is_a_business_error(cli):
    result = cli("kpis", "--from", DATE_FROM, "--to", DATE_TO, "--team", "999999")
    assert result.returncode == 1
    assert "999999" in result.stderr


def test_company_b_gets_nothing_of_company_a(admin, connect, kpi_world):
    company_b = admin.env["res.company"].create({"name": "E2E KPI Company B"})
    make_user(
        admin,
        "e2e_kpi_company_b",
        ["sales_coordination.group_manager"],
        company_id=company_b,
    )
    odoo_b = connect("e2e_kpi_company_b", "e2e_kpi_company_b")
    kpis = get_kpis(odoo_b)
    assert kpis["quotations"] == 0
    assert kpis["orders_confirmed"] == 0
    assert kpis["new_clients"] == 0
    filtered = get_kpis(odoo_b, user_ids=[kpi_world["coordinator"]])
    assert filtered["quotations"] == 0


def test_kpi_errors_are_clear(admin):
    with pytest.raises(RPCError) as info:
        get_kpis(admin, DATE_TO, DATE_FROM)
    assert rpc_error_name(info.value) == "odoo.exceptions.UserError"


def test_cli_kpis_series_is_get_kpi_series(admin, kpi_world, cli):
    user = str(kpi_world["coordinator"])
    args = ["kpis", "--from", DATE_FROM, "--to", DATE_TO, "--user", user]
    as_json = cli(*args, "--series", "week", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    series = json.loads(as_json.stdout)
    expected = admin.env["sales.coordination.kpi"].get_kpi_series(
        DATE_FROM, DATE_TO, "week", user_ids=[kpi_world["coordinator"]]
    )
    assert series["buckets"] == expected["buckets"]
    assert set(series["values"]) == KPI_KEYS
    for index, bucket in enumerate(series["buckets"]):
        kpis = get_kpis(
            admin,
            bucket["date_from"],
            bucket["date_to"],
            user_ids=[kpi_world["coordinator"]],
        )
        for key in KPI_KEYS:
            value = None if kpis[key] is False else kpis[key]
            assert series["values"][key][index] == value, (key, bucket)
    as_csv = cli(*args, "--series", "month", "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    header = as_csv.stdout.splitlines()[0].split(",")
    assert header[0] == "kpi" and header[1] == DATE_FROM
    bad = cli(*args, "--series", "year")
    assert bad.returncode == 2


def test_dashboard_over_rpc(admin, kpi_world):
    odoo = admin
    dashboard = odoo.env["sales.coordination.kpi"].get_dashboard("month")
    json.dumps(dashboard)
    assert {card["key"] for card in dashboard["cards"]} == KPI_KEYS
    for card in dashboard["cards"]:
        assert len(card["series"]) == 12
        if card["action"]:
            count = odoo.env[card["action"]["res_model"]].search_count(
                card["action"]["domain"]
            )
            if card["key"] in ("quotations", "orders_confirmed", "new_clients"):
                assert count == card["value"], card["key"]

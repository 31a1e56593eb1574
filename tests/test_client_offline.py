"""The client's pieces that need no server: URLs, error translation, output."""

import io
import json

import odoorpc
import pytest
from sales_coordination_client import BusinessError, ConnectionFailed, UsageError
from sales_coordination_client.cli import main
from sales_coordination_client.connection import parse_url, translate_error
from sales_coordination_client.output import (
    ProgressBar,
    emit,
    emit_kpi_series,
    emit_kpis,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8069", ("127.0.0.1", "jsonrpc", 8069)),
        ("https://erp.example.com", ("erp.example.com", "jsonrpc+ssl", 443)),
        ("erp.example.com:8070", ("erp.example.com", "jsonrpc", 8070)),
        ("http://erp.example.com/", ("erp.example.com", "jsonrpc", 80)),
    ],
)
def test_parse_url(url, expected):
    assert parse_url(url) == expected


@pytest.mark.parametrize(
    "url", ["", "ftp://erp.example.com", "http://erp.example.com/odoo", "http://h:x"]
)
def test_parse_url_rejects(url):
    with pytest.raises(UsageError):
        parse_url(url)


def rpc_error(name, message="boom"):
    return odoorpc.error.RPCError(message, {"data": {"name": name, "message": message}})


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("odoo.exceptions.UserError", "UserError"),
        ("odoo.exceptions.ValidationError", "ValidationError"),
        ("odoo.exceptions.AccessError", "AccessError"),
        ("odoo.exceptions.MissingError", "MissingError"),
    ],
)
def test_business_errors_exit_1(name, kind):
    error = translate_error(rpc_error(name))
    assert isinstance(error, BusinessError)
    assert error.kind == kind
    assert error.exit_code == 1


def test_access_denied_and_network_errors_exit_3():
    assert isinstance(
        translate_error(rpc_error("odoo.exceptions.AccessDenied")), ConnectionFailed
    )
    assert translate_error(ConnectionRefusedError()).exit_code == 3


def test_internal_server_error_is_not_a_business_error():
    error = translate_error(rpc_error("builtins.TypeError", "bad"))
    assert not isinstance(error, BusinessError)
    assert "builtins.TypeError" in str(error)


ROWS = [
    {"id": 1, "name": "S00001", "partner_id": [7, "Happy Paws"], "note": False},
    {"id": 2, "name": "S00002", "partner_id": False, "note": "a,b"},
]


def test_emit_json_csv_table():
    out = io.StringIO()
    emit(ROWS, "json", columns=["id", "partner_id"], stream=out)
    assert json.loads(out.getvalue()) == [
        {"id": 1, "partner_id": {"id": 7, "name": "Happy Paws"}},
        {"id": 2, "partner_id": False},
    ]
    out = io.StringIO()
    emit(ROWS, "csv", columns=["id", "partner_id", "note"], stream=out)
    assert out.getvalue().splitlines() == [
        "id,partner_id,note",
        "1,Happy Paws,",
        '2,,"a,b"',
    ]
    out = io.StringIO()
    emit(ROWS, "table", columns=["id", "name"], stream=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["id", "name"]
    assert lines[2].split() == ["1", "S00001"]
    out = io.StringIO()
    emit([], "table", columns=["id"], stream=out)
    assert "(nothing)" in out.getvalue()


def test_emit_kpis_empty_is_null_in_json_and_an_empty_cell():
    kpis = {"quotations": 0, "quote_to_order_rate": False, "fulfillment_rate": 50.0}
    out = io.StringIO()
    emit_kpis(kpis, "json", stream=out)
    assert json.loads(out.getvalue()) == {
        "quotations": 0,
        "quote_to_order_rate": None,
        "fulfillment_rate": 50.0,
    }
    assert '"quote_to_order_rate": null' in out.getvalue()
    out = io.StringIO()
    emit_kpis(kpis, "csv", stream=out)
    assert out.getvalue().splitlines() == [
        "kpi,value",
        "quotations,0",
        "quote_to_order_rate,",
        "fulfillment_rate,50.0",
    ]
    out = io.StringIO()
    emit_kpis(kpis, "table", stream=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["kpi", "value"]
    assert lines[2].split() == ["quotations", "0"]
    assert lines[3].split() == ["quote_to_order_rate"]


def test_emit_kpi_series_one_column_per_bucket():
    series = {
        "buckets": [
            {"date_from": "2026-01-01", "date_to": "2026-01-31"},
            {"date_from": "2026-02-01", "date_to": "2026-02-28"},
        ],
        "values": {"quotations": [3, 0], "quote_to_order_rate": [50.0, False]},
    }
    out = io.StringIO()
    emit_kpi_series(series, "json", stream=out)
    assert json.loads(out.getvalue())["values"] == {
        "quotations": [3, 0],
        "quote_to_order_rate": [50.0, None],
    }
    out = io.StringIO()
    emit_kpi_series(series, "csv", stream=out)
    assert out.getvalue().splitlines() == [
        "kpi,2026-01-01,2026-02-01",
        "quotations,3,0",
        "quote_to_order_rate,50.0,",
    ]


def test_missing_connection_settings_exit_2(monkeypatch, capsys):
    for key in ("SC_URL", "SC_DB", "SC_LOGIN", "SC_PASSWORD", "SC_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    assert main(["requests", "list"]) == 2
    assert "SC_URL" in capsys.readouterr().err
    monkeypatch.setenv("SC_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("SC_DB", "x")
    monkeypatch.setenv("SC_LOGIN", "x")
    assert main(["requests", "list"]) == 2  # no password nor key
    with pytest.raises(SystemExit) as exc:
        main(["kpis", "--from", "2026-01-01", "--to", "tomorrow"])
    assert exc.value.code == 2


def test_progress_bar_draws_on_stderr(capsys):
    bar = ProgressBar("checking orders", width=10)
    bar(50, 100)
    bar(100, 100)
    bar.close()
    err = capsys.readouterr().err
    assert "\rchecking orders [#####-----] 50/100" in err
    assert err.endswith("[##########] 100/100\n")

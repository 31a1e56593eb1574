"""Foundation over RPC: logins, API keys, ownership fields, role menus,
multi-company isolation, and the CLI's contract (help, exit codes, formats)."""

import json
import shutil
import xmlrpc.client

import pytest
from conftest import make_api_key, make_user, rpc_error_name, xmlid
from sales_coordination_client import ConnectionFailed

DEMO_USERS = [
    ("coordinator", "sales_coordination.group_coordinator"),
    ("administrator", "sales_coordination.group_administrator"),
    ("manager", "sales_coordination.group_manager"),
]
OWNERSHIP_FIELDS = {
    "res.partner": ["sales_coordinator_id", "sales_administrator_id"],
    "crm.team": ["coordinator_id", "administrator_id"],
    "sale.order": ["coordinator_id", "administrator_id"],
}


def menu_xmlids(odoo, admin):
    """The sales_coordination menus the user gets from the web client's loader."""
    menus = odoo.env["ir.ui.menu"].load_menus(False)
    ids = {m["id"] for key, m in menus.items() if key != "root"}
    rows = admin.env["ir.model.data"].search_read(
        [
            ("module", "=", "sales_coordination"),
            ("model", "=", "ir.ui.menu"),
            ("res_id", "in", list(ids)),
        ],
        ["name"],
    )
    return {row["name"] for row in rows}


@pytest.fixture(scope="module")
def salesperson(admin):
    make_user(admin, "e2e_salesperson", ["sales_team.group_sale_salesman"])
    return "e2e_salesperson"


@pytest.mark.parametrize(("login", "group"), DEMO_USERS)
def test_demo_users_log_in_with_their_role(connect, admin, login, group):
    odoo = connect(login, login)
    assert odoo.env.uid
    group_id = xmlid(admin, group)
    user = admin.env["res.users"].read([odoo.env.uid], ["groups_id"])[0]
    assert group_id in user["groups_id"]


def test_wrong_password_is_a_connection_error(connect):
    with pytest.raises(ConnectionFailed, match="login refused"):
        connect("coordinator", "not-the-password")


def test_api_key_logs_in_through_odoorpc_xmlrpc_and_cli(
    odoo_server, connect, cli, xmlrpc_as
):
    key = make_api_key(odoo_server, "coordinator", "coordinator")
    odoo = connect("coordinator", api_key=key)
    assert odoo.env.user.login == "coordinator"
    assert odoo.env["sale.order"].search_count([]) >= 1
    rpc = xmlrpc_as("coordinator", key)
    assert rpc.uid == odoo.env.uid
    assert rpc("res.partner", "search_count", []) > 0
    # A wrong key is refused with the connection exit code.
    result = cli("check-orders", "--ids", "1", api_key=key[:-4] + "0000")
    assert result.returncode == 3, result.stderr
    assert "login refused" in result.stderr


def test_ownership_fields_are_visible_over_rpc(admin):
    for model, names in OWNERSHIP_FIELDS.items():
        fields = admin.env[model].fields_get(names, ["type", "relation", "store"])
        for name in names:
            assert fields[name]["type"] == "many2one", (model, name)
            assert fields[name]["relation"] == "res.users", (model, name)


def test_order_takes_its_owners_from_the_customer(admin, connect):
    coordinator = admin.env["res.users"].search([("login", "=", "coordinator")])[0]
    administrator = admin.env["res.users"].search([("login", "=", "administrator")])[0]
    partner = admin.env["res.partner"].create(
        {
            "name": "E2E Owned Kennels",
            "is_company": True,
            "sales_coordinator_id": coordinator,
            "sales_administrator_id": administrator,
        }
    )
    product = admin.env["product.product"].search([("sale_ok", "=", True)], limit=1)[0]
    odoo = connect("coordinator", "coordinator")
    order = odoo.env["sale.order"].create(
        {
            "partner_id": partner,
            "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 1})],
        }
    )
    row = odoo.env["sale.order"].read([order], ["coordinator_id", "administrator_id"])
    assert row[0]["coordinator_id"][0] == coordinator
    assert row[0]["administrator_id"][0] == administrator


def test_role_menus(connect, admin, salesperson):
    assert menu_xmlids(connect(salesperson, salesperson), admin) == set()
    coordinator = menu_xmlids(connect("coordinator", "coordinator"), admin)
    assert {"menu_root", "menu_coordinator"} <= coordinator
    assert "menu_manager" not in coordinator
    manager = menu_xmlids(connect("manager", "manager"), admin)
    assert {"menu_coordinator", "menu_administrator", "menu_manager"} <= manager


def test_company_b_user_sees_nothing_of_company_a(admin, connect, xmlrpc_as):
    company_b = admin.env["res.company"].create({"name": "E2E Company B"})
    make_user(
        admin,
        "e2e_company_b",
        ["sales_coordination.group_manager"],
        company_id=company_b,
    )
    company_a = admin.env.user.company_id.id
    a_orders = admin.env["sale.order"].search([("company_id", "=", company_a)])
    assert a_orders
    odoo_b = connect("e2e_company_b", "e2e_company_b")
    assert odoo_b.env["sale.order"].search([("company_id", "=", company_a)]) == []
    assert odoo_b.env["crm.team"].search([("company_id", "=", company_a)]) == []
    with pytest.raises(Exception) as info:
        odoo_b.env["sale.order"].read(a_orders[:1], ["name"])
    assert rpc_error_name(info.value) == "odoo.exceptions.AccessError"
    rpc = xmlrpc_as("e2e_company_b", "e2e_company_b")
    assert rpc("sale.order", "search_count", [("company_id", "=", company_a)]) == 0
    with pytest.raises(xmlrpc.client.Fault) as fault:
        rpc("sale.order", "write", a_orders[:1], {"note": "company B was here"})
    assert rpc_error_name(fault.value) == "access"


# --------------------------------------------------------------------------
# The CLI's contract
# --------------------------------------------------------------------------

COMMANDS = [
    [],
    ["kpis"],
    ["check-orders"],
    ["followups"],
    ["followups", "run"],
    ["followups", "list"],
    ["requests"],
    ["requests", "create"],
    ["requests", "list"],
]


def test_console_script_is_installed():
    assert shutil.which("sales-coordination"), "pip install ./client"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_cli_help_on_every_command(cli, command):
    result = cli(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: sales-coordination" in result.stdout
    assert "Exit codes" in result.stdout


def test_cli_usage_errors_exit_2(cli):
    assert cli("kpis", "--from", "2026-13-01", "--to", "2026-12-31").returncode == 2
    assert cli("kpis", "--to", "2026-12-31").returncode == 2
    assert cli("check-orders", "--ids", "1,abc").returncode == 2
    assert cli("requests", "create", "--type", "bogus", "--note", "x").returncode == 2
    assert cli("no-such-command").returncode == 2
    result = cli("requests", "list", env={"SC_URL": ""})
    assert result.returncode == 2
    assert "SC_URL" in result.stderr


def test_cli_connection_errors_exit_3(cli, odoo_server):
    assert cli("requests", "list", password="wrong").returncode == 3
    result = cli("requests", "list", env={"SC_URL": "http://127.0.0.1:9"})
    assert result.returncode == 3
    assert "cannot talk to the Odoo server" in result.stderr
    result = cli("requests", "list", env={"SC_DB": odoo_server.db + "_nope"})
    assert result.returncode == 3


def test_cli_connection_flags_override_environment(cli, odoo_server):
    result = cli(
        "--url",
        odoo_server.url,
        "requests",
        "list",
        "--format",
        "json",
        env={"SC_URL": "http://127.0.0.1:9"},
    )
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)

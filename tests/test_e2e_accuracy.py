"""Order accuracy over RPC (issue 3): orders carrying errors are checked,
blocked in enforce mode, overridden by a manager and confirmed; permissions.

These tests need the accuracy feature: without it they fail, never skip."""

import json
import xmlrpc.client

import pytest
from conftest import (
    clean_order_vals,
    make_user,
    new_customer,
    new_order,
    new_product,
    rpc_error_name,
    unique,
)
from odoorpc.error import RPCError

ACCESS = "odoo.exceptions.AccessError"
USER = "odoo.exceptions.UserError"


@pytest.fixture(scope="module")
def enforce(admin):
    """The demo company in enforce mode (the demo ships its own teams in
    enforce mode and the company observing; made explicit here)."""
    company = admin.env.user.company_id.id
    admin.env["res.company"].write([company], {"accuracy_mode": "enforce"})
    return company


@pytest.fixture(scope="module")
def product(admin):
    return new_product(admin, price=10.0)


@pytest.fixture(scope="module")
def administrator(connect):
    return connect("administrator", "administrator")


@pytest.fixture(scope="module")
def manager(connect):
    return connect("manager", "manager")


@pytest.fixture(scope="module")
def coordinator(connect):
    return connect("coordinator", "coordinator")


def issues_of(odoo, order_id, state=None):
    domain = [("order_id", "=", order_id)]
    if state:
        domain.append(("state", "=", state))
    return odoo.env["sale.accuracy.issue"].search_read(
        domain, ["rule_code", "severity", "category", "state", "message", "line_id"]
    )


def order_state(odoo, order_id):
    fields = ["state", "accuracy_state", "first_time_right", "accuracy_checked_date"]
    return odoo.env["sale.order"].read([order_id], fields)[0]


def test_contract_fields_exist(admin):
    order_fields = admin.env["sale.order"].fields_get(
        [
            "accuracy_state",
            "accuracy_issue_ids",
            "accuracy_checked_date",
            "first_time_right",
        ],
        ["type", "selection"],
    )
    states = {key for key, _label in order_fields["accuracy_state"]["selection"]}
    assert states == {"unchecked", "passed", "warning", "blocked", "overridden"}
    rule_fields = admin.env["sale.accuracy.rule"].fields_get([], ["type"])
    for name in [
        "name",
        "code",
        "active",
        "sequence",
        "severity",
        "category",
        "check_type",
        "domain",
        "threshold",
        "team_ids",
        "company_id",
    ]:
        assert name in rule_fields, name
    codes = {
        r["code"]
        for r in admin.env["sale.accuracy.rule"].search_read(
            [("company_id", "in", [admin.env.user.company_id.id, False])], ["code"]
        )
    }
    assert {
        "missing_client_ref",
        "incomplete_delivery_address",
        "missing_payment_term",
        "price_deviation",
        "discount_limit",
        "invalid_quantity",
        "packaging_multiple",
        "stock_availability",
        "duplicate_order",
        "credit_limit",
        "minimum_order",
        "unsellable_product",
    } <= codes


def test_blocked_then_overridden_then_confirmed_with_odoorpc(
    admin, enforce, product, administrator, coordinator, manager
):
    partner = new_customer(admin)
    # A 50 % discount (limit 15 %) and no PO number.
    order = administrator.env["sale.order"].create(
        {
            "partner_id": partner,
            "order_line": [
                (0, 0, {"product_id": product, "product_uom_qty": 12, "discount": 50})
            ],
        }
    )
    # checked by itself before the create returned
    assert order_state(administrator, order)["accuracy_state"] == "blocked"
    assert administrator.env["sale.order"].action_check_accuracy([order]) is True
    state = order_state(administrator, order)
    assert state["accuracy_state"] == "blocked"
    assert state["first_time_right"] is False
    found = issues_of(administrator, order, "open")
    codes = {i["rule_code"] for i in found}
    assert {"discount_limit", "missing_client_ref"} <= codes
    discount = next(i for i in found if i["rule_code"] == "discount_limit")
    assert discount["severity"] == "blocking"
    assert discount["category"] == "pricing"
    assert "50" in discount["message"]

    # Re-checking opens no duplicate.
    administrator.env["sale.order"].action_check_accuracy([order])
    assert len(issues_of(administrator, order, "open")) == len(found)

    # Confirmation is blocked, and the findings survive the rollback.
    with pytest.raises(RPCError) as info:
        administrator.env["sale.order"].action_confirm([order])
    assert rpc_error_name(info.value) == USER
    assert "discount" in str(info.value).lower()
    state = order_state(administrator, order)
    assert state["state"] == "draft"
    assert state["accuracy_state"] == "blocked"
    assert len(issues_of(administrator, order, "open")) == len(found)

    # A coordinator cannot override; a manager must give a reason.
    with pytest.raises(RPCError) as info:
        coordinator.env["sale.order"].action_accuracy_override([order], "please")
    assert rpc_error_name(info.value) == ACCESS
    with pytest.raises(RPCError) as info:
        manager.env["sale.order"].action_accuracy_override([order], "   ")
    assert rpc_error_name(info.value) == USER
    assert order_state(manager, order)["accuracy_state"] == "blocked"

    assert manager.env["sale.order"].action_accuracy_override(
        [order], "Promotion agreed with the buyer for the store opening"
    )
    assert order_state(manager, order)["accuracy_state"] == "overridden"
    overridden = issues_of(manager, order, "overridden")
    assert {i["rule_code"] for i in overridden} == {"discount_limit"}
    messages = manager.env["mail.message"].search_read(
        [("model", "=", "sale.order"), ("res_id", "=", order)], ["body"]
    )
    assert any("store opening" in (m["body"] or "") for m in messages)

    administrator.env["sale.order"].action_confirm([order])
    state = order_state(administrator, order)
    assert state["state"] == "sale"
    assert state["first_time_right"] is False


def test_fix_and_confirm_with_xmlrpc(admin, enforce, product, xmlrpc_as):
    """An integrator's script in plain xmlrpc.client: zero quantity is blocking;
    fixing it lets the order through, but it never becomes first-time-right."""
    rpc = xmlrpc_as("administrator", "administrator")
    partner = new_customer(admin)
    vals = clean_order_vals(admin)
    order = rpc(
        "sale.order",
        "create",
        {
            "partner_id": partner,
            "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 0})],
            **vals,
        },
    )
    with pytest.raises(xmlrpc.client.Fault) as fault:
        rpc("sale.order", "action_confirm", [order])
    assert rpc_error_name(fault.value) == "user"
    read = rpc("sale.order", "read", [order], ["accuracy_state", "first_time_right"])
    assert read[0]["accuracy_state"] == "blocked"
    assert read[0]["first_time_right"] is False
    issues = rpc(
        "sale.accuracy.issue",
        "search_read",
        [("order_id", "=", order), ("state", "=", "open")],
        ["rule_code", "line_id"],
    )
    zero = [i for i in issues if i["rule_code"] == "invalid_quantity"]
    assert len(zero) == 1
    assert zero[0]["line_id"]

    line = rpc("sale.order", "read", [order], ["order_line"])[0]["order_line"][0]
    rpc("sale.order.line", "write", [line], {"product_uom_qty": 24})
    assert rpc("sale.order", "action_check_accuracy", [order]) is True
    issue = rpc("sale.accuracy.issue", "read", [zero[0]["id"]], ["state"])[0]
    assert issue["state"] == "resolved"
    rpc("sale.order", "action_confirm", [order])
    read = rpc("sale.order", "read", [order], ["state", "first_time_right"])[0]
    assert read["state"] == "sale"
    assert read["first_time_right"] is False


def test_clean_order_is_first_time_right(admin, enforce, product, administrator):
    order = new_order(
        administrator,
        new_customer(admin),
        [(product, 12, None)],
        **clean_order_vals(admin),
    )
    administrator.env["sale.order"].action_check_accuracy([order])
    state = order_state(administrator, order)
    blocking = [
        i
        for i in issues_of(administrator, order, "open")
        if i["severity"] == "blocking"
    ]
    assert blocking == []
    assert state["accuracy_state"] in ("passed", "warning")
    assert state["first_time_right"] is (state["accuracy_state"] == "passed")
    administrator.env["sale.order"].action_confirm([order])
    assert order_state(administrator, order)["state"] == "sale"


def test_observe_mode_records_but_never_blocks(admin, enforce, product, administrator):
    order = new_order(
        administrator,
        new_customer(admin, complete=False),
        [(product, 12, None)],
        **clean_order_vals(admin),
    )
    # the order's sales team (a demo team enforces on its own) and its
    # company both observe
    team = administrator.env["sale.order"].read([order], ["team_id"])[0]["team_id"]
    teams = [team[0]] if team else []
    modes = admin.env["crm.team"].read(teams, ["accuracy_mode"])
    admin.env["res.company"].write([enforce], {"accuracy_mode": "observe"})
    admin.env["crm.team"].write(teams, {"accuracy_mode": "observe"})
    try:
        administrator.env["sale.order"].action_confirm([order])
    finally:
        admin.env["res.company"].write([enforce], {"accuracy_mode": "enforce"})
        for mode in modes:
            admin.env["crm.team"].write(
                [mode["id"]], {"accuracy_mode": mode["accuracy_mode"]}
            )
    state = order_state(administrator, order)
    assert state["state"] == "sale"
    codes = {i["rule_code"] for i in issues_of(administrator, order)}
    assert "incomplete_delivery_address" in codes


def test_cli_check_orders(admin, enforce, product, administrator, cli):
    bad = new_order(
        administrator,
        new_customer(admin, complete=False),
        [(product, 12, None)],
        **clean_order_vals(admin),
    )
    good = new_order(
        administrator,
        new_customer(admin),
        [(product, 12, None)],
        **clean_order_vals(admin),
    )
    result = cli(
        "check-orders",
        "--ids",
        f"{bad},{good}",
        "--batch-size",
        "1",
        "--all",
        "--format",
        "json",
        login="administrator",
        password="administrator",
    )
    assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows[bad]["accuracy_state"] == "blocked"
    assert "incomplete_delivery_address" in rows[bad]["open_issues"]
    assert rows[good]["accuracy_state"] in ("passed", "warning")
    assert "checked 2 order(s)" in result.stderr

    csv_out = cli(
        "check-orders",
        "--ids",
        str(bad),
        "--format",
        "csv",
        login="administrator",
        password="administrator",
    )
    assert csv_out.returncode == 0, csv_out.stderr
    header, first = csv_out.stdout.splitlines()[:2]
    assert header.startswith("id,name,partner_id,state,accuracy_state")
    assert first.startswith(f"{bad},")


def test_cli_business_error_exits_1(cli):
    result = cli("check-orders", "--ids", "999999999", "--format", "json")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "999999999" in result.stderr


def test_salesperson_and_coordinator_cannot_change_rules(admin, connect, manager):
    make_user(admin, "e2e_rules_salesperson", ["sales_team.group_sale_salesman"])
    rule = admin.env["sale.accuracy.rule"].search(
        [
            ("code", "=", "discount_limit"),
            ("company_id", "in", [admin.env.user.company_id.id, False]),
        ]
    )[0]
    for login in ("e2e_rules_salesperson", "coordinator"):
        odoo = connect(login, login)
        assert odoo.env["sale.accuracy.rule"].read([rule], ["threshold"])
        with pytest.raises(RPCError) as info:
            odoo.env["sale.accuracy.rule"].write([rule], {"threshold": 99})
        assert rpc_error_name(info.value) == ACCESS
        with pytest.raises(RPCError) as info:
            odoo.env["sale.accuracy.rule"].create(
                {
                    "name": "sneaky",
                    "code": unique("sneaky").replace(" ", "_"),
                    "check_type": "domain",
                    "domain": "[]",
                    "severity": "warning",
                    "category": "data",
                }
            )
        assert rpc_error_name(info.value) == ACCESS
    before = manager.env["sale.accuracy.rule"].read([rule], ["threshold"])[0]
    assert before["threshold"] != 99
    # A manager changes the rules of their company (a rule without a company
    # needs a user of every company: see test_e2e_attack_rules.py).
    own = admin.env["sale.accuracy.rule"].copy(
        rule,
        {
            "company_id": admin.env.user.company_id.id,
            "code": unique("e2e_own_discount").replace(" ", "_"),
            "active": False,
        },
    )
    own = own[0] if isinstance(own, list) else own
    manager.env["sale.accuracy.rule"].write([own], {"threshold": 20})
    assert (
        manager.env["sale.accuracy.rule"].read([own], ["threshold"])[0]["threshold"]
        == 20
    )
    admin.env["sale.accuracy.rule"].unlink([own])


def test_domain_rule_over_rpc(admin, enforce, product, manager, administrator):
    code = unique("e2e_big_order").replace(" ", "_")
    rule = manager.env["sale.accuracy.rule"].create(
        {
            "name": "Large quantity needs a second look",
            "code": code,
            "check_type": "domain",
            "domain": "[('order_line.product_uom_qty', '>', 500)]",
            "severity": "warning",
            "category": "data",
        }
    )
    try:
        order = new_order(
            administrator,
            new_customer(admin),
            [(product, 600, None)],
            **clean_order_vals(admin),
        )
        administrator.env["sale.order"].action_check_accuracy([order])
        assert code in {i["rule_code"] for i in issues_of(administrator, order, "open")}
    finally:
        manager.env["sale.accuracy.rule"].write([rule], {"active": False})


def test_company_b_sees_no_accuracy_data_of_company_a(admin, connect, enforce):
    company_b = admin.env["res.company"].search([("name", "=", "E2E Accuracy B")])
    company_b = (
        company_b[0]
        if company_b
        else admin.env["res.company"].create({"name": "E2E Accuracy B"})
    )
    make_user(
        admin,
        "e2e_accuracy_b",
        ["sales_coordination.group_manager"],
        company_id=company_b,
    )
    odoo_b = connect("e2e_accuracy_b", "e2e_accuracy_b")
    assert (
        odoo_b.env["sale.accuracy.issue"].search_count(
            [("order_id.company_id", "=", enforce)]
        )
        == 0
    )
    assert odoo_b.env["sale.accuracy.rule"].search([("company_id", "=", enforce)]) == []
    a_order = admin.env["sale.order"].search([("company_id", "=", enforce)], limit=1)
    with pytest.raises(RPCError) as info:
        odoo_b.env["sale.order"].action_check_accuracy(a_order)
    assert rpc_error_name(info.value) in (ACCESS, "odoo.exceptions.MissingError")


def test_create_over_rpc_returns_checked(admin, product):
    """A quotation created over RPC is checked before the call returns: the
    pre-commit hook ran in the call's transaction."""
    customer = new_customer(admin)
    vals = clean_order_vals(admin)
    vals["client_order_ref"] = False  # a warning: missing customer reference
    order_id = new_order(admin, customer, [(product, 12, None)], **vals)
    [order] = admin.env["sale.order"].read(
        [order_id], ["accuracy_state", "accuracy_checked_date"]
    )
    assert order["accuracy_state"] == "warning"
    assert order["accuracy_checked_date"]
    assert [i["rule_code"] for i in issues_of(admin, order_id, "open")] == [
        "missing_client_ref"
    ]

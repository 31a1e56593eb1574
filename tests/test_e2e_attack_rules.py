"""Record-rule attacks over JSON-RPC (odoorpc) and XML-RPC (a plain
``xmlrpc.client.ServerProxy``, without ``allow_none``), each tried as the
weakest user that could try it.

Each attack must be refused with a clear error (UserError, ValidationError,
AccessError, MissingError) or find nothing, and leave the database exactly as
it was (row count, last id and last write of the watched tables).
"""

import pytest
from conftest import (
    ACCESS,
    USER,
    DatabaseWatch,
    make_user,
    new_customer,
    new_order,
    new_product,
    unique,
    xmlid,
)

WATCHED_TABLES = [
    "sale_order",
    "sale_accuracy_issue",
    "sale_accuracy_rule",
    "sales_followup_rule",
    "sales_support_request",
    "sale_accuracy_confirm_wizard",
    "calendar_event",
    "mail_message",
]


WATCH = DatabaseWatch(WATCHED_TABLES)
refused = WATCH.refused
found_nothing = WATCH.found_nothing


@pytest.fixture(scope="module")
def world(admin, odoo_server):
    """Two salespeople of company A (one the victim), an administrator, a
    coordinator and a manager of a company B, an auditor; the victim's order
    with open issues and a support request."""
    company_a = admin.env.user.company_id.id
    company_b = admin.env["res.company"].create({"name": unique("E2E Rules B")})
    users = {
        "rep": make_user(admin, "atk_rep", ["sales_team.group_sale_salesman"]),
        "victim": make_user(admin, "atk_victim", ["sales_team.group_sale_salesman"]),
        "admin_a": make_user(
            admin, "atk_administrator", ["sales_coordination.group_administrator"]
        ),
        "coord_a": make_user(
            admin, "atk_coordinator", ["sales_coordination.group_coordinator"]
        ),
        "coord_b": make_user(
            admin,
            "atk_coordinator_b",
            ["sales_coordination.group_coordinator"],
            company_id=company_b,
        ),
        "manager_b": make_user(
            admin,
            "atk_manager_b",
            ["sales_coordination.group_manager"],
            company_id=company_b,
        ),
        "auditor": make_user(admin, "atk_auditor", ["account.group_account_readonly"]),
    }
    product = new_product(admin)
    # No customer reference: the data rules open issues on this order.
    order = new_order(
        admin, new_customer(admin), [(product, 12, None)], user_id=users["victim"]
    )
    admin.env["sale.order"].action_check_accuracy([order])
    issues = admin.env["sale.accuracy.issue"].search([("order_id", "=", order)])
    assert issues, "the victim's order has no accuracy issue"
    request = admin.env["sales.support.request"].create(
        {
            "name": "Victim's secret margin question",
            "requested_by_id": users["victim"],
            "assigned_to_id": users["coord_a"],
            "company_id": company_a,
        }
    )
    shared_accuracy = admin.env["sale.accuracy.rule"].search(
        [("company_id", "=", False)], limit=1
    )[0]
    shared_followup = admin.env["sales.followup.rule"].search(
        [("company_id", "=", False)], limit=1
    )[0]
    return {
        "users": users,
        "order": order,
        "issues": issues,
        "request": request,
        "shared_accuracy": shared_accuracy,
        "shared_followup": shared_followup,
        "company_b": company_b,
        "todo_type": xmlid(admin, "mail.mail_activity_data_todo"),
    }


# === ACCURACY ISSUES FOLLOW THEIR ORDER ===


def test_salesperson_cannot_read_issues_of_another_salespersons_order(
    world, as_user, odoo_server
):
    rep = as_user("atk_rep")
    domain = [("order_id", "=", world["order"])]
    assert (
        found_nothing(
            odoo_server,
            rep,
            "sale.accuracy.issue",
            "search_read",
            domain,
            fields=["message"],
        )
        == []
    )
    assert (
        found_nothing(odoo_server, rep, "sale.accuracy.issue", "search_count", domain)
        == 0
    )
    groups = found_nothing(
        odoo_server,
        rep,
        "sale.accuracy.issue",
        "read_group",
        [],
        ["order_id"],
        ["order_id"],
    )
    assert world["order"] not in [g["order_id"][0] for g in groups if g["order_id"]]
    name = refused(
        odoo_server, rep, "sale.accuracy.issue", "read", world["issues"], ["message"]
    )
    assert name in ACCESS


def test_salesperson_cannot_reach_issues_through_the_order(world, as_user, odoo_server):
    rep = as_user("atk_rep")
    found = found_nothing(
        odoo_server,
        rep,
        "sale.order",
        "search",
        [("accuracy_issue_ids", "any", [("id", "in", world["issues"])])],
    )
    assert found == []


def test_other_company_cannot_read_the_issues_or_their_report(
    world, as_user, odoo_server
):
    coord_b = as_user("atk_coordinator_b")
    for model in ("sale.accuracy.issue", "sales.coordination.accuracy.report"):
        assert (
            found_nothing(
                odoo_server, coord_b, model, "search", [("id", "in", world["issues"])]
            )
            == []
        )
        assert (
            refused(odoo_server, coord_b, model, "read", world["issues"], ["order_id"])
            in ACCESS
        )


# === REPORTS FOLLOW THEIR SOURCES ===


def test_administrator_sees_only_own_requests_in_the_support_report(
    world, as_user, odoo_server
):
    administrator = as_user("atk_administrator")
    rows = found_nothing(
        odoo_server,
        administrator,
        "sales.coordination.support.report",
        "search_read",
        [("request_id", "=", world["request"])],
        fields=["request_id"],
    )
    assert rows == []
    name = refused(
        odoo_server,
        administrator,
        "sales.coordination.support.report",
        "read",
        [world["request"]],
        ["request_id"],
    )
    assert name in ACCESS
    # the coordinator assigned to it sees it
    coordinator = as_user("atk_coordinator")
    rows = coordinator(
        "sales.coordination.support.report",
        "search_read",
        [("request_id", "=", world["request"])],
        fields=["request_id"],
    )
    assert [row["request_id"][0] for row in rows] == [world["request"]]


# === DIALOGS ===


def test_dialog_refuses_orders_the_user_cannot_read(world, as_user, odoo_server):
    rep = as_user("atk_rep")
    name = refused(
        odoo_server,
        rep,
        "sale.accuracy.confirm.wizard",
        "create",
        {"order_ids": [(6, 0, [world["order"]])]},
    )
    assert name in ACCESS


# === RULES OF EVERY COMPANY ===


def test_manager_of_one_company_cannot_change_shared_rules(world, as_user, odoo_server):
    manager_b = as_user("atk_manager_b")
    for model, key in (
        ("sale.accuracy.rule", "shared_accuracy"),
        ("sales.followup.rule", "shared_followup"),
    ):
        rule = world[key]
        assert manager_b(model, "read", [rule], ["name"])
        assert (
            refused(odoo_server, manager_b, model, "write", [rule], {"active": False})
            in ACCESS
        )
        assert refused(odoo_server, manager_b, model, "unlink", [rule]) in ACCESS
    name = refused(
        odoo_server,
        manager_b,
        "sale.accuracy.rule",
        "create",
        {
            "name": "Everyone's orders",
            "code": unique("atk").replace(" ", "_"),
            "check_type": "domain",
            "domain": "[('amount_total', '>', 0)]",
            "company_id": False,
        },
    )
    assert name in ACCESS


# === MEETINGS ===


def test_meeting_cannot_link_an_unreadable_order(world, as_user, odoo_server):
    rep = as_user("atk_rep")
    values = {
        "name": "Spy meeting",
        "start": "2026-03-02 10:00:00",
        "stop": "2026-03-02 11:00:00",
    }
    name = refused(
        odoo_server,
        rep,
        "calendar.event",
        "create",
        dict(values, sale_order_id=world["order"]),
    )
    assert name in USER


# === READ-ONLY ROLES ===


def test_auditor_cannot_make_the_checks_write(world, as_user, odoo_server):
    auditor = as_user("atk_auditor")
    rows = auditor("sale.order", "read", [world["order"]], ["accuracy_issue_ids"])
    assert sorted(rows[0]["accuracy_issue_ids"]) == sorted(world["issues"])
    for method in ("action_check_accuracy", "action_confirm"):
        assert (
            refused(odoo_server, auditor, "sale.order", method, [world["order"]])
            in ACCESS
        )

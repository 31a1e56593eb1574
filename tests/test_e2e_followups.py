"""Follow-ups, support requests and meetings over RPC (issue 4).

These tests need the follow-ups feature: without it they fail, never skip."""

import json

import pytest
from conftest import (
    clean_order_vals,
    make_api_key,
    make_user,
    new_customer,
    new_order,
    new_product,
    rpc_error_name,
    xmlid,
)
from odoorpc.error import RPCError

ACCESS = "odoo.exceptions.AccessError"
ACTIVITY_TYPES = [
    "mail_activity_type_quote_followup",
    "mail_activity_type_delivery_update",
    "mail_activity_type_payment_followup",
    "mail_activity_type_document_request",
    "mail_activity_type_lead_followup",
    "mail_activity_type_meeting_followup",
]


@pytest.fixture(scope="module")
def manager(connect):
    return connect("manager", "manager")


@pytest.fixture(scope="module")
def coordinator_id(admin):
    return admin.env["res.users"].search([("login", "=", "coordinator")])[0]


@pytest.fixture(scope="module")
def quote_rule(admin):
    """The shipped quote_no_reply rule, made to fire on quotations sent today."""
    rules = admin.env["sales.followup.rule"].search_read(
        [
            ("trigger", "=", "quote_no_reply"),
            ("company_id", "in", [admin.env.user.company_id.id, False]),
        ],
        ["delay_days"],
    )
    assert rules, "no default quote_no_reply follow-up rule"
    rule = rules[0]
    admin.env["sales.followup.rule"].write([rule["id"]], {"delay_days": 0})
    yield rule["id"]
    admin.env["sales.followup.rule"].write(
        [rule["id"]], {"delay_days": rule["delay_days"]}
    )


def sent_quotation(admin):
    product = new_product(admin)
    order = new_order(
        admin, new_customer(admin), [(product, 12, None)], **clean_order_vals(admin)
    )
    admin.env["sale.order"].action_quotation_sent([order])
    return order


def followups_on(odoo, order):
    return odoo.env["mail.activity"].search_read(
        [("res_model", "=", "sale.order"), ("res_id", "=", order)],
        ["activity_type_id", "user_id", "date_deadline"],
    )


def test_activity_types_exist(admin):
    for name in ACTIVITY_TYPES:
        assert xmlid(admin, f"sales_coordination.{name}")


def test_run_followups_plans_once_for_the_owner(
    admin, manager, quote_rule, coordinator_id
):
    order = sent_quotation(admin)
    created = manager.env["sales.followup.rule"].run_followups()
    assert isinstance(created, int)
    assert created >= 1
    activities = followups_on(admin, order)
    quote_type = xmlid(admin, "sales_coordination.mail_activity_type_quote_followup")
    mine = [a for a in activities if a["activity_type_id"][0] == quote_type]
    assert len(mine) == 1
    assert mine[0]["user_id"][0] == coordinator_id
    # Idempotent: a second run creates nothing new.
    assert manager.env["sales.followup.rule"].run_followups() == 0
    assert len(followups_on(admin, order)) == len(activities)


def test_only_managers_run_followups(connect):
    for login in ("coordinator", "administrator"):
        odoo = connect(login, login)
        with pytest.raises(RPCError) as info:
            odoo.env["sales.followup.rule"].run_followups()
        assert rpc_error_name(info.value) == ACCESS, login


def test_cli_followups(admin, cli, quote_rule):
    order = sent_quotation(admin)
    result = cli(
        "followups", "run", "--format", "json", login="manager", password="manager"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["created"] >= 1
    again = cli("followups", "run", login="manager", password="manager")
    assert again.returncode == 0
    listed = cli(
        "followups",
        "list",
        "--user",
        "coordinator",
        "--format",
        "json",
        login="manager",
        password="manager",
    )
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert any(r["res_model"] == "sale.order" and r["res_id"] == order for r in rows)
    assert all(r["user_id"]["name"] for r in rows)
    overdue = cli("followups", "list", "--overdue", "--format", "csv")
    assert overdue.returncode == 0, overdue.stderr
    assert overdue.stdout.startswith("id,date_deadline,state")
    refused = cli("followups", "run", login="coordinator", password="coordinator")
    assert refused.returncode == 1
    assert "sales-coordination:" in refused.stderr


# --------------------------------------------------------------------------
# Support requests
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def salespeople(admin):
    for login in ("e2e_rep_a", "e2e_rep_b"):
        make_user(admin, login, ["sales_team.group_sale_salesman"])
    return "e2e_rep_a", "e2e_rep_b"


def read_request(odoo, request_id):
    return odoo.env["sales.support.request"].read(
        [request_id],
        [
            "state",
            "requested_by_id",
            "assigned_to_id",
            "first_response_date",
            "done_date",
            "response_hours",
            "resolution_hours",
        ],
    )[0]


def test_request_lifecycle(admin, connect, salespeople, coordinator_id):
    rep = connect(salespeople[0], salespeople[0])
    coordinator = connect("coordinator", "coordinator")
    partner = new_customer(admin)
    request_id = rep.env["sales.support.request"].create(
        {
            "name": "Certificate of analysis for the grain-free range",
            "request_type": "document",
            "partner_id": partner,
        }
    )
    request = read_request(rep, request_id)
    assert request["state"] == "new"
    assert request["requested_by_id"][0] == rep.env.uid
    assert request["assigned_to_id"][0] == coordinator_id
    assert request["first_response_date"] is False

    Request = coordinator.env["sales.support.request"]
    Request.action_start([request_id])
    started = read_request(coordinator, request_id)
    assert started["state"] == "in_progress"
    assert started["first_response_date"]
    Request.action_done([request_id])
    done = read_request(coordinator, request_id)
    assert done["state"] == "done"
    assert done["done_date"]
    assert done["resolution_hours"] >= 0
    assert done["response_hours"] >= 0
    Request.action_reopen([request_id])
    reopened = read_request(coordinator, request_id)
    assert reopened["state"] in ("new", "in_progress")
    assert reopened["first_response_date"] == started["first_response_date"]
    Request.action_cancel([request_id])
    assert read_request(coordinator, request_id)["state"] == "cancelled"

    # Another rep cannot read it.
    other = connect(salespeople[1], salespeople[1])
    with pytest.raises(RPCError) as info:
        other.env["sales.support.request"].read([request_id], ["name"])
    assert rpc_error_name(info.value) == ACCESS


def test_request_with_xmlrpc(admin, xmlrpc_as, salespeople):
    rep = xmlrpc_as(salespeople[0], salespeople[0])
    # a request is about an order its author may read: the rep's own
    order = new_order(
        admin,
        new_customer(admin),
        [(new_product(admin), 1, None)],
        **clean_order_vals(admin),
        user_id=make_user(admin, salespeople[0], []),
    )
    request_id = rep(
        "sales.support.request",
        "create",
        {
            "name": "Confirm the delivery slot",
            "request_type": "shipment_update",
            "order_id": order,
        },
    )
    coordinator = xmlrpc_as("coordinator", "coordinator")
    coordinator("sales.support.request", "action_start", [request_id])
    coordinator("sales.support.request", "action_done", [request_id])
    row = rep("sales.support.request", "read", [request_id], ["state", "order_id"])[0]
    assert row["state"] == "done"
    assert row["order_id"][0] == order


def test_cli_requests(admin, cli, salespeople, coordinator_id):
    partner = new_customer(admin)
    # a request is about an order its author may read: the rep's own
    order = new_order(
        admin,
        partner,
        [(new_product(admin), 1, None)],
        **clean_order_vals(admin),
        user_id=make_user(admin, salespeople[0], []),
    )
    created = cli(
        "requests",
        "create",
        "--type",
        "proposal",
        "--partner",
        str(partner),
        "--order",
        str(order),
        "--note",
        "Proposal for the spring catalogue\nWith the new cat litter prices.",
        "--format",
        "json",
        login=salespeople[0],
        password=salespeople[0],
    )
    assert created.returncode == 0, created.stderr
    request = json.loads(created.stdout)
    assert request["name"] == "Proposal for the spring catalogue"
    assert request["assigned_to_id"]["id"] == coordinator_id
    assert request["state"] == "new"
    listed = cli(
        "requests",
        "list",
        "--state",
        "new,in_progress",
        "--format",
        "json",
        login="coordinator",
        password="coordinator",
    )
    assert listed.returncode == 0, listed.stderr
    assert request["id"] in [r["id"] for r in json.loads(listed.stdout)]
    bad = cli("requests", "list", "--state", "bogus")
    assert bad.returncode == 2
    missing = cli(
        "requests",
        "create",
        "--type",
        "other",
        "--order",
        "S_NO_SUCH_ORDER",
        "--note",
        "x",
    )
    assert missing.returncode == 1
    assert "S_NO_SUCH_ORDER" in missing.stderr


def test_meeting_outcomes(admin):
    fields = admin.env["calendar.event"].fields_get(
        ["coordination_outcome"], ["selection"]
    )
    values = {key for key, _label in fields["coordination_outcome"]["selection"]}
    assert values == {"planned", "held", "no_show", "rescheduled", "cancelled"}
    event = admin.env["calendar.event"].create(
        {
            "name": "E2E quarterly review",
            "start": "2030-01-10 09:00:00",
            "stop": "2030-01-10 10:00:00",
        }
    )
    outcome = admin.env["calendar.event"].read([event], ["coordination_outcome"])
    assert outcome[0]["coordination_outcome"] == "planned"


def test_cli_with_an_api_key(odoo_server, cli, salespeople):
    key = make_api_key(odoo_server, salespeople[1], salespeople[1], name="cli key")
    created = cli(
        "requests",
        "create",
        "--type",
        "other",
        "--note",
        "Raised by the EDI gateway",
        "--format",
        "json",
        login=salespeople[1],
        api_key=key,
    )
    assert created.returncode == 0, created.stderr
    request = json.loads(created.stdout)
    assert request["requested_by_id"]["name"]
    listed = cli(
        "requests", "list", "--format", "json", login=salespeople[1], api_key=key
    )
    assert listed.returncode == 0, listed.stderr
    assert [r["id"] for r in json.loads(listed.stdout)] == [request["id"]]

"""Attacks on enforce mode and on the fields the addon sets itself, over
JSON-RPC (odoorpc) and XML-RPC (a plain ``xmlrpc.client.ServerProxy``), each
as the weakest user who could try it.

Every attempt must be refused with one of the four clear errors (UserError,
ValidationError, AccessError, MissingError) and leave the rows it aimed at
exactly as they were (read straight from PostgreSQL before and after).
"""

import datetime
import xmlrpc.client

import pytest
from conftest import (
    clean_order_vals,
    db_connect,
    is_clear_error,
    make_user,
    new_customer,
    new_product,
    rpc_error_name,
    unique,
)
from odoorpc.error import RPCError

PROTOCOLS = ["jsonrpc", "xmlrpc"]
REP = "e2e_enforce_rep"
SOME_DATE = "2026-01-01 00:00:00"
# What a confirmation changes on an order row (the checks that run before a
# refused confirmation may record their findings: those columns are left out).
ORDER_STATE_COLUMNS = ["state", "date_order", "locked", "invoice_status"]


class Attacker:
    """One user, over one protocol; ``call`` returns the error it got."""

    def __init__(self, odoo_server, connect, protocol, login):
        self.protocol = protocol
        self.login = login
        if protocol == "jsonrpc":
            self.odoo = connect(login, login)
        else:
            common = xmlrpc.client.ServerProxy(f"{odoo_server.url}/xmlrpc/2/common")
            self.db = odoo_server.db
            self.uid = common.authenticate(odoo_server.db, login, login, {})
            assert self.uid, f"{login} cannot log in"
            # No allow_none: what a plain integrator's script sends.
            self.models = xmlrpc.client.ServerProxy(
                f"{odoo_server.url}/xmlrpc/2/object"
            )

    def execute(self, model, method, args, kwargs=None):
        if self.protocol == "jsonrpc":
            return self.odoo.execute_kw(model, method, args, kwargs or {})
        return self.models.execute_kw(
            self.db, self.uid, self.login, model, method, args, kwargs or {}
        )

    def refused(self, model, method, args, kwargs=None):
        """Run the call, which must fail with a clear error; return the
        error's name (``odoo.exceptions.X`` over JSON-RPC, the fault family
        ``user`` or ``access`` over XML-RPC)."""
        errors = RPCError if self.protocol == "jsonrpc" else xmlrpc.client.Fault
        with pytest.raises(errors) as info:
            self.execute(model, method, args, kwargs)
        assert is_clear_error(info.value), f"{rpc_error_name(info.value)}: {info.value}"
        return rpc_error_name(info.value)


def user_error(name):
    return name in ("odoo.exceptions.UserError", "user")


def access_error(name):
    return name in ("odoo.exceptions.AccessError", "access")


def rows(odoo_server, table, ids, columns=None):
    """The rows of ``table`` with these ids, as PostgreSQL has them."""
    conn = db_connect(odoo_server)
    with conn.cursor() as cr:
        cr.execute(
            f"SELECT {', '.join(columns) if columns else '*'} FROM {table} "
            "WHERE id = ANY(%s) ORDER BY id",
            [list(ids)],
        )
        result = cr.fetchall()
    conn.close()
    return result


def count(odoo_server, table):
    conn = db_connect(odoo_server)
    with conn.cursor() as cr:
        cr.execute(f"SELECT count(*), max(id) FROM {table}")
        result = cr.fetchone()
    conn.close()
    return result


@pytest.fixture(scope="module")
def world(admin):
    """The demo company enforcing; a plain salesperson; a product."""
    company = admin.env.user.company_id.id
    admin.env["res.company"].write([company], {"accuracy_mode": "enforce"})
    make_user(admin, REP, ["sales_team.group_sale_salesman"])
    rep_id = admin.env["res.users"].search([("login", "=", REP)])[0]
    return {"product": new_product(admin), "rep": rep_id}


@pytest.fixture(params=PROTOCOLS)
def protocol(request):
    return request.param


@pytest.fixture
def attacker(odoo_server, connect, protocol):
    def _as(login):
        return Attacker(odoo_server, connect, protocol, login)

    return _as


def rep_quotation(admin, world, blocked=True):
    """A quotation of the salesperson; ``blocked``: a 60 % discount (the
    limit is 15 %), found by a check already."""
    line = {"product_id": world["product"], "product_uom_qty": 12}
    if blocked:
        line["discount"] = 60
    order = admin.env["sale.order"].create(
        {
            "partner_id": new_customer(admin),
            "user_id": world["rep"],
            "order_line": [(0, 0, line)],
            **clean_order_vals(admin),
        }
    )
    admin.env["sale.order"].action_check_accuracy([order])
    state = admin.env["sale.order"].read([order], ["accuracy_state"])[0]
    assert state["accuracy_state"] == ("blocked" if blocked else "passed")
    return order


def order_vals(admin, world, **values):
    return {
        "partner_id": new_customer(admin),
        "user_id": world["rep"],
        "order_line": [(0, 0, {"product_id": world["product"], "product_uom_qty": 6})],
        **clean_order_vals(admin),
        **values,
    }


# --------------------------------------------------------------------------
# Enforce mode
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "context",
    [
        {"install_module": "sale"},
        {"install_mode": True, "install_filename": "sale_demo.xml"},
        {"module": "sales_coordination", "noupdate": True, "import_file": True},
    ],
    ids=["install_module", "install_mode", "module"],
)
def test_no_context_key_skips_the_checks(admin, world, attacker, odoo_server, context):
    order = rep_quotation(admin, world)
    before = rows(odoo_server, "sale_order", [order], ORDER_STATE_COLUMNS)
    pickings = count(odoo_server, "stock_picking")
    name = attacker(REP).refused(
        "sale.order", "action_confirm", [[order]], {"context": context}
    )
    assert user_error(name), name
    assert rows(odoo_server, "sale_order", [order], ORDER_STATE_COLUMNS) == before
    assert before[0][0] == "draft"
    assert count(odoo_server, "stock_picking") == pickings


def test_write_state_sale_is_refused(admin, world, attacker, odoo_server):
    blocked = rep_quotation(admin, world)
    clean = rep_quotation(admin, world, blocked=False)
    before = rows(odoo_server, "sale_order", [blocked, clean])
    rep = attacker(REP)
    for order in (blocked, clean):
        name = rep.refused("sale.order", "write", [[order], {"state": "sale"}])
        assert user_error(name), name
        name = rep.refused(
            "sale.order",
            "web_save",
            [[order], {"state": "sale"}],
            {"specification": {"state": {}}},
        )
        assert user_error(name), name
    assert rows(odoo_server, "sale_order", [blocked, clean]) == before


def test_create_state_sale_is_refused(admin, world, attacker, odoo_server):
    before = count(odoo_server, "sale_order")
    rep = attacker(REP)
    name = rep.refused("sale.order", "create", [order_vals(admin, world, state="sale")])
    assert user_error(name), name
    name = rep.refused(
        "sale.order",
        "create",
        [order_vals(admin, world)],
        {"context": {"default_state": "sale"}},
    )
    assert user_error(name), name
    clean = rep_quotation(admin, world, blocked=False)
    after_setup = count(odoo_server, "sale_order")
    name = rep.refused("sale.order", "copy", [[clean]], {"default": {"state": "sale"}})
    assert user_error(name), name
    assert count(odoo_server, "sale_order") == after_setup
    assert after_setup[0] == before[0] + 1  # only the quotation of the setup


def test_confirmation_still_confirms_a_clean_order(admin, world, attacker):
    order = rep_quotation(admin, world, blocked=False)
    attacker(REP).execute("sale.order", "action_confirm", [[order]])
    state = admin.env["sale.order"].read([order], ["state", "accuracy_state"])[0]
    assert (state["state"], state["accuracy_state"]) == ("sale", "passed")


# --------------------------------------------------------------------------
# Fields the addon sets: sale.order
# --------------------------------------------------------------------------

ORDER_FIELDS = {
    "accuracy_state": "passed",
    "first_time_right": True,
    "accuracy_checked_date": SOME_DATE,
    "accuracy_first_checked_date": SOME_DATE,
    "data_entry_right": True,
    "invoice_posted_date": SOME_DATE,
    "quotation_sent_date": SOME_DATE,
}


@pytest.mark.parametrize("field", list(ORDER_FIELDS))
def test_order_field_refused_on_write(admin, world, attacker, odoo_server, field):
    order = rep_quotation(admin, world)
    before = rows(odoo_server, "sale_order", [order])
    name = attacker(REP).refused(
        "sale.order", "write", [[order], {field: ORDER_FIELDS[field]}]
    )
    assert access_error(name), name
    assert rows(odoo_server, "sale_order", [order]) == before


@pytest.mark.parametrize("field", list(ORDER_FIELDS))
def test_order_field_refused_on_create(admin, world, attacker, odoo_server, field):
    vals = order_vals(admin, world, **{field: ORDER_FIELDS[field]})
    before = count(odoo_server, "sale_order")
    name = attacker(REP).refused("sale.order", "create", [vals])
    assert access_error(name), name
    assert count(odoo_server, "sale_order") == before


def test_order_born_first_time_right_through_context(admin, world, attacker):
    """Context defaults of protected fields are ignored."""
    context = {
        "default_first_time_right": True,
        "default_accuracy_state": "passed",
        "default_data_entry_right": True,
    }
    # A quotation missing its PO number: its automatic check finds an issue.
    order = attacker(REP).execute(
        "sale.order",
        "create",
        [order_vals(admin, world, client_order_ref=False)],
        {"context": context},
    )
    twin = attacker(REP).execute(
        "sale.order", "create", [order_vals(admin, world, client_order_ref=False)]
    )
    fields = ["accuracy_state", "first_time_right", "data_entry_right"]
    state, twin_state = admin.env["sale.order"].read([order, twin], fields)
    # what the check found, exactly as on an order created without the context
    assert {k: state[k] for k in fields} == {k: twin_state[k] for k in fields}
    assert state["accuracy_state"] == "warning"
    assert state["first_time_right"] is False
    assert state["data_entry_right"] is False


# --------------------------------------------------------------------------
# sales.support.request
# --------------------------------------------------------------------------

REQUEST_FIELDS = {
    "state": "done",
    "request_date": SOME_DATE,
    "first_response_date": SOME_DATE,
    "done_date": SOME_DATE,
    "response_hours": 0.5,
}


@pytest.fixture
def support_request(admin, world, attacker):
    coordinator = admin.env["res.users"].search([("login", "=", "coordinator")])[0]
    return attacker(REP).execute(
        "sales.support.request",
        "create",
        [{"name": unique("E2E attack request"), "assigned_to_id": coordinator}],
    )


@pytest.mark.parametrize("field", list(REQUEST_FIELDS))
@pytest.mark.parametrize("login", [REP, "coordinator"], ids=["requester", "assignee"])
def test_request_field_refused_on_write(
    attacker, odoo_server, support_request, field, login
):
    before = rows(odoo_server, "sales_support_request", [support_request])
    name = attacker(login).refused(
        "sales.support.request",
        "write",
        [[support_request], {field: REQUEST_FIELDS[field]}],
    )
    assert access_error(name), name
    assert rows(odoo_server, "sales_support_request", [support_request]) == before


@pytest.mark.parametrize("field", list(REQUEST_FIELDS))
def test_request_field_refused_on_create(attacker, odoo_server, world, field):
    before = count(odoo_server, "sales_support_request")
    name = attacker(REP).refused(
        "sales.support.request",
        "create",
        [{"name": unique("E2E attack request"), field: REQUEST_FIELDS[field]}],
    )
    assert access_error(name), name
    assert count(odoo_server, "sales_support_request") == before


def test_request_buttons_still_work(admin, attacker, support_request):
    coordinator = attacker("coordinator")
    coordinator.execute("sales.support.request", "action_start", [[support_request]])
    coordinator.execute("sales.support.request", "action_done", [[support_request]])
    state = admin.env["sales.support.request"].read(
        [support_request], ["state", "first_response_date", "done_date"]
    )[0]
    assert state["state"] == "done"
    assert state["first_response_date"] and state["done_date"]


# --------------------------------------------------------------------------
# calendar.event
# --------------------------------------------------------------------------


def meeting_vals(**values):
    """A meeting that took place an hour ago."""
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)
    return {
        "name": unique("E2E attack meeting"),
        "start": (now - datetime.timedelta(hours=2)).isoformat(" "),
        "stop": (now - datetime.timedelta(hours=1)).isoformat(" "),
        **values,
    }


@pytest.fixture
def meeting(attacker, world):
    return attacker(REP).execute("calendar.event", "create", [meeting_vals()])


@pytest.mark.parametrize(
    ("field", "value"),
    [("coordination_outcome", "held"), ("coordination_followup_done", True)],
)
def test_meeting_field_refused(attacker, odoo_server, meeting, field, value):
    before = rows(odoo_server, "calendar_event", [meeting])
    events = count(odoo_server, "calendar_event")
    rep = attacker(REP)
    name = rep.refused("calendar.event", "write", [[meeting], {field: value}])
    assert access_error(name), name
    name = rep.refused("calendar.event", "create", [meeting_vals(**{field: value})])
    assert access_error(name), name
    assert rows(odoo_server, "calendar_event", [meeting]) == before
    assert count(odoo_server, "calendar_event") == events


def test_meeting_outcome_through_its_button(admin, attacker, meeting):
    attacker(REP).execute("calendar.event", "action_outcome_held", [[meeting]])
    outcome = admin.env["calendar.event"].read([meeting], ["coordination_outcome"])
    assert outcome[0]["coordination_outcome"] == "held"


# --------------------------------------------------------------------------
# mail.activity: the follow-up markers
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def followup(admin, connect, world):
    """A follow-up of the shipped quote rule, planned for the coordinator on
    a sent quotation of the salesperson (the rule made to fire today)."""
    rule = admin.env["sales.followup.rule"].search_read(
        [
            ("trigger", "=", "quote_no_reply"),
            ("company_id", "in", [admin.env.user.company_id.id, False]),
        ],
        ["delay_days"],
    )[0]
    admin.env["sales.followup.rule"].write([rule["id"]], {"delay_days": 0})
    try:
        order = rep_quotation(admin, world, blocked=False)
        admin.env["sale.order"].action_quotation_sent([order])
        connect("manager", "manager").env["sales.followup.rule"].run_followups()
    finally:
        admin.env["sales.followup.rule"].write(
            [rule["id"]], {"delay_days": rule["delay_days"]}
        )
    activities = admin.env["mail.activity"].search_read(
        [
            ("res_model", "=", "sale.order"),
            ("res_id", "=", order),
            ("followup_rule_id", "=", rule["id"]),
        ],
        ["user_id"],
    )
    assert len(activities) == 1
    coordinator = admin.env["res.users"].search([("login", "=", "coordinator")])[0]
    assert activities[0]["user_id"][0] == coordinator
    return {"id": activities[0]["id"], "order": order, "rule": rule["id"]}


@pytest.mark.parametrize(
    "vals",
    [
        {"followup_escalated": True},
        {"followup_rule_id": False},
    ],
    ids=["escalated", "rule"],
)
def test_assignee_cannot_stop_the_escalation(attacker, odoo_server, followup, vals):
    before = rows(odoo_server, "mail_activity", [followup["id"]])
    name = attacker("coordinator").refused(
        "mail.activity", "write", [[followup["id"]], vals]
    )
    assert access_error(name), name
    assert rows(odoo_server, "mail_activity", [followup["id"]]) == before


def test_nobody_takes_a_rule_slot(admin, world, attacker, odoo_server, followup):
    order = rep_quotation(admin, world, blocked=False)
    vals = {
        "res_model_id": admin.env["ir.model"].search([("model", "=", "sale.order")])[0],
        "res_id": order,
        "activity_type_id": admin.env["mail.activity.type"].search([], limit=1)[0],
        "user_id": world["rep"],
    }
    before = count(odoo_server, "mail_activity")
    rep = attacker(REP)
    for marker in (
        {"followup_rule_id": followup["rule"]},
        {"followup_escalated": True},
        {"followup_escalation_of_id": followup["id"]},
    ):
        name = rep.refused("mail.activity", "create", [dict(vals, **marker)])
        assert access_error(name), name
    assert count(odoo_server, "mail_activity") == before
    # A context default of the marker is ignored: a plain activity.
    activity = rep.execute(
        "mail.activity",
        "create",
        [vals],
        {"context": {"default_followup_rule_id": followup["rule"]}},
    )
    marker = admin.env["mail.activity"].read([activity], ["followup_rule_id"])
    assert marker[0]["followup_rule_id"] is False

"""Trust, second round: the holes a security probe found, tried again over
JSON-RPC (odoorpc) and plain XML-RPC (``xmlrpc.client`` without
``allow_none``), each as the weakest user that could try it.

Each attack must get a clear error (UserError, ValidationError, AccessError,
MissingError) and leave the watched tables exactly as they were.
"""

import time

import pytest
from conftest import (
    USER,
    DatabaseWatch,
    make_user,
    new_customer,
    new_order,
    new_product,
    unique,
    xmlid,
)

WATCH = DatabaseWatch(
    [
        "sale_accuracy_rule",
        "sales_followup_rule",
        "sales_coordination_kpi_target",
        "sales_support_request",
        "calendar_event",
        "mail_message",
    ]
)
refused = WATCH.refused

# passes the field and operator checks; the database cannot run it
UNRUNNABLE = "[('date_order', '>', 'not a date')]"
# 31 s to evaluate before the bound
UNBOUNDED = "[('id', '=', (10 ** (3 * 10 ** 7)) % 7)]"


def partner_of(admin, user_id):
    return admin.env["res.users"].read([user_id], ["partner_id"])[0]["partner_id"][0]


@pytest.fixture(scope="module")
def world(admin, connect, odoo_server):
    company_b = admin.env["res.company"].create({"name": unique("E2E Trust B")})
    users = {
        "rep": make_user(admin, "trust_rep", ["sales_team.group_sale_salesman"]),
        "organizer": make_user(
            admin, "trust_organizer", ["sales_team.group_sale_salesman"]
        ),
        "coord": make_user(
            admin, "trust_coordinator", ["sales_coordination.group_coordinator"]
        ),
        "coord_b": make_user(
            admin,
            "trust_coordinator_b",
            ["sales_coordination.group_coordinator"],
            company_id=company_b,
        ),
        "manager": make_user(
            admin, "trust_manager", ["sales_coordination.group_manager"]
        ),
    }
    accuracy_rule = admin.env["sale.accuracy.rule"].create(
        {
            "name": unique("E2E carrier note"),
            "code": unique("e2e_note").replace(" ", "_"),
            "check_type": "domain",
            "domain": "[('note', '=', False)]",
            "company_id": admin.env.user.company_id.id,
        }
    )
    # a rule of the managers' company: shared rules need a user of every company
    shared = admin.env["sales.followup.rule"].search(
        [("trigger", "=", "quote_no_reply")], limit=1
    )[0]
    followup_rule = admin.env["sales.followup.rule"].copy(
        [shared],
        {
            "name": unique("E2E quote follow-up"),
            "company_id": admin.env.user.company_id.id,
            "active": False,
        },
    )
    followup_rule = (
        followup_rule[0] if isinstance(followup_rule, list) else followup_rule
    )
    target = admin.env["sales.coordination.kpi.target"].search([], limit=1)
    # created by its organizer: nobody else may even read it back
    organizer = connect("trust_organizer", "trust_organizer")
    private = organizer.env["calendar.event"].create(
        {
            "name": "Private range review",
            "start": "2026-03-02 10:00:00",
            "stop": "2026-03-02 11:00:00",
            "privacy": "private",
            "user_id": users["organizer"],
            "partner_ids": [(6, 0, [partner_of(admin, users["organizer"])])],
        }
    )
    request = admin.env["sales.support.request"].create(
        {
            "name": "Proposal for 40 pallets",
            "request_type": "proposal",
            "requested_by_id": users["rep"],
            "assigned_to_id": users["coord"],
        }
    )
    yield {
        "users": users,
        "accuracy_rule": accuracy_rule,
        "followup_rule": followup_rule,
        "target": target[0] if target else None,
        "private": private,
        "request": request,
        "sale_order_model": admin.env["ir.model"].search(
            [("model", "=", "sale.order")]
        )[0],
    }
    # the other e2e files share the database: their orders must not get this
    # file's warning (an order without a note)
    admin.env["sale.accuracy.rule"].write([accuracy_rule], {"active": False})


# === RULES CANNOT HURT THE COMPANY ===


def test_numbers_too_big_for_the_database_are_validation_errors(
    world, as_json, odoo_server
):
    call = as_json("trust_manager")
    huge = 10**400
    writes = [
        ("sale.accuracy.rule", world["accuracy_rule"], "threshold"),
        ("sale.accuracy.rule", world["accuracy_rule"], "sequence"),
        ("sales.followup.rule", world["followup_rule"], "delay_days"),
        ("sales.followup.rule", world["followup_rule"], "deadline_days"),
        ("sales.followup.rule", world["followup_rule"], "escalate_after_days"),
        ("sales.followup.rule", world["followup_rule"], "sequence"),
    ]
    if world["target"]:
        writes.append(("sales.coordination.kpi.target", world["target"], "target"))
    for model, record, fname in writes:
        name = refused(odoo_server, call, model, "write", [record], {fname: huge})
        assert name in USER, (model, fname, name)


def test_a_domain_the_database_cannot_run_is_refused_on_save(
    world, as_user, odoo_server
):
    call = as_user("trust_manager")
    name = refused(
        odoo_server,
        call,
        "sale.accuracy.rule",
        "write",
        [world["accuracy_rule"]],
        {"domain": UNRUNNABLE},
    )
    assert name in USER


def test_an_unbounded_domain_is_refused_at_once(world, as_user, odoo_server):
    call = as_user("trust_manager")
    for model, record, vals in (
        ("sale.accuracy.rule", world["accuracy_rule"], {}),
        (
            "sales.followup.rule",
            world["followup_rule"],
            {"trigger": "domain", "model_id": world["sale_order_model"]},
        ),
    ):
        started = time.monotonic()
        name = refused(
            odoo_server,
            call,
            model,
            "write",
            [record],
            {**vals, "domain": UNBOUNDED},
        )
        assert name in USER
        # refused before it is evaluated, not after half a minute
        assert time.monotonic() - started < 10


# === EVERY PUBLIC ENTRY CHECKS WHAT IT IS GIVEN ===


def test_simulation_line_orders_refuse_bad_ids(as_user, odoo_server):
    call = as_user("trust_manager")
    for ids in ([], [[1]], [True], [0], list(range(1, 100_001))):
        name = refused(
            odoo_server,
            call,
            "sale.accuracy.simulation.line",
            "action_view_orders",
            ids,
        )
        assert name in USER, (str(ids)[:20], name)


def test_simulation_line_orders_refuse_null(as_json, odoo_server):
    call = as_json("trust_manager")
    assert (
        refused(
            odoo_server,
            call,
            "sale.accuracy.simulation.line",
            "action_view_orders",
            None,
        )
        in USER
    )


# === NOTHING REACHES TOO FAR ===


def test_private_meeting_of_someone_else_is_a_clear_error(world, as_user, odoo_server):
    for login in ("trust_coordinator", "trust_rep", "trust_manager"):
        call = as_user(login)
        for method in ("action_outcome_held", "action_outcome_no_show"):
            refused(odoo_server, call, "calendar.event", method, [world["private"]])


def test_support_request_goes_to_an_internal_user_of_its_company(
    world, as_user, odoo_server
):
    call = as_user("trust_coordinator")
    for user in ("coord_b",):
        name = refused(
            odoo_server,
            call,
            "sales.support.request",
            "write",
            [world["request"]],
            {"assigned_to_id": world["users"][user]},
        )
        assert name in USER


def test_requester_does_not_close_their_own_request(world, as_user, odoo_server):
    call = as_user("trust_rep")
    name = refused(
        odoo_server, call, "sales.support.request", "action_done", [world["request"]]
    )
    assert name in USER


def test_domain_rule_broken_behind_its_back_is_skipped(world, admin, odoo_server):
    """A rule that was valid when saved but fails at check time is skipped and
    shown on the rule; the other rules still check the order."""
    from conftest import db_connect

    rule = admin.env["sale.accuracy.rule"].create(
        {
            "name": unique("E2E broken later"),
            "code": unique("e2e_broken").replace(" ", "_"),
            "check_type": "domain",
            "domain": "[('note', '=', False)]",
            "company_id": admin.env.user.company_id.id,
        }
    )
    try:
        conn = db_connect(odoo_server)
        with conn, conn.cursor() as cr:
            cr.execute(
                "UPDATE sale_accuracy_rule SET domain = %s WHERE id = %s",
                [UNRUNNABLE, rule],
            )
        conn.close()
        order = new_order(
            admin,
            new_customer(admin),
            [(new_product(admin), 12, None)],
        )
        admin.env["sale.order"].action_check_accuracy([order])
        [values] = admin.env["sale.order"].read([order], ["accuracy_state"])
        assert values["accuracy_state"] != "unchecked"
        [shown] = admin.env["sale.accuracy.rule"].read([rule], ["last_error"])
        assert "could not run" in shown["last_error"]
    finally:
        admin.env["sale.accuracy.rule"].write([rule], {"active": False})


def test_an_internal_note_with_the_composer_key_does_not_inform_the_customer(
    admin, as_json
):
    """The composer's context key says where a message comes from; over RPC
    anyone sets it. A note (or a message to a colleague) on a late order must
    not mark its customer as informed, nor count as a proactive update."""
    call = as_json("coordinator")
    late = xmlid(admin, "sales_coordination.sale_order_story_d05_demo")
    fields = ["delivery_customer_notified_date", "delivery_informed_in_time"]
    before = call("sale.order", "read", [late], fields)[0]
    context = {"sc_delivery_update_sent": True}
    call(
        "sale.order",
        "message_post",
        [late],
        body="Customer informed (not really)",
        subtype_xmlid="mail.mt_note",
        context=context,
    )
    coordinator_partner = call(
        "res.users", "search_read", [["login", "=", "coordinator"]], ["partner_id"]
    )[0]["partner_id"][0]
    call(
        "sale.order",
        "message_post",
        [late],
        body="To a colleague",
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
        partner_ids=[coordinator_partner],
        context=context,
    )
    assert call("sale.order", "read", [late], fields)[0] == before

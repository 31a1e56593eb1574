"""Concurrency over RPC, twice: against the session's server (threaded: one
thread and one database cursor per request, so the transactions really
overlap), and against two prefork servers (``--workers 4
--max-cron-threads 2`` each) on the same database, the clients spread over
both, as behind a load balancer.

- 8 clients confirm the same order at once: exactly one confirmation, one
  delivery, and no duplicate issues.
- 8 clients check the same new order at once: no duplicate issues.
- 4 clients run the follow-ups at once (and, in prefork, the follow-up cron
  of both servers' cron workers at the same moment): no duplicate activities.
- A confirmation blocked by the checks keeps its findings (they are written
  outside the transaction the block rolls back).

These tests need the accuracy and follow-up features: without them they fail.
"""

import collections
import threading
import time

import pytest
from conftest import (
    USER,
    clean_order_vals,
    connect_to,
    is_clear_error,
    new_customer,
    new_order,
    new_product,
    rpc_error_name,
    xmlid,
)
from odoorpc.error import RPCError


def run_at_once(clients, action):
    """Run ``action(client)`` in one thread per client, released together.

    Returns the list of (result, exception) in client order."""
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def worker(index, client):
        barrier.wait()
        try:
            results[index] = (action(client), None)
        except Exception as exc:  # noqa: BLE001 - collected, asserted below
            results[index] = (None, exc)

    threads = [
        threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert all(r is not None for r in results), "a client hung"
    return results


def duplicates(rows, key):
    counts = collections.Counter(key(row) for row in rows)
    return {k: n for k, n in counts.items() if n > 1}


def open_issue_key(issue):
    return (issue["rule_id"][0], issue["line_id"] and issue["line_id"][0])


@pytest.fixture(scope="module", params=["threaded", "prefork"])
def servers(request, odoo_server):
    """The servers the clients talk to: the session's, or two prefork ones."""
    if request.param == "prefork":
        return request.getfixturevalue("prefork_pair")
    return [odoo_server]


def clients(servers, login, count):
    """``count`` sessions of ``login``, spread round-robin over the servers."""
    return [connect_to(servers[i % len(servers)], login, login) for i in range(count)]


@pytest.fixture(scope="module")
def managers(servers):
    return clients(servers, "manager", 8)


@pytest.fixture(scope="module")
def product(admin):
    return new_product(admin)


def test_eight_clients_confirm_the_same_order(admin, managers, product):
    admin.env["res.company"].write(
        [admin.env.user.company_id.id], {"accuracy_mode": "enforce"}
    )
    # No PO number: a warning, so the order has an open issue and confirms.
    vals = clean_order_vals(admin)
    vals.pop("client_order_ref")
    order = new_order(admin, new_customer(admin), [(product, 12, None)], **vals)

    results = run_at_once(
        managers, lambda odoo: odoo.env["sale.order"].action_confirm([order])
    )
    succeeded = [r for r, exc in results if exc is None]
    failed = [exc for _r, exc in results if exc is not None]
    assert len(succeeded) == 1, failed
    for exc in failed:
        assert is_clear_error(exc), exc

    row = admin.env["sale.order"].read(
        [order], ["state", "picking_ids", "accuracy_state"]
    )[0]
    assert row["state"] == "sale"
    assert len(row["picking_ids"]) == 1
    issues = admin.env["sale.accuracy.issue"].search_read(
        [("order_id", "=", order), ("state", "=", "open")], ["rule_id", "line_id"]
    )
    assert issues, "the missing PO number should be an open warning"
    assert duplicates(issues, open_issue_key) == {}


def test_eight_clients_check_the_same_order(admin, managers, product):
    order = new_order(
        admin,
        new_customer(admin, complete=False),
        [(product, 0, None), (product, 5, None)],
    )
    results = run_at_once(
        managers, lambda odoo: odoo.env["sale.order"].action_check_accuracy([order])
    )
    for result, exc in results:
        assert exc is None or is_clear_error(exc), exc
        assert exc is not None or result is True
    assert any(exc is None for _r, exc in results)
    issues = admin.env["sale.accuracy.issue"].search_read(
        [("order_id", "=", order), ("state", "=", "open")], ["rule_id", "line_id"]
    )
    assert len(issues) >= 2
    assert duplicates(issues, open_issue_key) == {}


def cron_lastcall(admin, cron):
    return admin.env["ir.cron"].read([cron], ["lastcall"])[0]["lastcall"]


def test_four_clients_run_followups_at_once(admin, servers):
    rules = admin.env["sales.followup.rule"].search_read(
        [("trigger", "=", "quote_no_reply")], ["delay_days"]
    )
    assert rules
    admin.env["sales.followup.rule"].write([r["id"] for r in rules], {"delay_days": 0})
    try:
        product = new_product(admin)
        orders = [
            new_order(
                admin,
                new_customer(admin),
                [(product, 1, None)],
                **clean_order_vals(admin),
            )
            for _i in range(5)
        ]
        admin.env["sale.order"].action_quotation_sent(orders)
        managers = clients(servers, "manager", 4)
        last = admin.env["mail.activity"].search([], order="id desc", limit=1)
        cron = xmlid(admin, "sales_coordination.sales_followup_rule_cron")
        before = cron_lastcall(admin, cron)
        prefork = servers[0].mode == "prefork"
        if prefork:
            # Due now: the cron workers of both servers wake up (the servers
            # run with ODOO_NOTIFY_CRON_CHANGES) while the clients call.
            # Through a prefork server: its process notifies the cron workers.
            connect_to(servers[0], "admin", "admin").env["ir.cron"].write(
                [cron], {"nextcall": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}
            )
        results = run_at_once(
            managers, lambda odoo: odoo.env["sales.followup.rule"].run_followups()
        )
        if prefork:
            deadline = time.time() + 180
            while cron_lastcall(admin, cron) == before and time.time() < deadline:
                time.sleep(1)
            assert cron_lastcall(admin, cron) != before, "the cron did not run"
    finally:
        for rule in rules:
            admin.env["sales.followup.rule"].write(
                [rule["id"]], {"delay_days": rule["delay_days"]}
            )
    for _result, exc in results:
        assert exc is None or is_clear_error(exc), exc
    assert any(exc is None for _r, exc in results)

    type_ids = [
        xmlid(admin, f"sales_coordination.{name}")
        for name in (
            "mail_activity_type_quote_followup",
            "mail_activity_type_delivery_update",
            "mail_activity_type_payment_followup",
            "mail_activity_type_document_request",
            "mail_activity_type_lead_followup",
            "mail_activity_type_meeting_followup",
        )
    ]
    # The activities these four runs planned.
    activities = admin.env["mail.activity"].search_read(
        [("activity_type_id", "in", type_ids), ("id", ">", last[0] if last else 0)],
        ["res_model", "res_id", "activity_type_id", "user_id"],
    )
    assert (
        duplicates(
            activities,
            lambda a: (
                a["res_model"],
                a["res_id"],
                a["activity_type_id"][0],
                a["user_id"] and a["user_id"][0],
            ),
        )
        == {}
    )
    quote_type = xmlid(admin, "sales_coordination.mail_activity_type_quote_followup")
    for order in orders:
        planned = [
            a
            for a in activities
            if a["res_model"] == "sale.order"
            and a["res_id"] == order
            and a["activity_type_id"][0] == quote_type
        ]
        assert len(planned) == 1, order


def test_blocked_confirmation_keeps_its_findings(admin, servers, product):
    admin.env["res.company"].write(
        [admin.env.user.company_id.id], {"accuracy_mode": "enforce"}
    )
    order = new_order(
        admin, new_customer(admin), [(product, 12, None)], **clean_order_vals(admin)
    )
    lines = admin.env["sale.order"].read([order], ["order_line"])[0]["order_line"]
    admin.env["sale.order.line"].write(lines, {"discount": 60})
    # Never checked before: the confirmation itself finds the blocking
    # discount, refuses, and its findings must outlive the rolled-back call.
    first, second = clients(servers[::-1], "administrator", 2)
    with pytest.raises(RPCError) as info:
        first.env["sale.order"].action_confirm([order])
    assert rpc_error_name(info.value) in USER
    # Read through the other server (in prefork: another process).
    state = second.env["sale.order"].read([order], ["state", "accuracy_state"])[0]
    assert state["state"] == "draft"
    assert state["accuracy_state"] == "blocked"
    issues = second.env["sale.accuracy.issue"].search_read(
        [("order_id", "=", order), ("state", "=", "open")], ["rule_code", "severity"]
    )
    assert "discount_limit" in {i["rule_code"] for i in issues}
    assert duplicates(issues, lambda i: i["rule_code"]) == {}

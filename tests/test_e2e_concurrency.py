"""Concurrency over RPC against the threaded server (one thread and one
database cursor per request, so the transactions really overlap).

- 8 clients confirm the same order at once: exactly one confirmation, one
  delivery, and no duplicate issues.
- 8 clients check the same new order at once: no duplicate issues.
- 4 clients run the follow-ups at once: no duplicate activities.

These tests need the accuracy and follow-up features: without them they fail.
"""

import collections
import threading

import pytest
from conftest import (
    clean_order_vals,
    is_clear_error,
    new_customer,
    new_order,
    new_product,
    xmlid,
)


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


@pytest.fixture(scope="module")
def managers(connect):
    return [connect("manager", "manager") for _i in range(8)]


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


def test_four_clients_run_followups_at_once(admin, connect):
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
        managers = [connect("manager", "manager") for _i in range(4)]
        last = admin.env["mail.activity"].search([], order="id desc", limit=1)
        results = run_at_once(
            managers, lambda odoo: odoo.env["sales.followup.rule"].run_followups()
        )
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

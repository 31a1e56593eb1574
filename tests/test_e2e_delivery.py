"""Delivery promises over JSON-RPC (odoorpc) and plain XML-RPC, on the demo's
supplier delay: the coordinator reads the status of her at-risk orders,
revises a promise and informs the customer; bad input and the wrong user get
a clear error and change nothing."""

from datetime import datetime, timedelta, timezone

import pytest
from conftest import ACCESS, USER, DatabaseWatch, make_user, xmlid

# a valid new promise: a month from now, at 16:00 (UTC)
IN_A_MONTH = (datetime.now(timezone.utc) + timedelta(days=30)).strftime(
    "%Y-%m-%d 16:00:00"
)
WATCH = DatabaseWatch(
    ["sale_order", "sale_delivery_promise_revision", "mail_message", "mail_mail"]
)
refused = WATCH.refused


@pytest.fixture(scope="module")
def delayed(admin):
    """The demo orders waiting for the late container: (revised, late)."""
    return (
        xmlid(admin, "sales_coordination.sale_order_story_d01_demo"),
        xmlid(admin, "sales_coordination.sale_order_story_d05_demo"),
    )


def test_the_status_of_the_demo_delay(as_user, delayed):
    call = as_user("coordinator")
    revised, late = delayed
    rows = call("sale.order", "get_delivery_status", [late, revised])
    assert [row["id"] for row in rows] == [late, revised]
    late_row, revised_row = rows
    assert late_row["risk"] == "late"
    assert late_row["delay_days"] > 0
    assert late_row["notified"] is False
    assert revised_row["risk"] == "on_track"
    assert isinstance(revised_row["notified"], str)
    assert {"product", "quantity", "expected"} <= set(late_row["missing"][0])
    assert late_row["pickings"][0]["tracking_ref"] is False


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (["2020-01-01 10:00:00", "supplier_delay"], {}),  # before the order
        (["2099-01-01 10:00:00", "supplier_delay"], {}),  # years away
        ([IN_A_MONTH, "aliens"], {}),
        ([IN_A_MONTH, "other"], {}),  # no note
        (["not a date", "carrier"], {}),
        ([IN_A_MONTH, "carrier"], {"notify_customer": "yes"}),
    ],
)
def test_bad_revisions_are_refused(as_user, odoo_server, delayed, args, kwargs):
    call = as_user("coordinator")
    late = delayed[1]
    assert (
        refused(
            odoo_server,
            call,
            "sale.order",
            "action_revise_promise",
            [late],
            *args,
            **kwargs,
        )
        in USER
    )


def test_quotations_have_no_promise(as_user, admin, odoo_server):
    quotation = xmlid(admin, "sales_coordination.sale_order_story_q01_demo")
    call = as_user("coordinator")
    assert (
        refused(
            odoo_server, call, "sale.order", "action_send_delivery_update", [quotation]
        )
        in USER
    )


def test_a_salesperson_revises_only_their_own_orders(
    as_user, admin, odoo_server, delayed
):
    """A salesperson who owns none of these orders may neither read their
    status nor revise them."""
    make_user(admin, "e2e_delivery_rep", ["sales_team.group_sale_salesman"])
    call = as_user("e2e_delivery_rep")
    late = delayed[1]
    assert (
        refused(odoo_server, call, "sale.order", "get_delivery_status", [late])
        in ACCESS
    )
    assert (
        refused(
            odoo_server,
            call,
            "sale.order",
            "action_revise_promise",
            [late],
            IN_A_MONTH,
            "carrier",
        )
        in ACCESS
    )


def test_revise_and_inform_over_rpc(as_user, admin, delayed):
    call = as_user("coordinator")
    late = delayed[1]
    count = len(
        call("sale.delivery.promise.revision", "search", [["order_id", "=", late]])
    )
    assert (
        call(
            "sale.order",
            "action_revise_promise",
            [late],
            IN_A_MONTH,
            "supplier_delay",
            note="Container PF-7719 a week late",
            notify_customer=True,
        )
        is True
    )
    after = call(
        "sale.order",
        "read",
        [late],
        ["delivery_promise_date", "delivery_customer_notified_date", "delivery_risk"],
    )[0]
    assert after["delivery_promise_date"] == IN_A_MONTH
    assert after["delivery_customer_notified_date"]
    revisions = call(
        "sale.delivery.promise.revision",
        "search_read",
        [["order_id", "=", late]],
        ["reason", "customer_notified", "note"],
    )
    assert len(revisions) == count + 1
    assert revisions[0]["reason"] == "supplier_delay"
    assert revisions[0]["customer_notified"] is True

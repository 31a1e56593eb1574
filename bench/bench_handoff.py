#!/usr/bin/env python3
"""Benchmark the portfolio hand-over (``sales.coordination.handoff``): a
coordinator's customers, with their open orders, follow-ups and support
requests, handed to a colleague by a Coordination Manager.

Usage::

    python3 bench/bench_handoff.py -d DB [--customers 5000] [--small 500]

DB must have sales_coordination installed with its demo data (the demo
manager ``manager`` runs the hand-over; a demo order and a demo request are
the templates copied). In one transaction that is rolled back at the end
(the database is left as it was), the bench adds, in SQL, two coordinators
and, for each of ``--customers`` customers of the first one: a contact, 4
open quotations, 4 open follow-ups (one per quotation) and 1 open support
request, the first coordinator following each customer and quotation: with
the customers themselves, 10 open records per customer (50,000 for 5,000
customers). It then times ``action_preview`` and ``action_apply``, and
counts their queries; the same is done first for ``--small`` customers, so
that the two query counts show whether the cost grows with the portfolio.
"""

import argparse
import sys
import time

import benchlib

ORDERS_PER_CUSTOMER = 4


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_db_options(parser)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--small", type=int, default=500)
    args = parser.parse_args()
    if args.customers < 1 or args.small < 1:
        parser.error("--customers and --small must be at least 1")
    return args


def copy_rows(env, table, template_id, count, values):
    """Insert ``count`` copies of row ``template_id`` of ``table``, with
    ``values`` (``{column: SQL expression of i, 0 .. count - 1}``) replacing
    the template's columns; return the new ids, in the order of i."""
    from odoo.tools import SQL

    env.cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND column_name != 'id'",
            table,
        )
    )
    columns = [row[0] for row in env.cr.fetchall()]
    selected = [values.get(column, SQL.identifier("t", column)) for column in columns]
    env.cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s t, "
            "generate_series(0, %s - 1) AS i WHERE t.id = %s ORDER BY i RETURNING id",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(column) for column in columns),
            SQL(", ").join(selected),
            SQL.identifier(table),
            count,
            template_id,
        )
    )
    return [row[0] for row in env.cr.fetchall()]


def add_portfolio(env, giver, count, tag):
    """``count`` customers of ``giver`` with their open work, in SQL."""
    from odoo import fields
    from odoo.tools import SQL

    def ids_at(ids, step=1):
        return SQL("(%s::int[])[1 + i / %s]", ids, step)

    customers = env["res.partner"].create(
        {"name": "bench template", "is_company": True}
    )
    order = env["sale.order"].search([("state", "in", ("draft", "sent"))], limit=1)
    request = env["sales.support.request"].search([], limit=1)
    if not order or not request:
        sys.exit("bench_handoff: install the demo (an open quotation, a request)")
    env.flush_all()
    companies = copy_rows(
        env,
        "res_partner",
        customers.id,
        count,
        {
            "name": SQL("%s || ' customer ' || i", tag),
            "complete_name": SQL("%s || ' customer ' || i", tag),
            "sales_coordinator_id": SQL("%s", giver.id),
            "is_company": SQL("TRUE"),
        },
    )
    env.cr.execute(
        SQL(
            "UPDATE res_partner SET commercial_partner_id = id WHERE id IN %s",
            tuple(companies),
        )
    )
    contacts = copy_rows(
        env,
        "res_partner",
        customers.id,
        count,
        {
            "name": SQL("%s || ' buyer ' || i", tag),
            "complete_name": SQL("%s || ' buyer ' || i", tag),
            "parent_id": ids_at(companies),
            "commercial_partner_id": ids_at(companies),
            "sales_coordinator_id": SQL("%s", giver.id),
            "is_company": SQL("FALSE"),
            "type": SQL("'contact'"),
        },
    )
    n_orders = count * ORDERS_PER_CUSTOMER
    orders = copy_rows(
        env,
        "sale_order",
        order.id,
        n_orders,
        {
            "name": SQL("%s || ' SO ' || i", tag),
            "partner_id": ids_at(contacts, ORDERS_PER_CUSTOMER),
            "partner_invoice_id": ids_at(contacts, ORDERS_PER_CUSTOMER),
            "partner_shipping_id": ids_at(contacts, ORDERS_PER_CUSTOMER),
            "coordinator_id": SQL("%s", giver.id),
            "state": SQL("'sent'"),
        },
    )
    copy_rows(
        env,
        "sales_support_request",
        request.id,
        count,
        {
            "name": SQL("%s || ' request ' || i", tag),
            "partner_id": ids_at(companies),
            "assigned_to_id": SQL("%s", giver.id),
            "state": SQL("'new'"),
            "order_id": SQL("NULL"),
            "lead_id": SQL("NULL"),
        },
    )
    # as the follow-up engine stores its follow-ups (other addons' column
    # defaults included)
    rule = env["sales.followup.rule"].with_context(active_test=False).search([])[:1]
    env["mail.activity"]._sc_insert_followups(
        [(record, giver) for record in env["sale.order"].browse(orders)],
        {
            "activity_type_id": env.ref(
                "sales_coordination.mail_activity_type_quote_followup"
            ).id,
            "summary": "Follow up the quotation",
            "date_deadline": fields.Date.today(),
            "followup_rule_id": rule.id,
        },
    )
    env["mail.followers"]._sc_insert_followers(
        [("res.partner", pid, giver.partner_id.id) for pid in companies]
        + [("sale.order", oid, giver.partner_id.id) for oid in orders]
    )
    customers.unlink()
    env.cr.execute("ANALYZE")
    env.invalidate_all()
    return 10 * count


def measure(env, manager, count, tag):
    """Hand over a new portfolio of ``count`` customers; return the row of
    figures."""
    Users = env["res.users"].with_context(no_reset_password=True)
    group = env.ref("sales_coordination.group_coordinator")
    giver, taker = (
        Users.create(
            {
                "name": f"{tag} {role}",
                "login": f"{tag}_{role}",
                "groups_id": [(6, 0, group.ids)],
            }
        )
        for role in ("giver", "taker")
    )
    started = time.perf_counter()
    records = add_portfolio(env, giver, count, tag)
    filled = time.perf_counter() - started
    wizard = (
        env["sales.coordination.handoff"]
        .with_user(manager)
        .create(
            {"from_user_id": giver.id, "to_user_id": taker.id, "role": "coordinator"}
        )
    )
    env.flush_all()
    env.invalidate_all()
    cr = env.cr
    start, started = cr.sql_log_count, time.perf_counter()
    preview = wizard.action_preview()
    preview_seconds = time.perf_counter() - started
    preview_queries = cr.sql_log_count - start
    env.invalidate_all()
    start, started = cr.sql_log_count, time.perf_counter()
    result = wizard.action_apply()
    env.flush_all()
    apply_seconds = time.perf_counter() - started
    apply_queries = cr.sql_log_count - start
    counts = result["params"]["counts"]
    moved = sum(v for k, v in counts.items() if k != "followers")
    assert counts == preview, (counts, preview)
    return [
        count,
        records,
        f"{filled:.1f}",
        moved,
        counts["followers"],
        f"{preview_seconds:.2f}",
        preview_queries,
        f"{apply_seconds:.2f}",
        apply_queries,
    ]


def main():
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args()
    registry = benchlib.open_registry("bench_handoff", args)
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        manager = env["res.users"].search([("login", "=", "manager")])
        if not manager:
            sys.exit("bench_handoff: no user 'manager': install the demo")
        rows = [
            measure(env, manager, args.small, "bench_small"),
            measure(env, manager, args.customers, "bench_large"),
        ]
        benchlib.print_table(
            [
                "customers",
                "open records",
                "fill s",
                "moved",
                "followers",
                "preview s",
                "preview queries",
                "apply s",
                "apply queries",
            ],
            rows,
        )
        cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())

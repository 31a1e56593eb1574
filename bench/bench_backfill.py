#!/usr/bin/env python3
"""Benchmark the post-install back-fill of the history on many existing orders.

Usage::

    createdb -T sc_tmpl_demo backfill_bench   # any database with the addon
    python3 bench/bench_backfill.py -d backfill_bench --orders 1000000

The first run fills the database in SQL with bench_kpis.py's generator
(``--orders`` orders of 3 lines over 3.5 years, 30 % of them with a posted
invoice, deliveries, leads and meetings), then adds what the back-fill reads
and bench_kpis.py does not write: an invoice line linked to a line of its
order, the tracking of each invoice's state change to posted (two invoices in
three; the others only have their invoice date), the tracking of the state
change to "Quotation Sent" of every second order, a coordinator and an
administrator on every third customer and on every sales team. Later runs
reuse the data.

Each run then empties the back-filled columns of every order (as on a
database where the addon was never installed), commits, and times
``sale.order._history_backfill()``, which the post-install hook calls, in a
transaction that is rolled back afterwards; it prints the time per field
family and the number of orders each one filled.
"""

import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_kpis  # the generator
import benchlib

BACKFILLED = (
    "coordinator_id",
    "administrator_id",
    "invoice_posted_date",
    "quotation_sent_date",
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_db_options(parser)
    parser.add_argument("--orders", type=int, default=1_000_000)
    return parser.parse_args()


def scale(orders):
    """bench_kpis's generator at ``orders`` orders, same proportions."""
    ratio = orders / bench_kpis.ORDERS
    bench_kpis.ORDERS = orders
    for name in ("INVOICES", "LEADS", "MEETINGS", "DELIVERIES", "CUSTOMERS"):
        setattr(bench_kpis, name, max(1, int(getattr(bench_kpis, name) * ratio)))


def run(cr, label, query, params=()):
    started = time.perf_counter()
    cr.execute(query, params)
    print(f"  {label}: {cr.rowcount} rows in {time.perf_counter() - started:.1f} s")


def fill_history(env):
    """What the back-fill reads beyond bench_kpis's fill."""
    cr = env.cr
    account = env["account.account"].search(
        [("account_type", "=", "income"), ("company_ids", "in", env.company.id)],
        limit=1,
    )
    move_state = env["sale.order"]._history_selection_labels(
        "account.move", "state", "posted"
    )[0]
    order_state = env["sale.order"]._history_selection_labels(
        "sale.order", "state", "sent"
    )[0]
    note = env.ref("mail.mt_note").id
    run(
        cr,
        "invoice lines",
        """
        INSERT INTO account_move_line (move_id, account_id, currency_id,
                                       company_id, journal_id, partner_id,
                                       display_type, name, quantity, price_unit,
                                       debit, credit, balance, amount_currency,
                                       parent_state, date, create_date,
                                       write_date, create_uid, write_uid)
        SELECT am.id, %s, am.currency_id, am.company_id, am.journal_id,
               am.partner_id, 'product', 'Bench', 1, am.amount_untaxed, 0,
               am.amount_untaxed, -am.amount_untaxed, -am.amount_untaxed,
               'posted', am.date, am.create_date, am.create_date, 1, 1
          FROM account_move am
         WHERE am.name LIKE 'BINV/%%'
        """,
        [account.id],
    )
    run(
        cr,
        "invoice line links",
        """
        INSERT INTO sale_order_line_invoice_rel (invoice_line_id, order_line_id)
        SELECT aml.id, sol.id
          FROM account_move_line aml
          JOIN account_move am ON am.id = aml.move_id AND am.name LIKE 'BINV/%%'
          JOIN LATERAL (
            SELECT min(l.id) AS id FROM sale_order_line l
             WHERE l.order_id = substr(am.name, 6)::int) AS sol ON TRUE
        """,
    )
    run(
        cr,
        "invoice posting messages",
        """
        INSERT INTO mail_message (model, res_id, message_type, subtype_id, date,
                                  author_id, create_date, write_date,
                                  create_uid, write_uid)
        SELECT 'account.move', am.id, 'notification', %s,
               am.create_date + interval '2 hours', 3, am.create_date,
               am.create_date, 1, 1
          FROM account_move am
         WHERE am.name LIKE 'BINV/%%' AND am.id %% 3 <> 0
        """,
        [note],
    )
    run(
        cr,
        "invoice state tracking",
        """
        INSERT INTO mail_tracking_value (mail_message_id, field_id,
                                         old_value_char, new_value_char,
                                         create_date, write_date,
                                         create_uid, write_uid)
        SELECT m.id, %s, 'Draft', 'Posted', m.date, m.date, 1, 1
          FROM mail_message m
          JOIN account_move am ON am.id = m.res_id AND am.name LIKE 'BINV/%%'
         WHERE m.model = 'account.move'
        """,
        [move_state],
    )
    run(
        cr,
        "quotation sent messages",
        """
        INSERT INTO mail_message (model, res_id, message_type, subtype_id, date,
                                  author_id, create_date, write_date,
                                  create_uid, write_uid)
        SELECT 'sale.order', so.id, 'notification', %s,
               so.create_date + interval '3 hours', 3, so.create_date,
               so.create_date, 1, 1
          FROM sale_order so
         WHERE so.name LIKE 'BENCH/%%' AND so.id %% 2 = 0
        """,
        [note],
    )
    run(
        cr,
        "quotation state tracking",
        """
        INSERT INTO mail_tracking_value (mail_message_id, field_id,
                                         old_value_char, new_value_char,
                                         create_date, write_date,
                                         create_uid, write_uid)
        SELECT m.id, %s, 'Quotation', 'Quotation Sent', m.date, m.date, 1, 1
          FROM mail_message m
          JOIN sale_order so ON so.id = m.res_id AND so.name LIKE 'BENCH/%%'
         WHERE m.model = 'sale.order'
        """,
        [order_state],
    )
    users = (
        env.ref("sales_team.group_sale_salesman")
        .users.filtered(lambda u: not u.share)
        .ids
    )
    run(
        cr,
        "customer owners",
        """
        UPDATE res_partner
           SET sales_coordinator_id = (%s::int[])[1 + id %% cardinality(%s::int[])],
               sales_administrator_id = (%s::int[])[1 + (id / 3) %%
                                                    cardinality(%s::int[])]
         WHERE name LIKE 'Bench Pet Shop %%' AND id %% 3 = 0
        """,
        [users, users, users, users],
    )
    run(
        cr,
        "team owners",
        """
        UPDATE crm_team
           SET coordinator_id = COALESCE(coordinator_id, %s),
               administrator_id = COALESCE(administrator_id, %s)
        """,
        [users[0], users[-1]],
    )
    cr.execute("ANALYZE")


def main():
    args = parse_args()
    bench_kpis.import_odoo()
    from odoo import SUPERUSER_ID, api

    registry = benchlib.open_registry("bench_backfill", args)
    logging.getLogger("odoo.addons.sales_coordination").setLevel(logging.INFO)
    scale(args.orders)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if "sales.coordination.kpi" not in env:
            sys.exit(
                f"bench_backfill: sales_coordination is not installed in "
                f"{args.database}"
            )
        cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE 'BENCH/%'")
        (filled,) = cr.fetchone()
        if not filled:
            started = time.perf_counter()
            bench_kpis.fill(env, print)
            fill_history(env)
            cr.commit()
            print(f"Filled in {time.perf_counter() - started:.0f} s")
        elif filled != args.orders:
            print(f"(reusing the {filled:,} bench orders already there)")
        started = time.perf_counter()
        cr.execute(
            "UPDATE sale_order SET "
            + ", ".join(f"{column} = NULL" for column in BACKFILLED)
            + " WHERE "
            + " OR ".join(f"{column} IS NOT NULL" for column in BACKFILLED)
        )
        cr.commit()
        print(f"Back-filled columns emptied in {time.perf_counter() - started:.0f} s")
        bench_kpis.vacuum(args)
        cr.execute("SELECT count(*) FROM sale_order")
        (orders,) = cr.fetchone()
        cr.execute("SELECT count(*) FROM account_move WHERE move_type = 'out_invoice'")
        (invoices,) = cr.fetchone()
        cr.execute("SELECT count(*) FROM mail_tracking_value")
        (trackings,) = cr.fetchone()
        print(
            f"Rows: sale_order={orders:,}, customer invoices={invoices:,}, "
            f"mail_tracking_value={trackings:,}"
        )
        Order = env["sale.order"]
        env.flush_all()
        total = time.perf_counter()
        for method in (
            Order._history_backfill_owners,
            Order._history_backfill_invoice_posted_date,
            Order._history_backfill_quotation_sent_date,
        ):
            started = time.perf_counter()
            updated = method()
            print(
                f"{method.__name__}: {updated:,} orders in "
                f"{time.perf_counter() - started:.1f} s"
            )
        print(
            f"Back-fill of {orders:,} orders: {time.perf_counter() - total:.1f} s "
            "(rolled back)"
        )
        cr.rollback()


if __name__ == "__main__":
    main()

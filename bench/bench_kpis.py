#!/usr/bin/env python3
"""Benchmark sales.coordination.kpi.get_kpis at a million orders.

Usage::

    sc-clone-db kpi_bench
    odoo -d kpi_bench --db_host=127.0.0.1 --db_user=root \\
        [--addons-path=PATHS] \\
        -i sales_coordination --stop-after-init
    python3 bench/bench_kpis.py -d kpi_bench

The first run fills the database directly in SQL (generate_series INSERTs):
1,000,000 sale orders with 3,000,000 lines, 300,000 posted customer invoices,
200,000 leads, 100,000 meetings, 100,000 support requests (when the model is
installed) and 300,000 deliveries, then runs ANALYZE. Later runs reuse the
data (``--refill`` forces a new fill).

Then it sums up the daily totals of the orders as the nightly cron keeps
them (``sales.coordination.kpi.day``; once, timed) and, in the same run and
as a non-superuser manager (so record rules apply), it times ``get_kpis``
for a year and for a month (median of ``--repeat`` runs), with the totals
and from the orders alone (checking that both give the same figures), and
Odoo's own ``sale.report`` ``_read_group`` total of the untaxed amount
for the same periods, and prints absolute times and their ratio; and
``get_kpi_series`` of the year by month against one ``get_kpis`` of the
year (the contract: at most twice its time).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import benchlib

ROOT = Path(__file__).resolve().parent.parent
ORDERS = 1_000_000
LINES_PER_ORDER = 3
INVOICES = 300_000
LEADS = 200_000
MEETINGS = 100_000
REQUESTS = 100_000
DELIVERIES = 300_000
CUSTOMERS = 20_000
BENCH_PREFIX = "BENCH/"


def import_odoo():
    """Import odoo (see benchlib); exit with a clear message."""
    return benchlib.import_odoo("bench_kpis")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_db_options(parser)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--refill", action="store_true")
    return parser.parse_args()


# === FILL ===


def fill(env, log):
    cr = env.cr
    company = env.ref("base.main_company")
    currency_id = company.currency_id.id
    product = env["product.product"].search(
        [("sale_ok", "=", True), ("type", "=", "consu")], limit=1
    )
    uom_id = product.uom_id.id
    pricelist_id = env["product.pricelist"].search([], limit=1).id or None
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", company.id)], limit=1
    )
    out_type = warehouse.out_type_id
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    teams = env["crm.team"].search([]).ids
    users = (
        env.ref("sales_team.group_sale_salesman")
        .users.filtered(lambda u: not u.share)
        .ids
    )
    stage_id = env["crm.stage"].search([], limit=1).id
    if not (product and warehouse and journal and teams and users):
        sys.exit("bench_kpis: the database lacks a product, warehouse, journal or team")

    def run(label, query, *params):
        started = time.perf_counter()
        cr.execute(query, params)
        log(f"  {label}: {cr.rowcount} rows in {time.perf_counter() - started:.1f} s")

    log("Filling (SQL generate_series)...")
    run(
        "customers",
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type,
                                 autopost_bills, company_id, customer_rank,
                                 create_date, write_date, create_uid, write_uid)
        SELECT 'Bench Pet Shop ' || g, 'Bench Pet Shop ' || g, true, true,
               'contact', 'ask', NULL, 1, now(), now(), 1, 1
          FROM generate_series(1, %s) g
        """,
        CUSTOMERS,
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE name LIKE 'Bench Pet Shop %' AND commercial_partner_id IS NULL"
    )
    cr.execute(
        "SELECT min(id), max(id) FROM res_partner WHERE name LIKE 'Bench Pet Shop %'"
    )
    first_partner, last_partner = cr.fetchone()
    span = last_partner - first_partner + 1
    # Orders spread over 2023-01-01 .. 2026-06-30 (3.5 years); 75 % confirmed.
    run(
        "sale orders",
        """
        INSERT INTO sale_order (name, company_id, partner_id, partner_invoice_id,
                                partner_shipping_id, date_order, create_date,
                                write_date, create_uid, write_uid, state,
                                picking_policy, currency_id, currency_rate,
                                pricelist_id, team_id, user_id, coordinator_id,
                                administrator_id, amount_untaxed, amount_tax,
                                amount_total, invoice_status, warehouse_id,
                                invoice_posted_date)
        SELECT %s || g, %s, p, p, p,
               d + interval '20 hours', d, d, 1, 1,
               CASE WHEN g %% 4 = 0 THEN 'draft' ELSE 'sale' END,
               'direct', %s, 1.0, %s,
               (%s::int[])[1 + g %% cardinality(%s::int[])],
               (%s::int[])[1 + g %% cardinality(%s::int[])],
               (%s::int[])[1 + (g / 7) %% cardinality(%s::int[])],
               (%s::int[])[1 + (g / 11) %% cardinality(%s::int[])],
               100 + (g %% 900), 21 + (g %% 900) * 0.21, 121 + (g %% 900) * 1.21,
               'no', %s,
               CASE WHEN g %% 10 < 3 AND g %% 4 <> 0
                    THEN d + interval '20 hours' + (g %% 200) * interval '1 hour'
               END
          FROM (
            SELECT g,
                   %s + (g::bigint * 7919) %% %s AS p,
                   timestamp '2023-01-01' + (g %% 1277) * interval '1 day'
                       + (g %% 13) * interval '1 hour' AS d
              FROM generate_series(1, %s) g
          ) AS src
        """,
        BENCH_PREFIX,
        company.id,
        currency_id,
        pricelist_id,
        teams,
        teams,
        users,
        users,
        users,
        users,
        users,
        users,
        warehouse.id,
        first_partner,
        span,
        ORDERS,
    )
    run(
        "sale order lines",
        """
        INSERT INTO sale_order_line (order_id, name, product_id, product_uom,
                                     product_uom_qty, price_unit, price_subtotal,
                                     price_tax, price_total, price_reduce_taxexcl,
                                     price_reduce_taxinc, discount, customer_lead,
                                     sequence, company_id, currency_id,
                                     order_partner_id, salesman_id, state,
                                     qty_delivered, qty_invoiced, qty_to_invoice,
                                     untaxed_amount_invoiced,
                                     untaxed_amount_to_invoice, invoice_status,
                                     create_date, write_date, create_uid, write_uid)
        SELECT so.id, 'Dry Dog Food 15 kg', %s, %s, 12, s.n * 3, s.n * 36,
               s.n * 7.56, s.n * 43.56, s.n * 3, s.n * 3.63, 0, 0, s.n,
               so.company_id, so.currency_id, so.partner_id, so.user_id, so.state,
               0, 0, 0, 0, 0, 'no', so.create_date, so.create_date, 1, 1
          FROM sale_order so
         CROSS JOIN generate_series(1, %s) AS s(n)
         WHERE so.name LIKE %s
        """,
        product.id,
        uom_id,
        LINES_PER_ORDER,
        BENCH_PREFIX + "%",
    )
    run(
        "customer invoices",
        """
        INSERT INTO account_move (name, move_type, state, journal_id, company_id,
                                  currency_id, date, invoice_date, partner_id,
                                  commercial_partner_id, auto_post,
                                  amount_untaxed, amount_tax, amount_total,
                                  amount_residual, payment_state, create_date,
                                  write_date, create_uid, write_uid)
        SELECT 'BINV/' || so.id, 'out_invoice', 'posted', %s, so.company_id,
               so.currency_id, so.invoice_posted_date::date,
               so.invoice_posted_date::date, so.partner_id, so.partner_id, 'no',
               so.amount_untaxed, so.amount_tax, so.amount_total, so.amount_total,
               'not_paid', so.invoice_posted_date, so.invoice_posted_date, 1, 1
          FROM sale_order so
         WHERE so.name LIKE %s AND so.invoice_posted_date IS NOT NULL
         LIMIT %s
        """,
        journal.id,
        BENCH_PREFIX + "%",
        INVOICES,
    )
    run(
        "deliveries",
        """
        INSERT INTO stock_picking (name, origin, sale_id, partner_id, company_id,
                                   picking_type_id, location_id, location_dest_id,
                                   move_type, state, scheduled_date, date_deadline,
                                   date_done, create_date, write_date, create_uid,
                                   write_uid)
        SELECT 'BOUT/' || so.id, so.name, so.id, so.partner_id, so.company_id,
               %s, %s, %s, 'direct', 'done',
               so.date_order + interval '2 days', so.date_order + interval '3 days',
               so.date_order + (so.id %% 5) * interval '1 day',
               so.date_order, so.date_order, 1, 1
          FROM sale_order so
         WHERE so.name LIKE %s AND so.state = 'sale'
         LIMIT %s
        """,
        out_type.id,
        out_type.default_location_src_id.id,
        env.ref("stock.stock_location_customers").id,
        BENCH_PREFIX + "%",
        DELIVERIES,
    )
    run(
        "leads",
        """
        INSERT INTO crm_lead (name, type, team_id, user_id, stage_id, company_id,
                              partner_id, active, create_date, write_date,
                              create_uid, write_uid, date_open)
        SELECT 'Bench lead ' || g, 'opportunity',
               (%s::int[])[1 + g %% cardinality(%s::int[])],
               (%s::int[])[1 + g %% cardinality(%s::int[])], %s, %s,
               %s + g %% %s, true,
               timestamp '2023-01-01' + (g %% 1277) * interval '1 day',
               now(), 1, 1, timestamp '2023-01-01' + (g %% 1277) * interval '1 day'
          FROM generate_series(1, %s) g
        """,
        teams,
        teams,
        users,
        users,
        stage_id,
        company.id,
        first_partner,
        span,
        LEADS,
    )
    cr.execute("SELECT min(id) FROM crm_lead WHERE name LIKE 'Bench lead %'")
    (first_lead,) = cr.fetchone()
    has_outcome = "coordination_outcome" in env["calendar.event"]._fields
    run(
        "meetings",
        f"""
        INSERT INTO calendar_event (name, start, stop, duration, allday, user_id,
                                    show_as, privacy, active, opportunity_id,
                                    res_model, res_id, create_date, write_date,
                                    create_uid, write_uid
                                    {", coordination_outcome" if has_outcome else ""})
        SELECT 'Bench meeting ' || g, s, s + interval '1 hour', 1, false,
               (%s::int[])[1 + g %% cardinality(%s::int[])], 'busy', 'public',
               true, %s + g %% %s, 'crm.lead', %s + g %% %s, s, s, 1, 1
               {
            ", (ARRAY['held', 'held', 'held', 'no_show', 'rescheduled', 'planned'])"
            "[1 + g %% 6]"
            if has_outcome
            else ""
        }
          FROM (SELECT g, timestamp '2023-01-01' + (g %% 1277) * interval '1 day'
                          + interval '9 hours' AS s
                  FROM generate_series(1, %s) g) AS src
        """,
        users,
        users,
        first_lead,
        LEADS,
        first_lead,
        LEADS,
        MEETINGS,
    )
    log("  ANALYZE...")
    cr.execute("ANALYZE")


def complete(env):
    """Fill what the models installed since the first fill need: support
    requests, meeting outcomes, accuracy markers. Idempotent."""
    cr = env.cr
    changed = False
    teams = env["crm.team"].search([]).ids
    salesmen = env.ref("sales_team.group_sale_salesman").users
    users = salesmen.filtered(lambda u: not u.share).ids
    if "sales.support.request" in env:
        table = env["sales.support.request"]._table
        cr.execute(f"SELECT count(*) FROM {table} WHERE name LIKE 'Bench request %'")
        if not cr.fetchone()[0]:
            fill_support_requests(env, teams, users, env.company.id)
            changed = True
    if "coordination_outcome" in env["calendar.event"]._fields:
        cr.execute(
            """
            UPDATE calendar_event
               SET coordination_outcome = (ARRAY['held', 'held', 'held', 'no_show',
                                                 'rescheduled', 'planned'])[1 + id % 6]
             WHERE name LIKE 'Bench meeting %'
               AND NOT EXISTS(SELECT 1 FROM calendar_event e
                               WHERE e.name LIKE 'Bench meeting %'
                                 AND e.coordination_outcome = 'held')
            """
        )
        changed |= bool(cr.rowcount)
        print(f"  meeting outcomes set: {cr.rowcount}")
    if "accuracy_first_checked_date" in env["sale.order"]._fields:
        cr.execute(
            """
            UPDATE sale_order
               SET accuracy_checked_date = create_date + interval '1 hour',
                   accuracy_first_checked_date = create_date + interval '1 hour',
                   first_time_right = (id % 10 <> 0)
             WHERE name LIKE 'BENCH/%' AND accuracy_first_checked_date IS NULL
            """
        )
        changed |= bool(cr.rowcount)
        print(f"  accuracy markers set: {cr.rowcount}")
    if "data_entry_right" in env["sale.order"]._fields:
        cr.execute(
            """
            UPDATE sale_order SET data_entry_right = (id % 20 <> 0)
             WHERE name LIKE 'BENCH/%' AND data_entry_right IS NULL
               AND accuracy_first_checked_date IS NOT NULL
            """
        )
        changed |= bool(cr.rowcount)
        print(f"  data-entry markers set: {cr.rowcount}")
        # One issue for each order that was not right the first time: half
        # of them data-entry issues.
        rule = (
            env["sale.accuracy.rule"]
            .with_context(active_test=False)
            .search([], limit=1)
        )
        cr.execute("SELECT count(*) FROM sale_accuracy_issue WHERE message = 'Bench'")
        if rule and not cr.fetchone()[0]:
            cr.execute(
                """
                INSERT INTO sale_accuracy_issue (order_id, rule_id, severity,
                                                 category, message, state,
                                                 date_found, company_id,
                                                 partner_id, create_date,
                                                 write_date, create_uid, write_uid)
                SELECT id, %s, 'warning',
                       CASE WHEN id %% 20 = 0 THEN 'data' ELSE 'pricing' END,
                       'Bench', 'resolved', accuracy_first_checked_date, company_id,
                       partner_id, now(), now(), 1, 1
                  FROM sale_order
                 WHERE name LIKE 'BENCH/%%' AND NOT first_time_right
                """,
                [rule.id],
            )
            print(f"  accuracy issues: {cr.rowcount}")
            changed = True
    if "sc_first_sale" in env["sale.order"]._fields:
        # the orders were inserted in SQL: mark each customer's first order
        # as the install's back-fill does (a second run changes nothing)
        marked = env["sale.order"]._sc_first_sale_refresh()
        changed |= bool(marked)
        print(f"  first orders of customers marked: {len(marked)}")
    if "followup_rule_id" in env["mail.activity"]._fields:
        fill_followups(env, users)
        changed = True
    # Later invoices of partly invoiced orders, up to INVOICES in all.
    cr.execute("SELECT count(*) FROM account_move WHERE name LIKE 'BINV%'")
    missing = INVOICES - cr.fetchone()[0]
    if missing > 0:
        cr.execute(
            """
            INSERT INTO account_move (name, move_type, state, journal_id, company_id,
                                      currency_id, date, invoice_date, partner_id,
                                      commercial_partner_id, auto_post,
                                      amount_untaxed, amount_tax, amount_total,
                                      amount_residual, payment_state, create_date,
                                      write_date, create_uid, write_uid)
            SELECT 'BINV2/' || so.id, 'out_invoice', 'posted', am.journal_id,
                   so.company_id, so.currency_id,
                   (so.invoice_posted_date + interval '5 days')::date,
                   (so.invoice_posted_date + interval '5 days')::date,
                   so.partner_id, so.partner_id, 'no', 10, 2.1, 12.1, 12.1,
                   'not_paid', so.invoice_posted_date + interval '5 days',
                   so.invoice_posted_date + interval '5 days', 1, 1
              FROM sale_order so
              JOIN account_move am ON am.name = 'BINV/' || so.id
             WHERE so.name LIKE 'BENCH/%%'
             LIMIT %s
            """,
            [missing],
        )
        print(f"  second invoices: {cr.rowcount}")
        changed = True
    if changed:
        cr.execute("ANALYZE")


def fill_followups(env, users):
    """20,000 open follow-up activities on bench orders, a third overdue."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM mail_activity WHERE summary = 'Bench follow-up'")
    if cr.fetchone()[0]:
        return
    rule = (
        env["sales.followup.rule"].with_context(active_test=False).search([], limit=1)
    )
    if not rule:
        print("  follow-ups: no follow-up rule, skipped")
        return
    cr.execute(
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id,
                                   activity_type_id, summary, date_deadline,
                                   user_id, followup_rule_id, active,
                                   create_date, write_date, create_uid, write_uid)
        SELECT %s, 'sale.order', so.id, %s, 'Bench follow-up',
               date '2025-01-01' + (so.id %% 720),
               (%s::int[])[1 + so.id %% cardinality(%s::int[])], %s, true,
               now(), now(), 1, 1
          FROM sale_order so
         WHERE so.name LIKE 'BENCH/%%' AND so.state = 'sale'
         LIMIT 20000
        """,
        [
            env["ir.model"]._get_id("sale.order"),
            rule.activity_type_id.id,
            users,
            users,
            rule.id,
        ],
    )
    print(f"  follow-up activities: {cr.rowcount}")


def fill_support_requests(env, teams, users, company_id):
    """100,000 requests, when the follow-ups/requests model is installed."""
    model = "sales.support.request"
    if model not in env:
        print("  support requests: model not installed, skipped")
        return
    fields_ = env[model]._fields
    columns = {
        "name": "'Bench request ' || g",
        "state": "CASE WHEN g %% 3 = 0 THEN 'new' ELSE 'done' END",
        "team_id": "(%(teams)s::int[])[1 + g %% cardinality(%(teams)s::int[])]",
        "assigned_to_id": "(%(users)s::int[])[1 + g %% cardinality(%(users)s::int[])]",
        "requested_by_id": "(%(users)s::int[])[1 + g %% cardinality(%(users)s::int[])]",
        "company_id": "%(company)s",
        "description": "'Please send the price list'",
        "request_date": "c",
        "request_type": "'proposal'",
        "priority": "'0'",
        "create_date": "c",
        "write_date": "c",
        "create_uid": "1",
        "write_uid": "1",
        "first_response_date": "c + (g %% 30) * interval '1 hour'",
        "response_hours": "(g %% 30)::float",
        "done_date": "CASE WHEN g %% 3 = 0 THEN NULL "
        "ELSE c + (g %% 72) * interval '1 hour' END",
        "resolution_hours": "CASE WHEN g %% 3 = 0 THEN NULL ELSE (g %% 72)::float END",
    }
    columns = {
        name: expr
        for name, expr in columns.items()
        if name in fields_ and fields_[name].store
    }
    table = env[model]._table
    query = f"""
        INSERT INTO {table} ({", ".join(columns)})
        SELECT {", ".join(columns.values())}
          FROM (SELECT g, timestamp '2023-01-01' + (g %% 1277) * interval '1 day'
                          + interval '8 hours' AS c
                  FROM generate_series(1, %(n)s) g) AS src
    """
    started = time.perf_counter()
    env.cr.execute(
        query, {"teams": teams, "users": users, "company": company_id, "n": REQUESTS}
    )
    print(
        f"  support requests: {env.cr.rowcount} rows "
        f"in {time.perf_counter() - started:.1f} s"
    )


def vacuum(args):
    """VACUUM ANALYZE (outside a transaction), so that index-only scans work
    as they do on a database that autovacuum keeps up to date."""
    import psycopg2

    connection = psycopg2.connect(
        dbname=args.database, host=args.db_host, port=args.db_port, user=args.db_user
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        for table in ("sale_order", "stock_picking", "res_partner"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    connection.close()


# === TIMING ===


def set_until(env, until):
    """The daily totals summed up to ``until`` (None: switched on, nothing
    summed up, every KPI from the orders)."""
    from odoo import fields

    from odoo.addons.sales_coordination.models.sales_coordination_kpi_day import (
        NOTHING_YET,
        UNTIL_PARAM,
    )

    value = fields.Date.to_string(until) if until else NOTHING_YET
    env["ir.config_parameter"].sudo().set_param(UNTIL_PARAM, value)


def median_time(function, repeat):
    function()  # warm-up: caches, plans
    times = []
    for _i in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    args = parse_args()
    import_odoo()
    from odoo import SUPERUSER_ID, api

    registry = benchlib.open_registry("bench_kpis", args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if "sales.coordination.kpi" not in env:
            sys.exit(
                f"bench_kpis: sales_coordination is not installed in {args.database}"
            )
        cr.execute(
            "SELECT count(*) FROM sale_order WHERE name LIKE %s", [BENCH_PREFIX + "%"]
        )
        (filled,) = cr.fetchone()
        if filled and args.refill:
            sys.exit("bench_kpis: --refill needs a fresh database (sc-clone-db)")
        if not filled:
            started = time.perf_counter()
            fill(env, print)
            cr.commit()
            print(f"Filled in {time.perf_counter() - started:.0f} s")
        complete(env)
        cr.commit()
        vacuum(args)
        counts = {}
        for table in (
            "sale_order",
            "sale_order_line",
            "account_move",
            "crm_lead",
            "calendar_event",
            "stock_picking",
            "sales_support_request",
        ):
            cr.execute("SELECT to_regclass(%s)", [table])
            if cr.fetchone()[0]:
                cr.execute(f"SELECT count(*) FROM {table}")
                counts[table] = cr.fetchone()[0]
        print("Rows:", ", ".join(f"{t}={n:,}" for t, n in counts.items()))
        # The daily totals as the nightly cron keeps them: its first run
        # switches them on, the next sums up the days (all of them, once).
        KpiDay = env["sales.coordination.kpi.day"]
        if KpiDay._sc_until()[1] is None:
            started = time.perf_counter()
            KpiDay._cron_sum_up()
            KpiDay._cron_sum_up()
            cr.commit()
            print(
                f"Daily totals summed up in {time.perf_counter() - started:.1f} s:"
                f" {KpiDay.search_count([]):,} rows"
            )
        until = KpiDay._sc_until()[1]

        manager = env["res.users"].search([("login", "=", "manager")], limit=1)
        if not manager:
            manager = env["res.users"].create(
                {
                    "name": "Bench Manager",
                    "login": "manager",
                    "groups_id": [
                        (6, 0, [env.ref("sales_coordination.group_manager").id])
                    ],
                }
            )
        user_env = env(user=manager.id)
        kpis = user_env["sales.coordination.kpi"]
        report = user_env["sale.report"]
        periods = {
            "year": (f"{args.year}-01-01", f"{args.year}-12-31"),
            "month": (f"{args.year}-03-01", f"{args.year}-03-31"),
        }
        print(
            f"\nAs {manager.login} (record rules apply), median of {args.repeat} runs:"
        )
        print(f"{'period':<8}{'get_kpis':>12}{'sale.report':>14}{'ratio':>8}")
        for label, (date_from, date_to) in periods.items():
            result = kpis.get_kpis(date_from, date_to)
            kpi_time = median_time(
                lambda date_from=date_from, date_to=date_to: kpis.get_kpis(
                    date_from, date_to
                ),
                args.repeat,
            )
            domain = [("date", ">=", date_from), ("date", "<=", f"{date_to} 23:59:59")]
            total = report._read_group(domain, [], ["price_subtotal:sum"])
            report_time = median_time(
                lambda domain=domain: report._read_group(
                    domain, [], ["price_subtotal:sum"]
                ),
                args.repeat,
            )
            # For transparency: sale.report with JIT off too (get_kpis turns
            # JIT off for its own queries; sale.report runs as shipped).
            cr.execute("SET jit = off")
            report_nojit = median_time(
                lambda domain=domain: report._read_group(
                    domain, [], ["price_subtotal:sum"]
                ),
                args.repeat,
            )
            cr.execute("RESET jit")
            print(
                f"{label:<8}{kpi_time:>11.3f}s{report_time:>13.3f}s"
                f"{kpi_time / report_time:>8.2f}"
                f"   (sale.report with jit=off: {report_nojit:.3f}s, "
                f"ratio {kpi_time / report_nojit:.2f})"
            )
            print(f"   get_kpis: {result}")
            # the same from the orders alone (the totals switched on, nothing
            # summed up: the path of a reader the totals cannot serve)
            set_until(env, None)
            live = kpis.get_kpis(date_from, date_to)
            live_time = median_time(
                lambda date_from=date_from, date_to=date_to: kpis.get_kpis(
                    date_from, date_to
                ),
                args.repeat,
            )
            set_until(env, until)
            print(
                f"   from the orders alone: {live_time:.3f}s,"
                f" ratio {live_time / report_time:.2f};"
                f" same figures: {live == result}"
            )
            if live != result:
                print(f"   from the orders alone: {live}")
            print(f"   sale.report untaxed total: {total[0][0]:,.2f}")
        # The 12-month series of the year against one get_kpis of the year
        # (the contract: at most 2x).
        year_from, year_to = periods["year"]
        year_time = median_time(lambda: kpis.get_kpis(year_from, year_to), args.repeat)
        series = kpis.get_kpi_series(year_from, year_to, "month")
        series_time = median_time(
            lambda: kpis.get_kpi_series(year_from, year_to, "month"), args.repeat
        )
        print(
            f"\nget_kpi_series {year_from} to {year_to} by month "
            f"({len(series['buckets'])} buckets): {series_time:.3f}s; "
            f"get_kpis of the year: {year_time:.3f}s; "
            f"ratio {series_time / year_time:.2f} (at most 2.00)"
        )
        print(f"   orders_confirmed by month: {series['values']['orders_confirmed']}")
        cr.rollback()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark the batched follow-up cron of sales_coordination.

Creates N sent quotations past their follow-up delay (plain SQL inserts, so
the set-up stays fast), then runs the follow-up cron to completion the way
Odoo's cron runner does (call the job again while it reports remaining
work), and prints the wall time, the peak memory and the queries per batch.
A second run must create 0 activities. Then every bench quotation is
cancelled (in SQL, behind the addon's back, as a bulk change would) and the
cron runs again: its closing pass closes all N follow-ups as done, with a
message each; the bench prints its wall time.

Usage::

    python3 bench/bench_followups.py -d DB [--candidates 100000]

DB must have sales_coordination installed; it gets bench data (removed at
the end unless --keep). Use a throw-away clone: the bench archives the other
follow-up rules of the database for the duration of the run.
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

import benchlib

ROOT = Path(__file__).resolve().parent.parent
BENCH_PREFIX = "BENCH-FU-"


def import_odoo():
    return benchlib.import_odoo("bench_followups")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_db_options(parser)
    parser.add_argument("--candidates", type=int, default=100000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--max-batches", type=int, default=20)
    parser.add_argument("--coordinators", type=int, default=25)
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace the Python heap peak (slower)",
    )
    parser.add_argument(
        "--insert",
        choices=("orm", "sql"),
        default="sql",
        help="how follow-ups are stored: the SQL path (default) or "
        "mail.activity.create (system parameter "
        "sales_coordination.followup_insert)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench data")
    return parser.parse_args()


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def setup(env, args, today):
    """Bench rule, coordinators and N sent quotations, by SQL."""
    cr = env.cr
    company = env.ref("base.main_company")
    team = env["crm.team"].create({"name": f"{BENCH_PREFIX}team"})
    group = env.ref("sales_coordination.group_coordinator")
    stamp = int(time.time())
    users = env["res.users"]
    for i in range(args.coordinators):
        users |= (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": f"{BENCH_PREFIX}coordinator {i}",
                    "login": f"{BENCH_PREFIX.lower()}{stamp}-{i}",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "groups_id": [(6, 0, [env.ref("base.group_user").id, group.id])],
                }
            )
        )
    partner = env["res.partner"].create({"name": f"{BENCH_PREFIX}customer"})
    env["sales.followup.rule"].search([]).write({"active": False})
    rule = env["sales.followup.rule"].create(
        {
            "name": f"{BENCH_PREFIX}rule",
            "trigger": "quote_no_reply",
            "delay_days": 3,
            "activity_type_id": env.ref(
                "sales_coordination.mail_activity_type_quote_followup"
            ).id,
            "team_ids": [(6, 0, team.ids)],
            "escalate_after_days": 0,
        }
    )
    env.flush_all()
    sent = datetime.combine(today - timedelta(days=5), datetime.min.time())
    cr.execute(
        """
        INSERT INTO sale_order (
            name, company_id, partner_id, partner_invoice_id, partner_shipping_id,
            team_id, coordinator_id, state, date_order, quotation_sent_date,
            picking_policy, currency_id, create_uid, write_uid, create_date,
            write_date)
        SELECT %(prefix)s || n, %(company)s, %(partner)s, %(partner)s, %(partner)s,
               %(team)s, (%(users)s::int[])[1 + n %% %(nusers)s], 'sent', %(sent)s,
               %(sent)s, 'direct', %(currency)s, 1, 1, now(), now()
          FROM generate_series(1, %(n)s) AS n
        """,
        {
            "prefix": BENCH_PREFIX,
            "company": company.id,
            "partner": partner.id,
            "team": team.id,
            "users": users.ids,
            "nusers": len(users),
            "sent": sent,
            "currency": company.currency_id.id,
            "n": args.candidates,
        },
    )
    # A bulk load is followed by an ANALYZE (autovacuum would do it too).
    cr.execute("ANALYZE sale_order")
    return rule


def run_cron(registry, odoo, args, cron_id):
    """Call the job like Odoo's cron runner: one progress record per call,
    again while it reports remaining work. Returns figures."""
    calls = batches = created = queries = 0
    per_call = []
    while True:
        call_start = time.perf_counter()
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            progress = env["ir.cron.progress"].create(
                {"cron_id": cron_id, "done": 0, "remaining": 0}
            )
            cr.commit()
            start = cr.sql_log_count
            created += (
                env["sales.followup.rule"]
                .with_context(ir_cron_progress_id=progress.id)
                ._cron_run_followups(
                    batch_size=args.batch_size, max_batches=args.max_batches
                )
            )
            queries += cr.sql_log_count - start
            done, remaining = progress.done, progress.remaining
            cr.commit()
        calls += 1
        batches += -(-done // args.batch_size) if done else 0
        per_call.append(round(time.perf_counter() - call_start, 1))
        if not remaining:
            return {
                "calls": calls,
                "batches": batches,
                "created": created,
                "queries": queries,
                "per_call": per_call,
            }


def cleanup(registry, odoo):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        rule = env["sales.followup.rule"].search([("name", "=", f"{BENCH_PREFIX}rule")])
        cr.execute(
            "DELETE FROM mail_followers WHERE res_model = 'sale.order' AND res_id IN "
            "(SELECT id FROM sale_order WHERE name LIKE %s)",
            [BENCH_PREFIX + "%"],
        )
        cr.execute(
            "DELETE FROM mail_message WHERE model = 'sale.order' AND res_id IN "
            "(SELECT id FROM sale_order WHERE name LIKE %s)",
            [BENCH_PREFIX + "%"],
        )
        cr.execute(
            "DELETE FROM mail_activity WHERE followup_rule_id IN %s",
            [tuple(rule.ids) or (0,)],
        )
        cr.execute("DELETE FROM sale_order WHERE name LIKE %s", [BENCH_PREFIX + "%"])
        rule.unlink()
        env["res.users"].search(
            [("login", "=like", BENCH_PREFIX.lower() + "%")]
        ).active = False
        env["crm.team"].search([("name", "=", f"{BENCH_PREFIX}team")]).active = False


def main():
    args = parse_args()
    odoo = import_odoo()
    registry = benchlib.open_registry("bench_followups", args)
    today = datetime.now().date()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if "sales.followup.rule" not in env:
            sys.exit(
                "bench_followups: sales_coordination is not installed in "
                + args.database
            )
        cron_id = env.ref("sales_coordination.sales_followup_rule_cron").id
        params = env["ir.config_parameter"]
        insert_before = params.get_param("sales_coordination.followup_insert")
        params.set_param("sales_coordination.followup_insert", args.insert)
        start = time.perf_counter()
        setup(env, args, today)
        cr.commit()
        setup_time = time.perf_counter() - start
    rss_before = rss_mb()
    load_before = os.getloadavg()
    if args.tracemalloc:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    first = run_cron(registry, odoo, args, cron_id)
    wall, cpu1 = time.perf_counter() - start, time.process_time() - cpu
    heap_peak = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
    rss_after = rss_mb()
    start = time.perf_counter()
    second = run_cron(registry, odoo, args, cron_id)
    wall2 = time.perf_counter() - start
    print(f"candidates           {args.candidates}")
    print(f"setup (SQL inserts)  {setup_time:.1f} s")
    print(
        f"first run            {wall:.1f} s, {first['created']} activities, "
        f"{first['calls']} cron calls, {first['batches']} batches of "
        f"{args.batch_size}; {cpu1:.1f} s of Odoo's own CPU (the rest: "
        "PostgreSQL and waiting)"
    )
    print(f"seconds per cron call {first['per_call']}")
    print(
        f"queries per batch    {first['queries'] / max(first['batches'], 1):.1f} "
        f"({first['queries']} in total)"
    )
    print(
        f"peak RSS             {rss_before:.0f} MB before the run, "
        f"{rss_after:.0f} MB after"
    )
    if heap_peak is not None:
        print(f"python heap peak     {heap_peak:.1f} MB (tracemalloc)")
    print(f"second run           {wall2:.1f} s, {second['created']} activities")
    with registry.cursor() as cr:
        cr.execute(
            "UPDATE sale_order SET state = 'cancel' WHERE name LIKE %s",
            [BENCH_PREFIX + "%"],
        )
    start, cpu = time.perf_counter(), time.process_time()
    run_cron(registry, odoo, args, cron_id)
    wall3, cpu3 = time.perf_counter() - start, time.process_time() - cpu
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FILTER (WHERE NOT act.active), "
            "count(*) FILTER (WHERE act.active) FROM mail_activity act "
            "JOIN sale_order so ON so.id = act.res_id AND act.res_model = 'sale.order' "
            "WHERE so.name LIKE %s",
            [BENCH_PREFIX + "%"],
        )
        closed, still_open = cr.fetchone()
    print(
        f"closing pass         {wall3:.1f} s, {closed} follow-ups closed, "
        f"{still_open} still open; {cpu3:.1f} s of Odoo's own CPU; "
        f"peak RSS {rss_mb():.0f} MB"
    )
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param(
            "sales_coordination.followup_insert", insert_before or False
        )
    print(f"insert path          {args.insert}")
    print(
        "load average         "
        + " / ".join(f"{x:.1f}" for x in load_before)
        + " (1/5/15 min) before the runs, "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
        + f" after, on {os.cpu_count()} CPUs"
    )
    if not args.keep:
        cleanup(registry, odoo)
    if second["created"]:
        sys.exit("bench_followups: the second run created activities")
    if still_open:
        sys.exit("bench_followups: the closing pass left follow-ups open")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark *My Day* (``sales.coordination.my.day.get_my_day``) at 100,000
open activities, against Odoo's own activity menu of the same user.

Usage::

    python3 bench/bench_my_day.py -d DB [--activities 100000] [--repeat 5]

DB must have sales_coordination installed with its demo data (the demo
coordinator ``coordinator`` is the user measured). In one transaction that
is rolled back at the end (the database is left as it was), the bench adds
``--activities`` open follow-up activities on the database's sale orders in
SQL, spread over every internal user (the coordinator gets their share) and
over deadlines from 30 days ago to 30 days ahead, then times, as the
coordinator and with cold caches each time (median of ``--repeat``):

- ``get_my_day(limit=10)``, the whole screen;
- ``res.users._get_activity_groups()``, the activity menu (systray) that
  Odoo's web client loads on every page for the same user: the peer.

It prints both, their ratio, the coordinator's open activities and the
queries of one My Day call.
"""

import argparse
import statistics
import sys
import time

import benchlib


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_db_options(parser)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--login", default="coordinator")
    args = parser.parse_args()
    if args.activities < 0 or args.repeat < 1:
        parser.error("--activities must not be negative, --repeat at least 1")
    return args


def add_activities(env, count):
    """``count`` open activities on sale orders, in one INSERT."""
    from odoo.tools import SQL

    type_id = env.ref("sales_coordination.mail_activity_type_quote_followup").id
    users = env["res.users"].search([("share", "=", False)]).ids
    orders = env["sale.order"].search([]).ids
    if not orders:
        sys.exit("bench_my_day: the database has no sale order: install the demo")
    env.flush_all()
    env.cr.execute(
        SQL(
            """INSERT INTO mail_activity
                   (res_model_id, res_model, res_id, res_name, activity_type_id,
                    user_id, date_deadline, automated, active,
                    create_uid, create_date, write_uid, write_date)
               SELECT %(model_id)s, 'sale.order',
                      (%(orders)s::int[])[1 + mod(i, %(n_orders)s)], 'bench',
                      %(type_id)s, (%(users)s::int[])[1 + mod(i, %(n_users)s)],
                      CURRENT_DATE + (mod(i, 61) - 30), true, true,
                      1, now(), 1, now()
                 FROM generate_series(0, %(count)s - 1) AS i""",
            model_id=env["ir.model"]._get_id("sale.order"),
            orders=orders,
            n_orders=len(orders),
            type_id=type_id,
            users=users,
            n_users=len(users),
            count=count,
        )
    )
    env.cr.execute("ANALYZE mail_activity")
    env.invalidate_all()


def timed(env, call, repeat):
    """Median seconds of ``call()`` with cold ORM caches each time."""
    times = []
    for _i in range(repeat):
        env.invalidate_all()
        env.registry.clear_cache()
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args()
    registry = benchlib.open_registry("bench_my_day", args)
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        user = env["res.users"].search([("login", "=", args.login)])
        if not user:
            sys.exit(f"bench_my_day: no user {args.login!r}: install the demo")
        before = env["mail.activity"].search_count([])
        with benchlib.Timer() as fill:
            add_activities(env, args.activities)
        env = env(user=user.id)
        mine = env["mail.activity"].search_count([("user_id", "=", user.id)])
        print(
            f"{before + args.activities} open activities "
            f"({args.activities} added in {fill.seconds:.1f} s), "
            f"{mine} of them {args.login}'s"
        )
        MyDay = env["sales.coordination.my.day"]
        MyDay.get_my_day(limit=10)  # warm the plans
        env.invalidate_all()
        start = cr.sql_log_count
        counts = {k: v["count"] for k, v in MyDay.get_my_day(limit=10).items()}
        queries = cr.sql_log_count - start
        my_day = timed(env, lambda: MyDay.get_my_day(limit=10), args.repeat)
        systray = timed(
            env, lambda: env["res.users"]._get_activity_groups(), args.repeat
        )
        print(f"My Day sections: {counts}; {queries} queries")
        benchlib.print_table(
            ["call (median, cold caches)", "seconds", "vs activity menu"],
            [
                ["get_my_day(limit=10)", f"{my_day:.3f}", f"{my_day / systray:.2f}x"],
                ["res.users._get_activity_groups()", f"{systray:.3f}", "1.00x"],
            ],
        )
        cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())

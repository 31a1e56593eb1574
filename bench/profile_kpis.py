#!/usr/bin/env python3
"""Where the time of ``get_kpis`` goes: each SQL query and the Python around it.

Usage (on the database of ``bench_kpis.py``, after its first run)::

    python3 bench/profile_kpis.py -d kpi_bench [--year 2025] [--repeat 3]
        [--explain] [--cprofile]

As the bench's non-superuser manager (record rules apply), for the year and
for March of ``--year``: the median of ``--repeat`` calls of ``get_kpis``
(after a warm-up), then one more call with every query timed, the slowest
first (``--explain``: with its ``EXPLAIN (ANALYZE, BUFFERS)``), and
(``--cprofile``) the Python functions that took the most time.
"""

import argparse
import cProfile
import io
import pstats
import statistics
import time

import benchlib

SHOWN_QUERIES = 10


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_db_options(parser)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--cprofile", action="store_true")
    return parser.parse_args()


def timed_queries(cr, function):
    """Run ``function`` with each query of ``cr`` timed: ``[(seconds, query)]``."""
    log = []
    execute = type(cr).execute

    def timed(self, query, params=None, log_exceptions=True):
        started = time.perf_counter()
        try:
            return execute(self, query, params, log_exceptions)
        finally:
            log.append((time.perf_counter() - started, query, params))

    type(cr).execute = timed
    try:
        function()
    finally:
        type(cr).execute = execute
    return log


def main():
    args = parse_args()
    benchlib.import_odoo("profile_kpis")
    from odoo import SUPERUSER_ID, api
    from odoo.tools import SQL

    registry = benchlib.open_registry("profile_kpis", args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        manager = env["res.users"].search([("login", "=", "manager")], limit=1)
        if not manager:
            raise SystemExit("profile_kpis: run bench/bench_kpis.py first")
        kpis = env(user=manager.id)["sales.coordination.kpi"]
        periods = {
            "year": (f"{args.year}-01-01", f"{args.year}-12-31"),
            "month": (f"{args.year}-03-01", f"{args.year}-03-31"),
        }
        for label, (date_from, date_to) in periods.items():

            def call(date_from=date_from, date_to=date_to):
                return kpis.get_kpis(date_from, date_to)

            call()
            times = []
            for _i in range(args.repeat):
                started = time.perf_counter()
                call()
                times.append(time.perf_counter() - started)
            log = timed_queries(cr, call)
            if args.explain:
                # as get_kpis runs its aggregates
                cr.execute("SET LOCAL jit = off")
            print(
                f"{label} {date_from}..{date_to}: get_kpis median "
                f"{statistics.median(times):.3f}s; {len(log)} queries, "
                f"{sum(seconds for seconds, *__ in log):.3f}s in SQL"
            )
            for seconds, query, params in sorted(log, key=lambda row: -row[0])[
                :SHOWN_QUERIES
            ]:
                text = query.code if isinstance(query, SQL) else query
                print(f"  {seconds:.3f}s  {' '.join(str(text).split())[:150]}")
                if args.explain and seconds >= 0.01:
                    if isinstance(query, SQL):
                        cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
                    else:
                        cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}", params)
                    for (line,) in cr.fetchall():
                        print(f"      {line}")
            if args.cprofile:
                profile = cProfile.Profile()
                profile.runcall(call)
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
                print(out.getvalue())
        cr.rollback()


if __name__ == "__main__":
    main()

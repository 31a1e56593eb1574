#!/usr/bin/env python3
"""Where the time of an accuracy check goes: each check, the data, the writes,
and the slowest SQL statements.

Usage (on a database with sales_coordination, as ``bench_accuracy.py``)::

    python3 bench/profile_accuracy.py -d DB [--orders 10000] [--lines 5]
        [--explain]

Creates ``--orders`` quotations as ``bench_accuracy.py`` does (in a
transaction rolled back at the end), then checks them twice with
``action_check_accuracy`` (a first check, then a re-check of the unchanged
orders) and prints for each: the time of every check method, of reading the
data and of writing the issues and the states, then the slowest statements.
``--explain``: the INSERT of the issues and the UPDATE of the states of the
first check are run once more under ``EXPLAIN (ANALYZE, BUFFERS)`` in a
savepoint (rolled back), which shows their foreign-key triggers; the times
of that first check then include those extra runs.
"""

import argparse
import sys
import time
from collections import defaultdict

import bench_accuracy
import benchlib

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

SHOWN_QUERIES = 8
SHOWN_METHODS = 12
EXPLAINED = ("INSERT INTO sale_accuracy_issue", "UPDATE sale_order o")
ORDER_METHODS = (
    "_accuracy_run_orders",
    "_accuracy_write_issues",
    "_accuracy_write_states",
)
RULE_METHODS = ("_accuracy_data", "_run_checks")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_db_options(parser)
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    return parser.parse_args()


class Timers:
    """Times the given methods of the given model classes (in this process
    only, until ``restore``), in ``self.seconds`` by method name."""

    def __init__(self):
        self.seconds = defaultdict(float)
        self.patched = []

    def wrap(self, cls, name):
        original = getattr(cls, name)
        seconds = self.seconds

        def timed(record, *args, **kwargs):
            started = time.perf_counter()
            try:
                return original(record, *args, **kwargs)
            finally:
                seconds[name] += time.perf_counter() - started

        setattr(cls, name, timed)
        self.patched.append((cls, name, original))

    def restore(self):
        for cls, name, original in reversed(self.patched):
            setattr(cls, name, original)


def timed_statements(cr, function, explain):
    """Run ``function`` with each statement of ``cr`` timed:
    ``{statement head: [count, seconds]}``; with ``explain``, the plans of
    the write statements are printed first."""
    statements = defaultdict(lambda: [0, 0.0])
    execute = type(cr).execute

    def timed(self, query, params=None, log_exceptions=True):
        code, args = (
            (query.code, query.params)
            if isinstance(query, SQL)
            else (
                str(query),
                params,
            )
        )
        head = " ".join(code.split())[:110]
        if explain and head.startswith(EXPLAINED):
            execute(self, "SAVEPOINT profile_accuracy_explain")
            execute(self, f"EXPLAIN (ANALYZE, BUFFERS) {code}", args)
            print("\n".join(f"    {row[0]}" for row in self.fetchall()))
            execute(self, "ROLLBACK TO SAVEPOINT profile_accuracy_explain")
        started = time.perf_counter()
        try:
            return execute(self, query, params, log_exceptions)
        finally:
            entry = statements[head]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    type(cr).execute = timed
    try:
        function()
    finally:
        type(cr).execute = execute
    return statements


def main():
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args()
    registry = bench_accuracy.setup_odoo(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        if "sale.accuracy.rule" not in env:
            sys.exit(
                "profile_accuracy: sales_coordination is not installed in this DB."
            )
        timers = Timers()
        Rule, Order = type(env["sale.accuracy.rule"]), type(env["sale.order"])
        for name in dir(Rule):
            if name.startswith("_accuracy_check_") or name in RULE_METHODS:
                timers.wrap(Rule, name)
        for name in ORDER_METHODS:
            timers.wrap(Order, name)
        try:
            fixtures = bench_accuracy.make_fixtures(env)
            orders = bench_accuracy.create_orders(
                env, args.orders, args.lines, fixtures
            )
            for label in ("first check", "re-check"):
                env.flush_all()
                env.invalidate_all()
                timers.seconds.clear()
                started = time.perf_counter()
                statements = timed_statements(
                    cr,
                    lambda: (orders.action_check_accuracy(), env.flush_all()),
                    args.explain and label == "first check",
                )
                elapsed = time.perf_counter() - started
                sql = sum(seconds for __, seconds in statements.values())
                print(
                    f"{label}: {len(orders)} orders in {elapsed:.2f} s = "
                    f"{len(orders) / elapsed:.0f} orders/s; SQL {sql:.2f} s in "
                    f"{sum(count for count, __ in statements.values())} statements"
                )
                for name, seconds in sorted(
                    timers.seconds.items(), key=lambda item: -item[1]
                )[:SHOWN_METHODS]:
                    print(f"  {seconds:7.3f} s  {name}")
                print("  slowest statements:")
                for head, (count, seconds) in sorted(
                    statements.items(), key=lambda item: -item[1][1]
                )[:SHOWN_QUERIES]:
                    print(f"  {seconds:7.3f} s  x{count}  {head}")
        finally:
            timers.restore()
            cr.rollback()


if __name__ == "__main__":
    main()

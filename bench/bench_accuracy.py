#!/usr/bin/env python3
"""Benchmark the order-accuracy checks of sales_coordination.

Connects to an existing database that has sales_coordination installed,
creates ORDERS quotations of LINES lines each (in a transaction that is rolled
back at the end: the database is left as it was), then prints:

- the time to check them all with ``action_check_accuracy`` (orders/s) and the
  SQL queries per order, for a first check and a re-check, with the rules
  active in the database (the twelve built-in rules in a fresh one: their
  count and check types are printed first);
- the time of ``action_confirm`` one order at a time with the checks (observe
  mode) against the same confirmation with the checks bypassed, as a ratio;
- the cost of the automatic checks before the commit (the pre-commit hook):
  saving a quotation of SAVE_LINES lines (a change of its reference and of a
  few quantities, then the commit's pre-commit hooks) and creating BULK
  quotations in one ``create`` call, each with the hook and with the hook
  switched off (in this process only), as ratios. The save is measured twice:
  as the form sends it (``web_save`` with the specification of the
  quotation form, which writes then reads the form's fields back: what the
  user waits for) and as the bare ``write``.

``--only-precommit`` runs the last part alone; ``--kpi-totals`` runs with
the KPIs' daily totals switched on and summed up (every write then notes the
days it changes, as on a database where their nightly cron runs).

Usage::

    python3 bench/bench_accuracy.py -d DB [--orders 10000] [--lines 5]
        [--confirm 200] [--save-lines 50] [--saves 30] [--bulk 1000]
        [--only-precommit] [--kpi-totals] [--db_host 127.0.0.1] [--db_user root]
        [--addons-path PATHS]
"""

import argparse
import sys
import time
from pathlib import Path

import benchlib

odoo = benchlib.import_odoo("bench_accuracy")
from lxml import etree

from odoo import SUPERUSER_ID, Command, api

ROOT = Path(__file__).resolve().parent.parent


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_db_options(parser)
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--confirm", type=int, default=200)
    parser.add_argument("--save-lines", type=int, default=50)
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--bulk", type=int, default=1000)
    parser.add_argument("--only-precommit", action="store_true")
    parser.add_argument(
        "--kpi-totals",
        action="store_true",
        help="with the KPIs' daily totals switched on and summed up (as on a "
        "database where their nightly cron runs): every write pays for "
        "noting the days it changes",
    )
    return parser.parse_args()


def setup_odoo(args):
    try:
        return benchlib.open_registry("bench_accuracy", args)
    except Exception as exc:  # noqa: BLE001 - one clear line for the user
        sys.exit(f"bench_accuracy: cannot open database {args.database}: {exc}")


def make_fixtures(env):
    company = env.company
    company.accuracy_mode = "observe"
    be = env.ref("base.be")
    customers = env["res.partner"].create(
        [
            {
                "name": f"Bench Pet Shop {i}",
                "is_company": True,
                "street": f"{i} Bench Street",
                "city": "Ghent",
                "country_id": be.id,
            }
            for i in range(200)
        ]
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench Product {i}",
                "type": "consu",
                "is_storable": i % 2 == 0,
                "list_price": 10.0 + i,
            }
            for i in range(10)
        ]
    )
    env["product.packaging"].create(
        [
            {"name": "Case of 6", "product_id": p.id, "qty": 6, "sales": True}
            for p in products[:4]
        ]
    )
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", company.id)], limit=1
    )
    for product in products.filtered("is_storable"):
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, 10**7
        )
    pricelist = env["product.pricelist"].create({"name": "Bench Pricelist"})
    term = env.ref("account.account_payment_term_30days")
    return customers, products, pricelist, term


def create_orders(env, count, lines, fixtures, offset=0, batch=500):
    customers, products, pricelist, term = fixtures
    ids = []
    for start in range(0, count, batch):
        vals = []
        for i in range(start + offset, min(start + batch, count) + offset):
            vals.append(
                {
                    "partner_id": customers[i % len(customers)].id,
                    "pricelist_id": pricelist.id,
                    "payment_term_id": term.id,
                    # a third without PO number, some with a big discount
                    "client_order_ref": f"BENCH-{i}" if i % 3 else False,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": products[(i + j) % len(products)].id,
                                "product_uom_qty": 6 * (1 + (i + j) % 7) + i % 2,
                                "discount": 20.0 if (i % 10 == 0 and j == 0) else 0.0,
                            }
                        )
                        for j in range(lines)
                    ],
                }
            )
        ids += env["sale.order"].create(vals).ids
        env.flush_all()
        env.invalidate_all()
    return env["sale.order"].browse(ids)


def timed_check(env, orders):
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    orders.action_check_accuracy()
    env.flush_all()
    elapsed = time.perf_counter() - start
    return elapsed, env.cr.sql_log_count - queries


def timed_confirm(env, orders, skip_checks):
    Order = type(env["sale.order"])
    original = Order._accuracy_run
    if skip_checks:
        Order._accuracy_run = lambda self: None
    try:
        total = 0.0
        for order in orders:
            start = time.perf_counter()
            order.action_confirm()
            env.flush_all()
            total += time.perf_counter() - start
        return total
    finally:
        Order._accuracy_run = original


class _precommit_off:
    """Within the block, nothing is scheduled for the pre-commit check
    (``off``), or the time the pre-commit check takes adds up in
    ``hook_time``: the share of the check in the same run, whatever the
    load of the machine does between two runs."""

    def __init__(self, env, off):
        self.Order = type(env["sale.order"])
        self.off = off
        self.hook_time = 0.0

    def __enter__(self):
        self.original = self.Order._accuracy_schedule_check
        self.original_hook = self.Order._accuracy_precommit_check
        if self.off:
            self.Order._accuracy_schedule_check = lambda self: None
        else:
            block = self

            def timed_hook(self):
                start = time.perf_counter()
                try:
                    return block.original_hook(self)
                finally:
                    block.hook_time += time.perf_counter() - start

            self.Order._accuracy_precommit_check = timed_hook
        return self

    def __exit__(self, *exc):
        self.Order._accuracy_schedule_check = self.original
        self.Order._accuracy_precommit_check = self.original_hook


def commit_hooks(env):
    """What a commit does before COMMIT: flush, then the pre-commit hooks."""
    env.flush_all()
    env.cr.flush()


def form_spec(order):
    """The fields specification the quotation form sends with ``web_save``,
    as the web client builds it from the form view: every field of the form,
    the display name of the many2one fields, and for the order lines the
    fields of their list."""
    views = order.get_views([(False, "form")])
    models = {name: info["fields"] for name, info in views["models"].items()}

    def spec(node, model):
        result = {}
        level = len(node.xpath("ancestor-or-self::field"))
        for field in node.xpath(f".//field[count(ancestor::field) = {level}]"):
            name = field.get("name")
            info = models[model].get(name, {})
            lists = field.xpath("./list")
            if info.get("type") in ("one2many", "many2many") and lists:
                result[name] = {"fields": spec(lists[0], info["relation"])}
            elif info.get("type") == "many2one":
                result[name] = {"fields": {"display_name": {}}}
            else:
                result[name] = {}
        return result

    arch = etree.fromstring(views["views"]["form"]["arch"])
    return spec(arch, order._name)


def timed_save(env, order, step, off, spec=None):
    """One save of ``order``: its reference and the quantity of five lines
    change; then the commit's pre-commit hooks. With ``spec``, as the form
    sends it (``web_save``: the write, then the read of the form's fields);
    without, the bare ``write``."""
    lines = order.order_line
    vals = {
        "client_order_ref": f"BENCH-SAVE-{step}",
        "order_line": [
            Command.update(line.id, {"product_uom_qty": 6 * (step % 5 + 1)})
            for line in lines[step % 10 :: 10]
        ],
    }
    env.invalidate_all()  # a new request: nothing in the cache
    with _precommit_off(env, off) as block:
        start = time.perf_counter()
        if spec is None:
            order.write(vals)
        else:
            order.web_save(vals, spec)
        commit_hooks(env)
        return time.perf_counter() - start, block.hook_time


def timed_bulk(env, count, lines, fixtures, offset, off):
    """One ``create`` call of ``count`` quotations, then the pre-commit hooks:
    the time, the time of the pre-commit check within it, the states."""
    with _precommit_off(env, off) as block:
        start = time.perf_counter()
        orders = create_orders(env, count, lines, fixtures, offset=offset, batch=count)
        commit_hooks(env)
        elapsed = time.perf_counter() - start
    states = {state for state in orders.mapped("accuracy_state")}
    return elapsed, block.hook_time, states


def bench_precommit(env, fixtures, args):
    order = create_orders(env, 1, args.save_lines, fixtures, offset=10**6)
    commit_hooks(env)
    spec = form_spec(order)
    for label, save_spec in (("form save (web_save)", spec), ("write", None)):
        for step in range(4):  # warm-up
            timed_save(env, order, step, step % 2 == 0, save_spec)
        t_on = t_off = t_hook = 0.0
        for step in range(args.saves):
            elapsed, hook = timed_save(env, order, step, False, save_spec)
            t_on += elapsed
            t_hook += hook
            t_off += timed_save(env, order, step, True, save_spec)[0]
        print(
            f"save a {args.save_lines}-line quotation, {label}, {args.saves} "
            f"times each: with checks {1000 * t_on / args.saves:.1f} ms/save "
            f"(of which the pre-commit check {1000 * t_hook / args.saves:.1f} "
            f"ms), without {1000 * t_off / args.saves:.1f} ms/save, ratio "
            f"{t_on / t_off:.2f}x (state {order.accuracy_state})"
        )
    env.invalidate_all()
    timed_bulk(env, 20, args.lines, fixtures, 2 * 10**6, off=True)  # warm-up
    b_off, _hook, s_off = timed_bulk(
        env, args.bulk, args.lines, fixtures, 3 * 10**6, True
    )
    env.invalidate_all()
    b_on, hook, s_on = timed_bulk(
        env, args.bulk, args.lines, fixtures, 4 * 10**6, False
    )
    print(
        f"create {args.bulk} quotations x {args.lines} lines in one call: with "
        f"checks {b_on:.2f} s (states {sorted(s_on)}), without {b_off:.2f} s "
        f"(states {sorted(s_off)}), ratio {b_on / b_off:.2f}x; the pre-commit "
        f"check took {hook:.2f} s of the {b_on:.2f} s: with / without it in "
        f"the same run {b_on / (b_on - hook):.2f}x"
    )


def main():
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args()
    registry = setup_odoo(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        if "sale.accuracy.rule" not in env:
            sys.exit("bench_accuracy: sales_coordination is not installed in this DB.")
        try:
            fixtures = make_fixtures(env)
            if args.kpi_totals:
                KpiDay = env["sales.coordination.kpi.day"]
                KpiDay._cron_sum_up()
                KpiDay._cron_sum_up()
                print(f"KPI daily totals on, summed up to {KpiDay._sc_until()[1]}")
            if args.only_precommit:
                bench_precommit(env, fixtures, args)
                return
            start = time.perf_counter()
            orders = create_orders(env, args.orders, args.lines, fixtures)
            print(
                f"created {len(orders)} orders x {args.lines} lines "
                f"in {time.perf_counter() - start:.1f} s"
            )
            rules = env["sale.accuracy.rule"].search([])
            print(
                f"{len(rules)} active rules: "
                + ", ".join(sorted(set(rules.mapped("check_type"))))
            )
            for label in ("first check", "re-check"):
                elapsed, queries = timed_check(env, orders)
                issues = env["sale.accuracy.issue"].search_count(
                    [("order_id", "in", orders.ids), ("state", "=", "open")]
                )
                print(
                    f"{label}: {len(orders)} orders in {elapsed:.2f} s = "
                    f"{len(orders) / elapsed:.0f} orders/s, {queries} queries = "
                    f"{queries / len(orders):.3f} queries/order, "
                    f"{issues} open issues"
                )
            env.invalidate_all()
            # Confirmation, one order at a time, alternating with and without.
            count = args.confirm
            to_confirm = create_orders(
                env, 2 * count, args.lines, fixtures, offset=args.orders
            )
            with_checks, without = to_confirm[:count], to_confirm[count:]
            timed_confirm(env, with_checks[:5], skip_checks=False)  # warm-up
            timed_confirm(env, without[:5], skip_checks=True)
            t_with = t_without = 0.0
            for i in range(5, count):
                t_with += timed_confirm(env, with_checks[i : i + 1], False)
                t_without += timed_confirm(env, without[i : i + 1], True)
            n = count - 5
            print(
                f"confirm {n} orders one by one: with checks {t_with:.2f} s "
                f"({1000 * t_with / n:.1f} ms/order), without {t_without:.2f} s "
                f"({1000 * t_without / n:.1f} ms/order), "
                f"ratio {t_with / t_without:.2f}x"
            )
            bench_precommit(env, fixtures, args)
        finally:
            cr.rollback()


if __name__ == "__main__":
    main()

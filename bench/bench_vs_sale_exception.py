#!/usr/bin/env python3
"""Benchmark our accuracy checks against OCA's sale_exception, side by side.

OCA's ``sale_exception`` (with ``base_exception``) is what an integrator
installs instead of sales_coordination. This bench runs both engines in one
process, on one database, on the same quotations and with the same three
rules:

- no customer reference (PO number) on the order;
- a line discount above 20 %;
- a line quantity of 0 or less.

Theirs are ``by_domain`` exception rules (their other rules archived); ours
are the built-in rules ``missing_client_ref``, ``discount_limit`` (threshold
20) and ``invalid_quantity``, with every other rule archived. It times their
``detect_exceptions`` and our ``action_check_accuracy`` on a first check and a
re-check of the unchanged orders (caches invalidated before each run; the
re-check is the median of 3), alternating the engines, then our twelve
built-in rules on the same orders (their findings cleared first, so that it
is a first check again). It prints orders per second, the ratios ours /
theirs, and the number of orders each engine flagged: they must agree.

``sale_exception`` is a bench-only requirement (``bench/requirements.txt``),
never a dependency of the addon: when this Python cannot import it, the bench
installs its PyPI wheel (``pip install``), then installs the module into the
database when it is not yet installed there. Everything the bench creates is
rolled back at the end.

Usage::

    python3 bench/bench_vs_sale_exception.py -d DB [--orders 2000] [--lines 5]
        [--db_host 127.0.0.1] [--db_user root] [--addons-path PATHS]
"""

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import benchlib

odoo = benchlib.import_odoo("bench_vs_sale_exception")
from bench_accuracy import _precommit_off, create_orders, make_fixtures

from odoo import SUPERUSER_ID, api

ROOT = Path(__file__).resolve().parent.parent
BENCH_REQUIREMENTS = ROOT / "bench" / "requirements.txt"
OUR_RULES = {
    "missing_client_ref": 0,
    "discount_limit": 20,
    "invalid_quantity": 0,
}
THEIR_RULES = [  # (name, model, domain)
    (
        "Bench: no customer reference",
        "sale.order",
        "[('client_order_ref', '=', False)]",
    ),
    ("Bench: discount above 20 %", "sale.order.line", "[('discount', '>', 20)]"),
    (
        "Bench: quantity of 0 or less",
        "sale.order.line",
        "[('product_uom_qty', '<=', 0)]",
    ),
]
RECHECKS = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_db_options(parser)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=5)
    return parser.parse_args()


def ensure_wheel():
    """Install sale_exception's PyPI wheel (and base_exception's) into the
    bench's own addons directory when missing, and put it on the addons
    path. ``--target`` rather than site-packages: a wheel there would make
    ``odoo`` a namespace package beside an editable (``pip install -e``) Odoo,
    which then no longer imports."""
    target = ROOT / ".cache" / "bench-addons"
    addons = target / "odoo" / "addons"
    if not (addons / "sale_exception" / "__manifest__.py").exists():
        print(f"installing {BENCH_REQUIREMENTS.name} into {target} ...")
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "-q",
                "--no-deps",
                "--upgrade",
                "--target",
                str(target),
                "-r",
                str(BENCH_REQUIREMENTS),
            ],
            check=False,
        )
        if done.returncode or not (addons / "sale_exception").is_dir():
            sys.exit(
                "bench_vs_sale_exception: cannot install odoo-addon-sale_exception "
                f"(pip install --target {target} -r {BENCH_REQUIREMENTS})."
            )
    return str(addons)


def ensure_module(args):
    """Install sale_exception into the database when it is not there yet."""
    import psycopg2

    params = {"dbname": args.database, "host": args.db_host, "port": args.db_port}
    if args.db_user:
        params["user"] = args.db_user
    with psycopg2.connect(**params) as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT name, state FROM ir_module_module WHERE name IN %s",
            [("sale_exception", "sales_coordination")],
        )
        states = dict(cr.fetchall())
    conn.close()
    if states.get("sales_coordination") != "installed":
        sys.exit("bench_vs_sale_exception: sales_coordination is not installed.")
    if states.get("sale_exception") == "installed":
        return
    print("installing sale_exception into the database ...")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            args.database,
            *benchlib.odoo_options(args),
            "-i",
            "sale_exception",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ],
        check=False,
    )
    if done.returncode:
        sys.exit("bench_vs_sale_exception: installing sale_exception failed.")


def set_rules(env):
    """The same three rules on both sides; their rules returned."""
    ours = env["sale.accuracy.rule"].with_context(active_test=False).search([])
    ours.write({"active": False})
    for check_type, threshold in OUR_RULES.items():
        rule = ours.filtered(lambda r, t=check_type: r.check_type == t)[:1]
        if not rule:
            sys.exit(f"bench_vs_sale_exception: no built-in rule {check_type}.")
        rule.write({"active": True, "threshold": threshold, "team_ids": False})
    env["exception.rule"].search([]).write({"active": False})
    return env["exception.rule"].create(
        [
            {
                "name": name,
                "description": name,
                "model": model,
                "exception_type": "by_domain",
                "domain": domain,
            }
            for name, model, domain in THEIR_RULES
        ]
    )


@contextlib.contextmanager
def same_transaction():
    """sale_exception writes its findings in a second cursor that commits,
    except under tests; the bench's orders are not committed (it rolls back
    at the end), so their engine runs as under tests, in the bench's own
    transaction."""
    saved = odoo.tools.config["test_enable"]
    odoo.tools.config["test_enable"] = True
    try:
        yield
    finally:
        odoo.tools.config["test_enable"] = saved


def detect_theirs(env, orders):
    """Their whole detection: the orders' rules, then the lines' rules.
    ``sale.order.detect_exceptions`` raises (to show its dialog) after the
    orders' rules when one is added, before it reaches the lines; the bench
    runs the two steps of the base engine itself so that both always run."""
    from odoo.addons.base_exception.exceptions import BaseExceptionError

    detect = type(env["base.exception.method"]).detect_exceptions
    with same_transaction():
        for records in (orders, orders.order_line):
            try:
                detect(records)
            except BaseExceptionError:
                pass


def spoil(env, orders):
    """Some lines the two line rules flag: a discount of 25 % on every 7th
    line, a quantity of 0 on every 13th (the orders come from bench_accuracy,
    a third of them without a customer reference)."""
    env.flush_all()
    env.cr.execute(
        """UPDATE sale_order_line SET discount = 25
            WHERE order_id IN %(ids)s AND id %% 7 = 0;
           UPDATE sale_order_line SET product_uom_qty = 0
            WHERE order_id IN %(ids)s AND id %% 13 = 0""",
        {"ids": tuple(orders.ids)},
    )
    env.invalidate_all()


def timed(env, run):
    """Seconds of ``run()``, from cold caches, writes flushed."""
    env.flush_all()
    env.invalidate_all()
    start = time.perf_counter()
    run()
    env.flush_all()
    return time.perf_counter() - start


def theirs_flagged(env, orders):
    env.invalidate_all()
    return len(orders.filtered("exception_ids"))


def ours_flagged(env, orders):
    env.invalidate_all()
    return len(orders.filtered(lambda o: o.accuracy_state in ("warning", "blocked")))


def reset_ours(env, orders):
    """Forget our findings on ``orders``: the next check is a first check."""
    env.flush_all()
    env.cr.execute(
        "DELETE FROM sale_accuracy_issue WHERE order_id IN %s", [tuple(orders.ids)]
    )
    env.cr.execute(
        """UPDATE sale_order SET accuracy_state = 'unchecked',
                  accuracy_checked_date = NULL, accuracy_first_checked_date = NULL,
                  first_time_right = NULL, data_entry_right = NULL
            WHERE id IN %s""",
        [tuple(orders.ids)],
    )
    env.invalidate_all()


def run(env, args):
    fixtures = make_fixtures(env)
    set_rules(env)
    with _precommit_off(env, off=True):
        start = time.perf_counter()
        orders = create_orders(env, args.orders, args.lines, fixtures)
        spoil(env, orders)
        print(
            f"created {len(orders)} quotations x {args.lines} lines in "
            f"{time.perf_counter() - start:.1f} s",
            flush=True,
        )
        # warm-up of both engines on other orders (code paths, rules' caches)
        warm = create_orders(env, 20, args.lines, fixtures, offset=10**6)
        detect_theirs(env, warm)
        warm.action_check_accuracy()

        def theirs():
            return timed(env, lambda: detect_theirs(env, orders))

        def ours():
            return timed(env, orders.action_check_accuracy)

        first = {"theirs": theirs(), "ours": ours()}
        again = {"theirs": [], "ours": []}
        for _round in range(RECHECKS):
            again["theirs"].append(theirs())
            again["ours"].append(ours())
        flagged = {
            "theirs": theirs_flagged(env, orders),
            "ours": ours_flagged(env, orders),
        }
        # our twelve built-in rules on the same orders
        rules = env["sale.accuracy.rule"].with_context(active_test=False).search([])
        xmlids = rules.get_external_id()
        rules.filtered(
            lambda r: xmlids[r.id].startswith("sales_coordination.sale_accuracy_rule_")
        ).write({"active": True})
        twelve = env["sale.accuracy.rule"].search_count([])
        reset_ours(env, orders)
        first["twelve"] = ours()
        again["twelve"] = [ours() for _round in range(RECHECKS)]
        flagged["twelve"] = ours_flagged(env, orders)

    n = len(orders)
    speed = {key: (n / first[key], n / statistics.median(again[key])) for key in first}
    rows = [
        [
            "sale_exception (OCA)",
            "3",
            *(f"{v:,.0f}" for v in speed["theirs"]),
            "1.00x",
            "1.00x",
            flagged["theirs"],
        ],
        [
            "sales_coordination",
            "3",
            *(f"{v:,.0f}" for v in speed["ours"]),
            f"{speed['ours'][0] / speed['theirs'][0]:.2f}x",
            f"{speed['ours'][1] / speed['theirs'][1]:.2f}x",
            flagged["ours"],
        ],
        [
            "sales_coordination",
            str(twelve),
            *(f"{v:,.0f}" for v in speed["twelve"]),
            f"{speed['twelve'][0] / speed['theirs'][0]:.2f}x",
            f"{speed['twelve'][1] / speed['theirs'][1]:.2f}x",
            flagged["twelve"],
        ],
    ]
    print(
        f"\n{n} quotations x {args.lines} lines, one process; re-check = median "
        f"of {RECHECKS}; ratios = orders/s against sale_exception in the same run"
    )
    benchlib.print_table(
        [
            "engine",
            "rules",
            "first check orders/s",
            "re-check orders/s",
            "first ratio",
            "re-check ratio",
            "orders flagged",
        ],
        rows,
    )
    if flagged["theirs"] != flagged["ours"]:
        print(
            f"MISMATCH: sale_exception flagged {flagged['theirs']} orders, "
            f"ours {flagged['ours']} on the same three rules"
        )
        return 1
    return 0


def main():
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args()
    addons = ensure_wheel()
    if args.addons_path:
        args.addons_path = f"{addons},{args.addons_path}"
    else:
        extra = os.environ.get("ODOO_ADDONS_PATH")
        os.environ["ODOO_ADDONS_PATH"] = f"{addons},{extra}" if extra else addons
    ensure_module(args)
    registry = benchlib.open_registry("bench_vs_sale_exception", args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        try:
            status = run(env, args)
        finally:
            cr.rollback()
    sys.exit(status)


if __name__ == "__main__":
    main()

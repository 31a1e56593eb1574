"""Accuracy checks and KPIs over RPC, against a running server.

Prints the orders checked per second through JSON-RPC (odoorpc) in batches of
1, 100 and 1,000 orders per call, and the latency of
``sales.coordination.kpi.get_kpis`` for a month and a year.

It creates its own quotations (5 lines each, one customer, unique PO numbers
and quantities) and deletes them afterwards unless ``--keep``. Run it against
a throw-away database: the checks write issues.

    python3 bench/bench_rpc.py --url http://127.0.0.1:8069 --db DB \\
        --login admin --password admin
"""

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "client"))

import odoorpc
from sales_coordination_client import connect

LINES_PER_ORDER = 5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", required=True)
    parser.add_argument("--password")
    parser.add_argument("--api-key")
    parser.add_argument(
        "--single", type=int, default=50, help="orders checked one per call (50)"
    )
    parser.add_argument(
        "--orders", type=int, default=1000, help="orders per batched run (1000)"
    )
    parser.add_argument("--kpi-runs", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the orders")
    return parser.parse_args()


def create_orders(odoo, count, partner, products, tag):
    """``count`` quotations of 5 lines, created 100 per call."""
    Order = odoo.env["sale.order"]
    ids = []
    for start in range(0, count, 100):
        vals = []
        for i in range(start, min(start + 100, count)):
            vals.append(
                {
                    "partner_id": partner,
                    "client_order_ref": f"BENCH-{tag}-{i}",
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": product,
                                "product_uom_qty": 1 + (i + k) % 97,
                            },
                        )
                        for k, product in enumerate(products)
                    ],
                }
            )
        ids += Order.create(vals)
    return ids


def time_checks(odoo, ids, batch):
    Order = odoo.env["sale.order"]
    t0 = time.perf_counter()
    for start in range(0, len(ids), batch):
        Order.action_check_accuracy(ids[start : start + batch])
    return time.perf_counter() - t0


def setup(odoo):
    country = odoo.env["res.country"].search([("code", "=", "BE")], limit=1)
    partner = odoo.env["res.partner"].create(
        {
            "name": f"Bench Pet Wholesale {time.time():.0f}",
            "is_company": True,
            "street": "1 Bench Street",
            "city": "Ghent",
            "country_id": country[0] if country else False,
        }
    )
    products = [
        odoo.env["product.product"].create(
            {
                "name": f"Bench kibble {k}",
                "type": "consu",
                "sale_ok": True,
                "list_price": 10 + k,
            }
        )
        for k in range(LINES_PER_ORDER)
    ]
    return partner, products


def bench_kpis(odoo, runs):
    Kpi = odoo.env["sales.coordination.kpi"]
    today = datetime.date.today()
    periods = {
        "month": (today.replace(day=1), today),
        "year": (today.replace(month=1, day=1), today),
    }
    results = {}
    for label, (first, last) in periods.items():
        Kpi.get_kpis(first.isoformat(), last.isoformat())  # warm-up
        times = []
        for _i in range(runs):
            t0 = time.perf_counter()
            Kpi.get_kpis(first.isoformat(), last.isoformat())
            times.append(time.perf_counter() - t0)
        results[label] = (statistics.median(times), min(times), max(times))
    return results


def main():
    args = parse_args()
    odoo = connect(
        args.url, args.db, args.login, password=args.password, api_key=args.api_key
    )
    server = odoo.version
    orders_before = odoo.env["sale.order"].search_count([])
    print(f"server {args.url} (Odoo {server}), database {args.db!r}, as {args.login}")
    print(f"sale orders already in the database: {orders_before}")
    partner, products = setup(odoo)
    runs = [
        ("1", 1, args.single),
        ("100", 100, args.orders),
        ("1000", 1000, args.orders),
    ]
    created = []
    print(
        f"\norders checked per second over JSON-RPC ({LINES_PER_ORDER} lines per "
        "order, first check of fresh quotations):"
    )
    print(f"  {'batch':>6} {'orders':>7} {'calls':>6} {'seconds':>8} {'orders/s':>9}")
    rates = {}
    try:
        for label, batch, count in runs:
            ids = create_orders(
                odoo, count, partner, products, f"{label}-{time.time()}"
            )
            created += ids
            secs = time_checks(odoo, ids, batch)
            calls = -(-count // batch)
            rates[label] = count / secs
            print(
                f"  {label:>6} {count:>7} {calls:>6} {secs:>8.2f} {rates[label]:>9.1f}"
            )
        recheck = time_checks(odoo, created[-args.orders :], 1000)
        print(
            f"  re-check of the last {args.orders} in batches of 1000: "
            f"{recheck:.2f} s, {args.orders / recheck:.1f} orders/s"
        )
        print(
            f"  ratio batch 1000 / batch 1: {rates['1000'] / rates['1']:.1f}x, "
            f"batch 100 / batch 1: {rates['100'] / rates['1']:.1f}x"
        )
        try:
            kpis = bench_kpis(odoo, args.kpi_runs)
        except odoorpc.error.RPCError as exc:  # the KPI feature may be missing
            print(f"\nget_kpis not available: {exc}")
        else:
            print(f"\nget_kpis latency over JSON-RPC ({args.kpi_runs} calls each):")
            for label, (median, fastest, slowest) in kpis.items():
                print(
                    f"  {label:<6} median {median * 1000:7.1f} ms  "
                    f"min {fastest * 1000:7.1f} ms  max {slowest * 1000:7.1f} ms"
                )
    finally:
        if not args.keep and created:
            for start in range(0, len(created), 500):
                odoo.env["sale.order"].unlink(created[start : start + 500])
            print(f"\ndeleted the {len(created)} bench orders")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Scale out: one threaded server, one prefork server, two prefork servers
and a read replica, under the same bounded load, in one run.

Usage::

    python3 bench/bench_scale_out.py -d DB [--users 8] [--requests 10] \\
        [--batch-clients 4] [--batch-size 1000] [--batches 1]

``DB`` is a database with the addon installed (e.g. a copy of the demo). It is
copied into a private primary PostgreSQL with a streaming replica
(``tools/pg_replica.py``, both deleted at the end), so that the three setups
run on the same PostgreSQL:

(a) one threaded server (``--workers 0``);
(b) one server with ``--workers 4``;
(c) two such servers on the same database, plus ``--db_replica_host/port``;
(c') the same two servers without the replica, to tell the two apart.

No setup runs cron workers while it is measured (``--max-cron-threads 0``):
the crons of the freshly copied database, all due at once, would otherwise
load (b) and (c) and not (a).

The load, the same for each, all at once on 127.0.0.1: ``--users``
simulated dashboard users, each a web session sending ``--requests``
``get_kpis`` calls through ``/web/dataset/call_kw`` (as the dashboard does),
one after the other; and ``--batch-clients`` integrators over JSON-RPC, each
running ``action_check_accuracy`` on its own ``--batches`` batches of
``--batch-size`` quotations. In (c) the users and clients alternate between
the two servers, as behind a round-robin proxy.

It prints, for each setup, the dashboard requests per second and their p50
and p95 latency, and the orders checked per second and the batch calls' p50
and p95, each also as a ratio against (a) of the same run. Prefork servers get
``--limit-time-real``/``--limit-time-cpu`` of ``--time-limit`` seconds: a batch
of 1,000 checks can outlast Odoo's default of 120 s on a loaded machine.
"""

import argparse
import datetime
import http.cookiejar
import json
import sys
import threading
import urllib.request
from contextlib import ExitStack

import benchlib

# Warm-up calls per user and client, all at once, before each measurement.
WARM_UP_ROUNDS = 3

SETUPS = [
    ("(a) 1 threaded server", "threaded", 1, False),
    ("(b) 1 server, 4 workers", "prefork", 1, False),
    ("(c) 2 servers x 4 workers + replica", "prefork", 2, True),
    # Not a setup of its own: (c) without the replica, to tell apart what the
    # second server costs and what the replica does.
    ("(c') 2 servers x 4 workers, no replica", "prefork", 2, False),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_db_options(parser)
    parser.add_argument("--users", type=int, default=8, help="dashboard users (8)")
    parser.add_argument(
        "--requests", type=int, default=10, help="get_kpis calls per user (10)"
    )
    parser.add_argument("--batch-clients", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=1, help="per client (1)")
    parser.add_argument(
        "--http-ports",
        type=int,
        nargs=2,
        default=None,
        metavar=("FIRST", "SECOND"),
        help="HTTP ports of the servers (default: free ports)",
    )
    parser.add_argument(
        "--pg-ports",
        type=int,
        nargs=2,
        default=None,
        metavar=("PRIMARY", "REPLICA"),
        help="ports of the private primary and replica (default: free ports)",
    )
    parser.add_argument("--time-limit", type=int, default=900)
    parser.add_argument("--login", default="manager", help="dashboard user")
    parser.add_argument("--password", default=None, help="default: the login")
    parser.add_argument("--admin-password", default="admin")
    args = parser.parse_args()
    if min(args.users, args.requests, args.batch_clients, args.batches) < 0:
        parser.error("counts must not be negative")
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    return args


class DashboardUser:
    """A web session calling the dashboard's KPIs, as the browser does."""

    def __init__(self, url, db, login, password):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.post(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )
        today = datetime.date.today()
        self.period = [today.replace(month=1, day=1).isoformat(), today.isoformat()]

    def post(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        req = urllib.request.Request(
            self.url + path,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(req, timeout=600) as resp:
            data = json.loads(resp.read())
        if "error" in data:
            raise RuntimeError(data["error"].get("data", {}).get("message", data))
        return data["result"]

    def kpis(self):
        model, method = "sales.coordination.kpi", "get_kpis"
        return self.post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": self.period, "kwargs": {}},
        )


def create_quotations(odoo, count):
    """``count`` quotations of one line each (one customer, one product)."""
    country = odoo.env["res.country"].search([("code", "=", "BE")], limit=1)
    partner = odoo.env["res.partner"].create(
        {
            "name": "Scale-out Bench Pet Wholesale",
            "is_company": True,
            "street": "1 Bench Street",
            "city": "Ghent",
            "country_id": country[0] if country else False,
        }
    )
    product = odoo.env["product.product"].create(
        {"name": "Scale-out kibble", "type": "consu", "sale_ok": True, "list_price": 9}
    )
    ids = []
    for start in range(0, count, 200):
        ids += odoo.env["sale.order"].create(
            [
                {
                    "partner_id": partner,
                    "client_order_ref": f"SCALE-{i}",
                    "order_line": [
                        (0, 0, {"product_id": product, "product_uom_qty": 1 + i % 50})
                    ],
                }
                for i in range(start, min(start + 200, count))
            ]
        )
    return ids


def warm_up(users, clients, order_ids, rounds=WARM_UP_ROUNDS):
    """Warm every server process up before measuring: all users and clients
    call at once, ``rounds`` times, so that each prefork worker (which has
    its own caches) has served both kinds of request, not only the first one
    a connection happened to reach."""

    def call(target):
        for _i in range(rounds):
            target()

    targets = [user.kpis for user in users]
    targets += [
        (lambda c=c: c.env["sale.order"].action_check_accuracy(order_ids))
        for c in clients
    ]
    threads = [threading.Thread(target=call, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run_load(args, urls, batches):
    """Run the bounded load against ``urls``; return the measured figures."""
    db = args.database
    password = args.password or args.login
    users = [
        DashboardUser(urls[i % len(urls)], db, args.login, password)
        for i in range(args.users)
    ]
    clients = [
        benchlib.connect(urls[i % len(urls)], db, "admin", args.admin_password)
        for i in range(args.batch_clients)
    ]
    warm_up(users, clients, batches[0][0][:10])
    kpi_times, batch_times, errors = [], [], []
    ends = {"dashboard": [], "batch": []}
    lock = threading.Lock()
    barrier = threading.Barrier(len(users) + len(clients) + 1)
    clock = benchlib.Timer()

    def dashboard(user):
        barrier.wait()
        for _i in range(args.requests):
            with benchlib.Timer() as timer:
                try:
                    user.kpis()
                except Exception as exc:  # noqa: BLE001 - counted and printed
                    errors.append(f"get_kpis: {exc}")
            with lock:
                kpi_times.append(timer.seconds)
        ends["dashboard"].append(benchlib.time.perf_counter())

    def checker(client, own):
        barrier.wait()
        for batch in own:
            with benchlib.Timer() as timer:
                try:
                    client.env["sale.order"].action_check_accuracy(batch)
                except Exception as exc:  # noqa: BLE001 - counted and printed
                    errors.append(f"action_check_accuracy: {exc}")
            with lock:
                batch_times.append(timer.seconds)
        ends["batch"].append(benchlib.time.perf_counter())

    threads = [threading.Thread(target=dashboard, args=(u,)) for u in users]
    threads += [
        threading.Thread(target=checker, args=(c, batches[i]))
        for i, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    with clock:
        for thread in threads:
            thread.join()
    started = clock.started
    figures = {"errors": errors}
    if kpi_times:
        wall = max(ends["dashboard"]) - started
        figures.update(
            kpi_rps=len(kpi_times) / wall,
            kpi_p50=benchlib.percentile(kpi_times, 0.5),
            kpi_p95=benchlib.percentile(kpi_times, 0.95),
        )
    if batch_times:
        wall = max(ends["batch"]) - started
        orders = sum(len(b) for own in batches for b in own)
        figures.update(
            orders_per_s=orders / wall,
            batch_p50=benchlib.percentile(batch_times, 0.5),
            batch_p95=benchlib.percentile(batch_times, 0.95),
        )
    return figures


def ratio(value, base):
    return f"{value / base:.2f}x" if value and base else "-"


def main():
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args()
    benchlib.import_odoo("bench_scale_out")
    import harness
    import pg_replica

    params = harness.pg_params()
    params.update(host=args.db_host, port=str(args.db_port))
    if args.db_user:
        params["user"] = args.db_user
    pg_ports = args.pg_ports or (harness.free_port(), harness.free_port())
    http_ports = args.http_ports or (harness.free_port(), harness.free_port())
    limits = ["--limit-time-real", str(args.time_limit)]
    limits += ["--limit-time-cpu", str(args.time_limit)]
    # No cron worker while measuring: (a) has none, and the crons of a freshly
    # copied database (all due at once) would load (b) and (c) only.
    limits += ["--max-cron-threads=0"]
    print(
        f"load: {args.users} dashboard users x {args.requests} get_kpis "
        f"(/web/dataset/call_kw) and {args.batch_clients} JSON-RPC clients x "
        f"{args.batches} batch(es) of {args.batch_size} accuracy checks"
    )
    with pg_replica.ReplicatedPair(params["user"], *pg_ports) as pair:
        with benchlib.Timer() as timer:
            pair.load(params, args.database)
            pair.start_replica()
        print(
            f"private primary :{pg_ports[0]} and replica :{pg_ports[1]} "
            f"ready in {timer.seconds:.0f} s"
        )
        per_client = args.batches * args.batch_size
        with benchlib.odoo_server(
            args.database, "threaded", http_ports[0], db_port=pair.primary.port
        ) as url:
            odoo = benchlib.connect(url, args.database, "admin", args.admin_password)
            with benchlib.Timer() as timer:
                ids = create_quotations(odoo, args.batch_clients * per_client)
            print(f"{len(ids)} quotations created in {timer.seconds:.0f} s")
        batches = [
            [
                ids[c * per_client + b * args.batch_size :][: args.batch_size]
                for b in range(args.batches)
            ]
            for c in range(args.batch_clients)
        ]
        results = []
        for label, mode, count, replica in SETUPS:
            with ExitStack() as stack:
                urls = [
                    stack.enter_context(
                        benchlib.odoo_server(
                            args.database,
                            mode,
                            http_ports[i],
                            db_port=pair.primary.port,
                            replica=("127.0.0.1", pair.replica.port)
                            if replica
                            else None,
                            extra=limits if mode == "prefork" else (),
                        )
                    )
                    for i in range(count)
                ]
                figures = run_load(args, urls, batches)
            results.append((label, figures))
            for error in figures["errors"][:5]:
                print(f"  {label}: error {error}")
            print(f"{label}: done")
    base = results[0][1]
    rows = []
    columns = [  # (figure, scale, format)
        ("kpi_rps", 1, ".1f"),
        ("kpi_p50", 1000, ".0f"),
        ("kpi_p95", 1000, ".0f"),
        ("orders_per_s", 1, ".0f"),
        ("batch_p50", 1, ".1f"),
        ("batch_p95", 1, ".1f"),
    ]
    for label, f in results:
        row = [label]
        for key, scale, fmt in columns:
            value = f.get(key)
            shown = "-" if value is None else format(scale * value, fmt)
            row.append(f"{shown} ({ratio(value, base.get(key))})")
        rows.append([*row, str(len(f["errors"]))])
    print()
    benchlib.print_table(
        [
            "setup",
            "dashboard req/s (vs a)",
            "p50 ms (vs a)",
            "p95 ms (vs a)",
            "orders checked/s (vs a)",
            "batch p50 s (vs a)",
            "batch p95 s (vs a)",
            "errors",
        ],
        rows,
    )
    return 1 if any(f["errors"] for _l, f in results) else 0


if __name__ == "__main__":
    sys.exit(main())

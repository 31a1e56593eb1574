"""The KPIs read by the dashboard run on a PostgreSQL read replica.

A private primary cluster gets a copy of the session's database, a streaming
replica of it is made with ``pg_basebackup -R`` on another port, and an Odoo
server is started with ``--db_replica_host``/``--db_replica_port`` (see
``tools/pg_replica.py``). Both clusters load ``pg_stat_statements``: each
one's own statistics say which statements it ran.

- The web client's calls (``/web/dataset/call_kw``) of the addon's
  ``@api.readonly`` methods run on the replica, and not on the primary.
- A write through the same route runs on the primary (and reaches the replica
  by streaming replication).
- Integrators' ``/jsonrpc`` and ``/xmlrpc`` calls of the same methods still
  work, on the primary.

Both clusters are stopped and deleted afterwards.
"""

import http.cookiejar
import json
import time
import urllib.request
import xmlrpc.client

import pg_replica
import psycopg2
import pytest
from conftest import harness, running_server

# The dashboard's read-only calls: (model, method, args, kwargs). Each must be
# @api.readonly; adding one is adding its line here.
DASHBOARD_READS = [
    ("sales.coordination.kpi", "get_kpis", ["2026-01-01", "2026-12-31"], {}),
    (
        "sales.coordination.kpi",
        "get_kpi_series",
        ["2026-01-01", "2026-12-31"],
        {"granularity": "month"},
    ),
    ("sales.coordination.kpi", "get_dashboard", [], {"period": "year"}),
]
# Statements that read the orders: every KPI family starts there.
ORDER_READS = "%sale_order%"


def statement_calls(port, db, pattern):
    """How many times this server ran statements matching ``pattern``, from
    its own pg_stat_statements."""
    conn = psycopg2.connect(
        host="127.0.0.1", port=port, dbname=db, user=harness.pg_params()["user"]
    )
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(
            "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s "
            "JOIN pg_database d ON d.oid = s.dbid "
            "WHERE d.datname = %s AND s.query ILIKE %s",
            [db, pattern],
        )
        (calls,) = cr.fetchone()
    conn.close()
    return int(calls)


class WebClient:
    """JSON requests with a session cookie, as the browser sends them."""

    def __init__(self, server):
        self.server = server
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def post(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        req = urllib.request.Request(
            self.server.url + path,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(req, timeout=120) as resp:
            data = json.loads(resp.read())
        assert "error" not in data, data.get("error")
        return data["result"]

    def login(self, login, password):
        self.post(
            "/web/session/authenticate",
            {"db": self.server.db, "login": login, "password": password},
        )

    def call_kw(self, model, method, args, kwargs=None):
        return self.post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )


@pytest.fixture(scope="module")
def replicated(odoo_server):
    """(server, primary port, replica port) of an Odoo on a replicated copy."""
    params = harness.pg_params()
    with pg_replica.ReplicatedPair(
        params["user"], harness.free_port(), harness.free_port()
    ) as pair:
        pair.load(params, odoo_server.db)
        pair.start_replica()
        with running_server(
            odoo_server.db,
            log_name="e2e-replica-server.log",
            db_port=pair.primary.port,
            replica=("127.0.0.1", pair.replica.port),
        ) as server:
            yield server, pair.primary.port, pair.replica.port


@pytest.fixture(scope="module")
def web(replicated):
    client = WebClient(replicated[0])
    client.login("manager", "manager")
    return client


@pytest.mark.parametrize(
    ("model", "method", "args", "kwargs"),
    DASHBOARD_READS,
    ids=[m for _model, m, _a, _k in DASHBOARD_READS],
)
def test_dashboard_reads_run_on_the_replica(
    web, replicated, model, method, args, kwargs
):
    server, primary, replica = replicated
    before = {
        port: statement_calls(port, server.db, ORDER_READS)
        for port in (primary, replica)
    }
    result = web.call_kw(model, method, args, kwargs)
    assert result, f"{method} returned nothing"
    after = {
        port: statement_calls(port, server.db, ORDER_READS)
        for port in (primary, replica)
    }
    assert after[replica] > before[replica], "no order read ran on the replica"
    assert after[primary] == before[primary], "order reads ran on the primary"


def test_writes_go_to_the_primary(web, replicated):
    server, primary, replica = replicated
    inserts = '%INSERT INTO "sales_support_request"%'
    before = {
        port: statement_calls(port, server.db, inserts) for port in (primary, replica)
    }
    name = f"Replica test {time.time_ns()}"
    request = web.call_kw("sales.support.request", "create", [{"name": name}])
    after = {
        port: statement_calls(port, server.db, inserts) for port in (primary, replica)
    }
    assert after[primary] == before[primary] + 1
    assert after[replica] == before[replica]
    # ... and reaches the replica by streaming replication.
    conn = psycopg2.connect(
        host="127.0.0.1",
        port=replica,
        dbname=server.db,
        user=harness.pg_params()["user"],
    )
    conn.autocommit = True
    deadline = time.time() + 30
    found = None
    with conn.cursor() as cr:
        while not found and time.time() < deadline:
            cr.execute(
                "SELECT name FROM sales_support_request WHERE id = %s", [request]
            )
            found = cr.fetchone()
            if not found:
                time.sleep(0.2)
        cr.execute("SELECT pg_is_in_recovery()")
        assert cr.fetchone()[0] is True, "the replica is not a standby"
    conn.close()
    assert found == (name,)


def test_integrator_rpc_reads_run_on_the_primary(replicated):
    server, primary, replica = replicated
    model, method, args, kwargs = DASHBOARD_READS[0]
    before = {
        port: statement_calls(port, server.db, ORDER_READS)
        for port in (primary, replica)
    }
    common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
    uid = common.authenticate(server.db, "manager", "manager", {})
    models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    by_xmlrpc = models.execute_kw(
        server.db, uid, "manager", model, method, args, kwargs
    )
    body = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": [server.db, uid, "manager", model, method, args, kwargs],
        },
    }
    req = urllib.request.Request(
        f"{server.url}/jsonrpc",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=120) as resp:
        by_jsonrpc = json.loads(resp.read())
    assert "error" not in by_jsonrpc, by_jsonrpc.get("error")
    assert by_jsonrpc["result"] == by_xmlrpc
    after = {
        port: statement_calls(port, server.db, ORDER_READS)
        for port in (primary, replica)
    }
    assert after[primary] > before[primary], "the RPC reads did not run on the primary"
    assert after[replica] == before[replica]

"""End-to-end fixtures: one fresh database and one live Odoo server per session.

The session fixture ``odoo_server`` creates a database with a random name,
installs ``sales_coordination`` with demo data into it, starts ``odoo`` on
127.0.0.1 and a free port, and afterwards stops the server and drops the
database. Every test file reuses that one server. ``prefork_pair`` adds two
prefork servers on the same database (the concurrency tests); every server
is started by ``running_server`` (threaded or prefork, optionally with a read
replica).

Environment variables (all optional):

- ``PGHOST`` / ``PGPORT`` / ``PGUSER`` / ``PGPASSWORD``: PostgreSQL
  (default 127.0.0.1:5432, current user);
- ``ODOO_ADDONS_PATH``: extra addons directories, comma-separated (as for
  ``bin/test``);
- ``SC_E2E_SERVER``: ``threaded`` (default) or ``prefork`` (``--workers 4
  --max-cron-threads 2``), the mode of the session's server;
- ``SC_E2E_TEMPLATE_DB``: copy this database (with Odoo's ``sale_management``,
  ``sale_crm`` and ``sale_stock`` already installed) instead of starting from
  an empty one; the addon is still installed fresh. A developer shortcut only.
"""

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import urllib.request
import xmlrpc.client
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDON = "sales_coordination"
LOG_DIR = ROOT / ".logs"
FOUR_ERRORS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
}

sys.path.insert(0, str(ROOT / "client"))
sys.path.insert(0, str(ROOT / "tools"))

import harness  # the preconditions bin/test checks too

# --------------------------------------------------------------------------
# pytest-odoo is installed for the unit tests; these tests do not load a
# registry in-process, they talk to a live server.
# --------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """Override pytest-odoo's fixture: no in-process registry here."""
    yield


def pytest_collection_modifyitems(config, items):
    """Run test_uninstall.py last: it removes the addon from the database."""
    items.sort(key=lambda item: item.path.name == "test_uninstall.py")


# --------------------------------------------------------------------------
# Preconditions: fail, never skip, with a message saying what to fix
# --------------------------------------------------------------------------


def require(check):
    """Run one of the harness's precondition checks; its one-line message
    becomes the failure (never a skip)."""
    try:
        return check()
    except harness.HarnessError as exc:
        pytest.fail(str(exc), pytrace=False)


def pg_connect(dbname="postgres"):
    import psycopg2

    params = harness.pg_params()
    try:
        conn = psycopg2.connect(dbname=dbname, connect_timeout=5, **params)
    except psycopg2.OperationalError as exc:
        problem = " ".join(str(exc).split())
        pytest.fail(
            f"PostgreSQL is not reachable at {params['host']}:{params['port']} as "
            f"{params['user']} ({problem}): start it, or set "
            "PGHOST/PGPORT/PGUSER/PGPASSWORD.",
            pytrace=False,
        )
    conn.autocommit = True
    return conn


def filestore(db):
    return Path.home() / ".local/share/Odoo/filestore" / db


def create_database(db):
    template = os.environ.get("SC_E2E_TEMPLATE_DB")
    if not template:
        return  # odoo -i creates it
    conn = pg_connect()
    with conn.cursor() as cr:
        cr.execute(f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
    conn.close()
    if filestore(template).is_dir():
        shutil.copytree(filestore(template), filestore(db))


def drop_database(db):
    """Drop the database and its filestore the harness's way (Odoo's own
    ``odoo db drop``)."""
    harness.drop_db(db)


def addon_installed(db):
    """odoo -i exits 0 even when a data file fails: check the module state."""
    conn = pg_connect(db)
    with conn.cursor() as cr:
        cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [ADDON])
        row = cr.fetchone()
    conn.close()
    return bool(row) and row[0] == "installed"


@dataclass
class OdooServer:
    url: str
    host: str
    port: int
    db: str
    admin_login: str = "admin"
    admin_password: str = "admin"
    mode: str = "threaded"


SERVER_MODES = harness.SERVER_MODES


def session_mode():
    """The session server's mode: ``SC_E2E_SERVER`` (threaded by default)."""
    mode = os.environ.get("SC_E2E_SERVER", "threaded")
    if mode not in SERVER_MODES:
        pytest.fail(
            f"SC_E2E_SERVER={mode!r}: use one of {', '.join(SERVER_MODES)}",
            pytrace=False,
        )
    return mode


@contextlib.contextmanager
def running_server(
    db,
    mode="threaded",
    log_name="e2e-server.log",
    db_port=None,
    replica=None,
    env=None,
):
    """Start ``odoo`` on 127.0.0.1 and a free port for ``db``; yield its
    OdooServer once it answers, and stop it afterwards.

    :param mode: a key of ``SERVER_MODES`` (``threaded`` or ``prefork``)
    :param db_port: the primary's port when not the harness's PostgreSQL
    :param replica: ``(host, port)`` of a read replica
        (``--db_replica_host``/``--db_replica_port``)
    :param env: extra environment variables of the server process
    """
    port = harness.free_port()
    try:
        with harness.serve(
            db,
            LOG_DIR / log_name,
            mode=mode,
            port=port,
            db_port=db_port,
            replica=replica,
            env=env,
        ) as url:
            yield OdooServer(url=url, host="127.0.0.1", port=port, db=db, mode=mode)
    except harness.HarnessError as error:
        pytest.fail(str(error), pytrace=False)


def install_addon(db, log_name="e2e-install.log"):
    """Install the addon (and the test addon) with demo data into ``db``."""
    LOG_DIR.mkdir(exist_ok=True)
    with open(LOG_DIR / log_name, "w") as log:
        install = subprocess.run(
            harness.odoo_cmd(
                db,
                "-i",
                f"{ADDON},{harness.TEST_ADDON},{harness.TEST_CHECK_ADDON},"
                f"{harness.TEST_TRIGGER_ADDON}",
                "--stop-after-init",
                "--no-http",
                "--log-level=warn",
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if install.returncode or not addon_installed(db):
        pytest.fail(
            f"installing {ADDON} into {db} failed (exit {install.returncode}); "
            f"see .logs/{log_name}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def odoo_server():
    """A live Odoo 18 server with a fresh database holding the addon and demo
    (threaded, or prefork when ``SC_E2E_SERVER=prefork``)."""
    require(harness.check_odoo)  # Odoo 18.0, importable with psycopg2
    require(harness.check_postgres)  # reachable, version 13 or later
    mode = session_mode()
    db = f"sc_e2e_{secrets.token_hex(4)}"
    create_database(db)
    try:
        install_addon(db)
        with running_server(db, mode=mode) as server:
            yield server
    finally:
        drop_database(db)


@pytest.fixture(scope="session")
def prefork_pair(odoo_server):
    """Two prefork servers (4 workers and 2 cron workers each) on the session
    database, as behind a load balancer. ODOO_NOTIFY_CRON_CHANGES makes a
    change of a cron's next call wake the cron workers at once (Odoo's own
    switch), so tests need not wait for their minute of sleep."""
    env = {"ODOO_NOTIFY_CRON_CHANGES": "1"}
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(
                running_server(
                    odoo_server.db,
                    mode="prefork",
                    log_name=f"e2e-prefork-{index}.log",
                    env=env,
                )
            )
            for index in (1, 2)
        ]
        yield servers


# --------------------------------------------------------------------------
# Clients: odoorpc (through our client package), xmlrpc.client, the CLI
# --------------------------------------------------------------------------


def connect_to(server, login, password=None, api_key=None):
    """A logged-in odoorpc.ODOO on ``server`` (an OdooServer)."""
    from sales_coordination_client import connect as client_connect

    return client_connect(
        server.url, server.db, login, password=password, api_key=api_key, timeout=300
    )


@pytest.fixture(scope="session")
def connect(odoo_server):
    """connect(login, password=None, api_key=None) -> logged-in odoorpc.ODOO."""

    def _connect(login, password=None, api_key=None):
        return connect_to(odoo_server, login, password=password, api_key=api_key)

    return _connect


@pytest.fixture(scope="session")
def admin(connect, odoo_server):
    return connect(odoo_server.admin_login, odoo_server.admin_password)


class XmlRpc:
    """A plain xmlrpc.client session, as an integrator would write it
    (``allow_none=False``: exactly the standard library's default)."""

    def __init__(self, server, login, password, allow_none=True):
        self.db = server.db
        self.password = password
        common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
        self.uid = common.authenticate(server.db, login, password, {})
        assert self.uid, f"{login} cannot log in"
        self.models = xmlrpc.client.ServerProxy(
            f"{server.url}/xmlrpc/2/object", allow_none=allow_none
        )

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


@pytest.fixture(scope="session")
def xmlrpc_as(odoo_server):
    def _as(login, password):
        return XmlRpc(odoo_server, login, password)

    return _as


@pytest.fixture(scope="session")
def cli(odoo_server):
    """cli(*args, login=, password=, api_key=) -> CompletedProcess."""

    def _run(*args, login="admin", password="admin", api_key=None, env=None):
        full_env = dict(os.environ)
        for key in ("SC_URL", "SC_DB", "SC_LOGIN", "SC_PASSWORD", "SC_API_KEY"):
            full_env.pop(key, None)
        full_env.update(
            SC_URL=odoo_server.url,
            SC_DB=odoo_server.db,
            SC_LOGIN=login,
            PYTHONPATH=os.pathsep.join(
                p for p in (str(ROOT / "client"), os.environ.get("PYTHONPATH")) if p
            ),
        )
        if api_key:
            full_env["SC_API_KEY"] = api_key
        elif password:
            full_env["SC_PASSWORD"] = password
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "sales_coordination_client", *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=600,
            check=False,
        )

    return _run


# --------------------------------------------------------------------------
# Helpers shared by the test files
# --------------------------------------------------------------------------


def _json_caller(connect, login):
    odoo = connect(login, login)

    def call(model, method, *args, **kwargs):
        return odoo.execute_kw(model, method, list(args), kwargs)

    return call


@pytest.fixture(params=["jsonrpc", "xmlrpc"])
def as_user(request, connect, odoo_server):
    """as_user(login)(model, method, *args, **kwargs), over either protocol:
    odoorpc's JSON-RPC, or a plain xmlrpc.client without ``allow_none``."""

    def _as(login):
        if request.param == "xmlrpc":
            return XmlRpc(odoo_server, login, login, allow_none=False)
        return _json_caller(connect, login)

    return _as


@pytest.fixture
def as_json(connect):
    """as_user over JSON-RPC only: for values XML-RPC cannot carry (10**400,
    null)."""
    return lambda login: _json_caller(connect, login)


def rpc_error_name(exc):
    """The Odoo exception class of an odoorpc RPCError, e.g.
    ``odoo.exceptions.UserError``; for an ``xmlrpc.client.Fault`` from
    ``/xmlrpc/2``, a family: ``user`` (UserError, ValidationError,
    MissingError: fault code 2), ``access`` (AccessError: 4), ``denied`` (3),
    else the fault string's last line (an internal error, fault code 1)."""
    if isinstance(exc, xmlrpc.client.Fault):
        families = {2: "user", 3: "denied", 4: "access"}
        if exc.faultCode in families:
            return families[exc.faultCode]
        return (str(exc.faultString).strip().splitlines() or [""])[-1]
    info = getattr(exc, "info", None) or {}
    return (info.get("data") or {}).get("name", "")


def is_clear_error(exc):
    """True when the error is one of the four clear business errors."""
    name = rpc_error_name(exc)
    return name in FOUR_ERRORS or name in ("user", "access")


# rpc_error_name() of an AccessError, and of a UserError or ValidationError,
# over either protocol.
ACCESS = ("odoo.exceptions.AccessError", "access")
USER = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError", "user")


class DatabaseWatch:
    """Proof that calls change nothing: (row count, last id, last write) of
    each watched table before and after (``missing`` for an absent table)."""

    def __init__(self, tables):
        self.tables = list(tables)

    def snapshot(self, odoo_server):
        conn = db_connect(odoo_server)
        state = {}
        with conn.cursor() as cr:
            for table in self.tables:
                cr.execute("SELECT to_regclass(%s)", [table])
                if cr.fetchone()[0] is None:
                    state[table] = "missing"
                    continue
                cr.execute(f"SELECT count(*), max(id), max(write_date) FROM {table}")
                state[table] = cr.fetchone()
        conn.close()
        return state

    def changed(self, before, after):
        """{table: (before, after)} of the tables that changed."""
        return {t: (before[t], after[t]) for t in self.tables if before[t] != after[t]}

    def refused(self, odoo_server, call, *args, **kwargs):
        """Run a call that must fail with a clear error and change nothing;
        return the error's name (see rpc_error_name)."""
        from odoorpc.error import RPCError

        before = self.snapshot(odoo_server)
        with pytest.raises((RPCError, xmlrpc.client.Fault)) as info:
            call(*args, **kwargs)
        assert is_clear_error(info.value), f"unclear error: {info.value}"
        assert self.snapshot(odoo_server) == before, "the database changed"
        return rpc_error_name(info.value)

    def found_nothing(self, odoo_server, call, *args, **kwargs):
        """Run a call that must succeed and change nothing; return its result."""
        before = self.snapshot(odoo_server)
        result = call(*args, **kwargs)
        assert self.snapshot(odoo_server) == before, "the database changed"
        return result


def xmlid(odoo, full_id):
    module, name = full_id.split(".", 1)
    rows = odoo.env["ir.model.data"].search_read(
        [("module", "=", module), ("name", "=", name)], ["res_id"]
    )
    assert rows, f"no record with XML id {full_id}"
    return rows[0]["res_id"]


def make_user(admin, login, groups, company_id=None, name=None):
    """Create (or find) an internal user with a password equal to its login."""
    Users = admin.env["res.users"]
    found = Users.search([("login", "=", login)])
    if found:
        return found[0]
    group_ids = [xmlid(admin, g) for g in ["base.group_user", *groups]]
    vals = {
        "name": name or login.replace("_", " ").title(),
        "login": login,
        "password": login,
        "email": f"{login}@example.com",
        "groups_id": [(6, 0, group_ids)],
    }
    if company_id:
        vals.update(company_id=company_id, company_ids=[(6, 0, [company_id])])
    return Users.create(vals)


def make_api_key(odoo_server, login, password, name="e2e key"):
    """Create an API key the way the web client does (Preferences > Account
    Security > New API Key): a web session, the key wizard, the identity check.
    """
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())

    def call(path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        req = urllib.request.Request(
            odoo_server.url + path,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with opener.open(req, timeout=60) as resp:
            data = json.loads(resp.read())
        assert "error" not in data, data.get("error")
        return data["result"]

    def call_kw(model, method, args, kwargs=None):
        return call(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    call(
        "/web/session/authenticate",
        {"db": odoo_server.db, "login": login, "password": password},
    )
    # As the web client does: its create() takes no @api decorator.
    wizard = call_kw(
        "res.users.apikeys.description",
        "web_save",
        [[], {"name": name, "duration": "1"}],
        {"specification": {}},
    )[0]["id"]
    action = call_kw("res.users.apikeys.description", "make_key", [[wizard]])
    if action.get("res_model") == "res.users.identitycheck":
        check = action["res_id"]
        call_kw("res.users.identitycheck", "write", [[check], {"password": password}])
        action = call_kw("res.users.identitycheck", "run_check", [[check]])
    return action["context"]["default_key"]


def new_order(odoo, partner_id, lines, **vals):
    """Create a quotation; lines are (product_id, qty, price_unit or None)."""
    order_lines = []
    for product_id, qty, price in lines:
        line = {"product_id": product_id, "product_uom_qty": qty}
        if price is not None:
            line["price_unit"] = price
        order_lines.append((0, 0, line))
    return odoo.env["sale.order"].create(
        {"partner_id": partner_id, "order_line": order_lines, **vals}
    )


def unique(prefix):
    return f"{prefix} {secrets.token_hex(3)}"


def new_customer(admin, name=None, complete=True, **vals):
    """A customer company with its own name (so orders of different tests never
    look like duplicates), a full address unless ``complete`` is False, and the
    demo coordinator and administrator as owners."""
    users = admin.env["res.users"]
    values = {
        "name": name or unique("E2E Pet Store"),
        "is_company": True,
        "sales_coordinator_id": users.search([("login", "=", "coordinator")])[0],
        "sales_administrator_id": users.search([("login", "=", "administrator")])[0],
    }
    if complete:
        values.update(
            street="1 Kibble Lane",
            city="Ghent",
            country_id=xmlid(admin, "base.be"),
        )
    values.update(vals)
    return admin.env["res.partner"].create(values)


def new_product(admin, price=10.0, **vals):
    return admin.env["product.product"].create(
        {
            "name": unique("E2E Dog Food 12 kg"),
            "type": "consu",
            "sale_ok": True,
            "list_price": price,
            **vals,
        }
    )


def clean_order_vals(admin):
    """Order values that pass the data rules: a PO number and a payment term."""
    terms = admin.env["account.payment.term"].search([], limit=1)
    return {
        "client_order_ref": unique("PO"),
        "payment_term_id": terms[0] if terms else False,
    }


def db_connect(odoo_server):
    return pg_connect(odoo_server.db)

"""Run the demo or the whole test suite of sales_coordination.

Called by ``bin/run`` and ``bin/test`` (see README.md). Standard library only:
it must work on a machine that has Python and git and nothing else. When the
running ``python3`` has no Odoo 18 or nothing answers at ``PGHOST``/``PGPORT``,
``bootstrap.py`` sets them up first (``.venv/``, ``.cache/``).

Environment variables (all optional):

- ``PGHOST`` / ``PGPORT`` / ``PGUSER`` / ``PGPASSWORD``: PostgreSQL connection
  (default 127.0.0.1:5432, current user, no password);
- ``SC_DB``: database used by ``bin/run`` (default ``sales_coordination``);
- ``SC_HTTP_PORT``: port of ``bin/run`` (default 8069);
- ``SC_TEST_DB``: prefix of the throw-away test databases (default ``sc_test``);
- ``ODOO_ADDONS_PATH``: extra addons directories, comma-separated;
- ``ODOO_SRC``, ``ODOO_REPO``, ``ODOO_REF``: where ``bootstrap.py`` takes Odoo
  from when the running ``python3`` does not import Odoo 18.0.
"""

import argparse
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bootstrap

ROOT = Path(__file__).resolve().parent.parent
ADDON = "sales_coordination"
# A test-only addon (other addons' required fields), installed with ADDON by
# the test command: its directory is on the addons path.
TEST_ADDONS = ROOT / ADDON / "tests" / "addons"
TEST_ADDON = "sales_coordination_test_required_fields"
# A test-only check type added the way another addon would (the contract of
# the README's architecture section), installed and tested with ADDON too.
TEST_CHECK_ADDON = "sales_coordination_test_check_type"
# A test-only follow-up trigger added through the hooks only (the contract of
# the README's architecture section), installed and tested with ADDON too.
TEST_TRIGGER_ADDON = "sales_coordination_test_followup_trigger"
# The OCA addons an integrator runs beside ours: their 18.0 wheels (listed in
# OCA_REQUIREMENTS) go to OCA_ADDONS_TARGET (`pip install --no-deps --target`,
# never into the Python that runs Odoo), OCA's test helper (which their test
# modules import, and Odoo imports every installed addon's tests) to
# OCA_PYTHON_TARGET, on the PYTHONPATH of that step only. OCA_INSTALL are
# installed with demo data beside ours, which brings their bases
# (OCA_MODULES) and the bridge to mail_activity_team (BRIDGE_ADDON,
# auto-installed); our whole suite runs there, with the bridge's tests and
# OCA_TEST_ADDON (an order their exception rules and our checks both block).
OCA_REQUIREMENTS = ROOT / "bench" / "requirements-oca.txt"
OCA_MODULES = (
    "base_exception",
    "sale_exception",
    "base_tier_validation",
    "sale_tier_validation",
    "mail_activity_team",
)
OCA_INSTALL = ("sale_exception", "sale_tier_validation", "mail_activity_team")
OCA_TEST_HELPER = "odoo-test-helper"
OCA_ADDONS_TARGET = ROOT / ".cache" / "oca-addons"
OCA_PYTHON_TARGET = ROOT / ".cache" / "oca-python"
OCA_TEST_ADDON = "sales_coordination_test_oca_exception"
BRIDGE_ADDON = "sales_coordination_activity_team"
LOG_DIR = ROOT / ".logs"
DEMO_LOGINS = [
    ("Sales Coordinator", "coordinator", "coordinator"),
    ("Sales Administrator", "administrator", "administrator"),
    ("Coordination Manager", "manager", "manager"),
    ("Sales Coordinator", "coordinator2", "coordinator2"),
    ("Salesperson", "salesrep", "salesrep"),
    ("Odoo administrator", "admin", "admin"),
]


class HarnessError(Exception):
    """A problem the user has to fix; printed as one line."""


# --------------------------------------------------------------------------
# Preconditions
# --------------------------------------------------------------------------


def pg_params():
    return {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER") or _current_user(),
        "password": os.environ.get("PGPASSWORD", ""),
    }


def _current_user():
    import getpass

    return getpass.getuser()


def check_odoo():
    code = "import odoo.release as r; print(r.version)"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    version = proc.stdout.strip()
    if proc.returncode != 0:
        raise HarnessError(
            "Odoo is missing: `python3 -c 'import odoo'` fails. Install Odoo 18.0 "
            "into this python3 (see README, Requirements) and run this again."
        )
    if not version.startswith("18.0"):
        raise HarnessError(
            f"Odoo {version} found, but sales_coordination needs Odoo 18.0: "
            "install Odoo 18.0 into this python3 and run this again."
        )
    return version


def check_postgres():
    params = pg_params()
    code = (
        "import psycopg2, sys\n"
        "try:\n"
        "    c = psycopg2.connect(host=sys.argv[1], port=sys.argv[2],"
        " user=sys.argv[3], password=sys.argv[4], dbname='postgres',"
        " connect_timeout=5)\n"
        "except Exception as e:\n"
        "    sys.exit(str(e).strip().splitlines()[0])\n"
        "print(c.server_version)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *params.values()],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no answer"])[-1]
        raise HarnessError(
            f"PostgreSQL is not reachable at {params['host']}:{params['port']} as "
            f"{params['user']} ({last}): start it, or set PGHOST/PGPORT/PGUSER."
        )
    version = int(proc.stdout.strip())
    if version < 130000:
        raise HarnessError(
            f"PostgreSQL {version // 10000} found; sales_coordination needs "
            "PostgreSQL 13 or later."
        )
    return version


def ensure_python_deps(dev=True):
    req = ROOT / ("requirements-dev.txt" if dev else "requirements.txt")
    stamp = deps_stamp(req)
    if stamp.exists() and stamp.read_text() == deps_signature(req):
        print(f"• Python dependencies from {req.name}: installed before", flush=True)
        return
    cmd = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    cmd += ["-r", str(req)]
    step = bootstrap.Step(f"installing Python dependencies from {req.name}")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise HarnessError(
            f"pip could not install {req.name}: see the output above, fix the "
            "network or the package index, and run this again."
        )
    stamp.parent.mkdir(exist_ok=True)
    stamp.write_text(deps_signature(req))
    step.done()


def deps_stamp(req):
    """Where a successful install of ``req`` into this python is remembered, so
    that a second run needs no network (``rm -rf .cache`` forgets it)."""
    import hashlib

    # A venv made again at the same path is another environment.
    where = f"{sys.executable} {Path(sys.prefix).stat().st_ino}"
    key = hashlib.sha256(where.encode()).hexdigest()[:12]
    return ROOT / ".cache" / f"deps-{req.stem}-{key}.stamp"


def deps_signature(req):
    files = [req, ROOT / "requirements.txt", ROOT / "client" / "pyproject.toml"]
    return "".join(f"{p.name}\n{p.read_text()}\n" for p in files if p.exists())


def find_chromium():
    for name in (
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ):
        path = shutil.which(name)
        if path:
            return path
    return None


def ensure_chromium():
    path = find_chromium()
    if path:
        return path
    apt = shutil.which("apt-get")
    if apt and os.geteuid() == 0:
        print("• installing Chromium from the Debian packages …", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for cmd in ([apt, "update", "-qq"], [apt, "install", "-y", "-qq", "chromium"]):
            subprocess.run(cmd, env=env, capture_output=True, check=False)
        path = find_chromium()
        if path:
            return path
    raise HarnessError(
        "Chromium is missing and could not be installed: run "
        "`sudo apt-get install chromium` and run this again (tours need it)."
    )


def addons_path(extra_dirs=()):
    """Odoo's addons, ``ODOO_ADDONS_PATH``, the repository (the addon and its
    bridge) and the test-only addons; ``extra_dirs`` last."""
    import importlib.util

    spec = importlib.util.find_spec("odoo")
    odoo_dir = Path(spec.origin).parent
    paths = [odoo_dir / "addons", odoo_dir.parent / "addons"]
    extra = [Path(p) for p in os.environ.get("ODOO_ADDONS_PATH", "").split(",") if p]
    result = [p for p in [*extra, *paths] if p.is_dir()]
    result.append(ROOT)
    result.append(TEST_ADDONS)
    result.extend(Path(p) for p in extra_dirs)
    return ",".join(str(p) for p in dict.fromkeys(result))


def child_env(extra=None):
    """The environment of everything the harness starts: this Python's
    scripts directory first on the PATH (``.venv/bin`` after a bare-machine
    bootstrap, where ``pip`` installed the ``sales-coordination`` command
    line), then the caller's; ``extra`` on top."""
    scripts = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if path.split(os.pathsep)[0] != scripts:
        path = os.pathsep.join([scripts, path]) if path else scripts
    return {**os.environ, "PATH": path, **(extra or {})}


def odoo_cmd(db, *args, extra_addons=()):
    params = pg_params()
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "--database",
        db,
        "--db_host",
        params["host"],
        "--db_port",
        params["port"],
        "--db_user",
        params["user"],
        "--addons-path",
        addons_path(extra_addons),
        "--db-filter",
        f"^{re.escape(db)}$",
    ]
    if params["password"]:
        cmd += ["--db_password", params["password"]]
    return cmd + list(args)


def odoo_server_cmd(db, *args):
    """``odoo_cmd`` for a server: through tools/odoo_launcher.py instead of
    ``-m odoo``, so that a prefork server can start its websocket process."""
    cmd = odoo_cmd(db, *args)
    assert cmd[1:3] == ["-m", "odoo"]
    return [cmd[0], str(ROOT / "tools" / "odoo_launcher.py"), *cmd[3:]]


# How the servers of the tests and benchmarks run. Threaded: every request
# gets its own thread and cursor, so concurrent requests really overlap
# transactions; no cron thread, so nothing runs behind a test's back.
# Prefork: the production setting of docs/deploy.md, 4 HTTP worker processes
# and 2 cron workers.
SERVER_MODES = {
    "threaded": ["--workers=0", "--max-cron-threads=0"],
    "prefork": ["--workers=4", "--max-cron-threads=2"],
}


def stop_process(proc):
    """Terminate ``proc``; kill it when it is still there after a minute."""
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def serve(
    db,
    log_path,
    mode="threaded",
    port=None,
    db_port=None,
    replica=None,
    env=None,
    extra=(),
    timeout=180,
):
    """Start an Odoo server for ``db`` on 127.0.0.1 (``port``, or a free one),
    its output in ``log_path``; yield its URL once it answers, and stop it
    afterwards. The one way the tests (``tests/conftest.py``) and the
    benchmarks (``bench/benchlib.py``) start servers.

    :param mode: a key of ``SERVER_MODES``
    :param db_port: the primary's port when not ``PGPORT``'s (the last
        ``--db_port`` on the command line wins)
    :param replica: ``(host, port)`` of a read replica
        (``--db_replica_host``/``--db_replica_port``)
    :param env: extra environment variables of the server process
    :param extra: more command-line options
    :raise HarnessError: when the server exits or does not answer in time
    """
    if mode not in SERVER_MODES:
        raise HarnessError(f"unknown server mode {mode!r}: {', '.join(SERVER_MODES)}")
    port = port or free_port()
    args = ["--http-interface", "127.0.0.1", "--http-port", str(port)]
    args += [*SERVER_MODES[mode], "--log-level=warn"]
    if mode == "prefork":
        # Each server its own websocket (gevent) port: two may run at once.
        args += ["--gevent-port", str(free_port())]
    if db_port:
        args += ["--db_port", str(db_port)]
    if replica:
        args += ["--db_replica_host", replica[0], "--db_replica_port", str(replica[1])]
    url = f"http://127.0.0.1:{port}"
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            odoo_server_cmd(db, *args, *extra),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=child_env(env),
        )
        try:
            if not wait_http(url, proc, timeout=timeout):
                raise HarnessError(f"Odoo did not answer on {url}; see {log_path}")
            yield url
        finally:
            stop_process(proc)


def psql(sql, db="postgres"):
    """Run one statement through psycopg2 (shipped with Odoo); return rows."""
    code = (
        "import json, psycopg2, sys\n"
        "c = psycopg2.connect(host=sys.argv[1], port=sys.argv[2], user=sys.argv[3],"
        " password=sys.argv[4], dbname=sys.argv[5])\n"
        "c.autocommit = True\n"
        "cr = c.cursor(); cr.execute(sys.argv[6])\n"
        "print(json.dumps(cr.fetchall() if cr.description else []))\n"
    )
    params = pg_params()
    proc = subprocess.run(
        [sys.executable, "-c", code, *params.values(), db, sql],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise HarnessError(
            f"SQL failed on {db}: {proc.stderr.strip().splitlines()[-1]}"
        )
    import json

    return json.loads(proc.stdout)


def drop_db(db):
    """Drop ``db`` and its filestore with Odoo's own ``odoo db drop`` (which
    closes the other connections first); nothing when it does not exist."""
    if not db_exists(db):
        return
    params = pg_params()
    cmd = [sys.executable, "-m", "odoo", "db", "--db_host", params["host"]]
    cmd += ["--db_port", params["port"], "--db_user", params["user"]]
    if params["password"]:
        cmd += ["--db_password", params["password"]]
    proc = subprocess.run(
        [*cmd, "drop", db], capture_output=True, text=True, check=False, env=child_env()
    )
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines() or ["no output"]
        raise HarnessError(f"cannot drop database {db}: {lines[-1]}")


def db_exists(db):
    return bool(psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------
# bin/run
# --------------------------------------------------------------------------


def cmd_run(args):
    check_odoo()
    check_postgres()
    ensure_python_deps(dev=False)
    db = os.environ.get("SC_DB", "sales_coordination")
    port = int(os.environ.get("SC_HTTP_PORT", "8069"))
    installed = False
    if db_exists(db):
        rows = psql(f"SELECT state FROM ir_module_module WHERE name = '{ADDON}'", db=db)
        installed = bool(rows) and rows[0][0] == "installed"
    step = "-u" if installed else "-i"
    t0 = time.time()
    returncode = bootstrap.run_odoo_with_progress(
        odoo_cmd(db, step, ADDON, "--stop-after-init", "--log-level=info"),
        f"{'updating' if installed else 'installing'} {ADDON} "
        f"{'in' if installed else 'with demo data into'} database {db!r}",
        LOG_DIR / "run-install.log",
    )
    if returncode != 0:
        raise HarnessError(
            f"installing {ADDON} into {db!r} failed: see .logs/run-install.log."
        )
    print(f"• ready in {time.time() - t0:.0f} s", flush=True)
    server = subprocess.Popen(
        odoo_cmd(
            db,
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(port),
            "--log-level=warn",
        ),
        env=child_env(),
    )
    import signal

    def _stop(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    url = f"http://127.0.0.1:{port}"
    if not wait_http(url, server, timeout=120):
        server.terminate()
        raise HarnessError(
            f"Odoo did not answer on {url}: is the port taken? Set SC_HTTP_PORT."
        )
    print(f"\nSales Coordination is running on {url}/odoo (database {db!r})")
    print("Demo logins (login / password):")
    for role, login, password in DEMO_LOGINS:
        print(f"  {role:<22} {login} / {password}")
    print_cli_hint(url, db)
    print("Press Ctrl+C to stop.\n", flush=True)
    try:
        return server.wait()
    except KeyboardInterrupt:
        try:  # Ctrl+C reached Odoo too: let it shut down gracefully first
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.terminate()
            server.wait()
        return 0


def print_cli_hint(url, db):
    """How to call the sales-coordination CLI (installed with requirements.txt
    into this python's environment) against the running demo."""
    import sysconfig

    cli = Path(sysconfig.get_path("scripts")) / "sales-coordination"
    try:
        shown = cli.relative_to(Path.cwd())
    except ValueError:
        shown = cli
    print("The command line, installed in the same environment:")
    print(
        f"  {shown} --url {url} --db {db} --login coordinator "
        "--password coordinator check-orders"
    )
    print(f"  ({shown} --help lists the commands)")


def wait_http(url, proc=None, timeout=60):
    """Wait until the server answers anything at all on ``url``."""
    import urllib.error
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url + "/web/login", timeout=5):
                return True
        except urllib.error.HTTPError:
            return True  # the server answered, even if with an error page
        except OSError:
            time.sleep(0.5)
    return False


# --------------------------------------------------------------------------
# bin/test
# --------------------------------------------------------------------------

RESULT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
# "=== 3 passed in 1.0s ===", or with -q just "3 passed in 1.0s (0:00:01)".
PYTEST_RE = re.compile(r"^=*\s*(\d+ \w+.*?) in [\d.]+s", re.MULTILINE)


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.lines = []

    def add(self, step, passed, failed, detail=""):
        self.passed += passed
        self.failed += failed
        status = "ok" if not failed else "FAILED"
        self.lines.append(
            f"  {step:<44} {passed:>4} passed {failed:>3} failed  {status} {detail}"
        )
        print(f"• {step}: {passed} passed, {failed} failed {detail}", flush=True)


def run_logged(cmd, log_name, env=None, cwd=ROOT):
    """Run ``cmd`` with its output in ``.logs/log_name`` (the bootstrap's one
    reading loop); return (exit code, output, seconds)."""
    t0 = time.time()
    rc, output = bootstrap.stream_output(
        cmd, LOG_DIR / log_name, lambda _line: None, env=env or child_env(), cwd=cwd
    )
    return rc, output, time.time() - t0


def step_odoo_tests(tally, db):
    """Install with demo data and --test-enable: at_install, post_install, tours."""
    drop_db(db)
    rc, log, secs = run_logged(
        odoo_cmd(
            db,
            "-i",
            f"{ADDON},{TEST_ADDON},{TEST_CHECK_ADDON},{TEST_TRIGGER_ADDON}",
            "--test-enable",
            "--test-tags",
            f"/{ADDON},/{TEST_ADDON},/{TEST_CHECK_ADDON},/{TEST_TRIGGER_ADDON}",
            "--stop-after-init",
            "--http-port",
            str(free_port()),
            "--http-interface",
            "127.0.0.1",
            "--log-level=info",
        ),
        "odoo-tests.log",
    )
    passed, bad = odoo_results(log, rc)
    tally.add(
        "Odoo runner (install with demo, --test-enable)",
        passed,
        bad,
        f"({secs:.0f} s, log .logs/odoo-tests.log)",
    )


def odoo_results(log, rc, problems=()):
    """Read the Odoo test runner's ``log`` (and exit code ``rc``): print its
    errors and problems, return ``(passed, failed)`` where a skipped test, a
    run without a result line or without any test, and an exit code without a
    failure each count as a failure (``problems``: the caller's own)."""
    problems = list(problems)
    matches = RESULT_RE.findall(log)
    skipped = re.findall(r"skipped (.*?) : (.*)", log)
    if not matches:
        problems.append("no test result line (install failed?)")
        failed, errors, total = 0, 0, 0
    else:
        failed, errors, total = (int(x) for x in matches[-1])
    if matches and total == 0:
        problems.append("no test ran")
    problems += [f"skipped {name}: {why}" for name, why in skipped]
    if rc != 0 and not (failed or errors):
        problems.append(f"odoo exited with {rc}")
    for line in re.findall(r"^.* (?:ERROR|CRITICAL) .*$", log, re.MULTILINE)[:20]:
        print("    " + line[:300])
    for problem in problems:
        print("    " + problem)
    passed = max(total - failed - errors - len(skipped), 0)
    return passed, failed + errors + len(skipped) + (
        1 if problems and not skipped else 0
    )


def step_nodemo_install(tally, db):
    """Install without demo data and run the plain-install tests (tag
    ``sc_plain``) there: every rule on a database with no optional setting."""
    drop_db(db)
    rc, log, secs = run_logged(
        odoo_cmd(
            db,
            "-i",
            ADDON,
            "--without-demo=all",
            "--test-enable",
            "--test-tags",
            "sc_plain",
            "--stop-after-init",
            "--no-http",
            "--log-level=info",
        ),
        "odoo-nodemo.log",
    )
    problems = []
    try:
        state = psql(f"SELECT state FROM ir_module_module WHERE name = '{ADDON}'", db)
        demo = psql(
            "SELECT count(*) FROM ir_model_data WHERE module = "
            f"'{ADDON}' AND name = 'res_users_coordinator_demo'",
            db,
        )
    except HarnessError as exc:
        state = demo = None
        problems.append(str(exc))
    if state != [["installed"]] or demo != [[0]]:
        problems.append("not installed, or installed with demo data")
    passed, bad = odoo_results(log, rc, problems)
    tally.add(
        "install without demo data, sc_plain tests",
        passed,
        bad,
        f"({secs:.0f} s, log .logs/odoo-nodemo.log)",
    )
    drop_db(db)


def install_oca_wheels():
    """Install the OCA wheels of OCA_REQUIREMENTS into OCA_ADDONS_TARGET and
    OCA's test helper into OCA_PYTHON_TARGET, with ``pip install --no-deps
    --upgrade --target``. Every wheel goes in one pip call: pip's ``--target``
    leaves a top-level directory that is already there alone unless
    ``--upgrade``, which replaces it whole, and the addons share ``odoo/``;
    so a second run gives the same directories. Return (the addons directory,
    the problems: a failed pip call, a module missing after it)."""
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--upgrade"]
    problems = []
    for target, requirement in (
        (OCA_ADDONS_TARGET, ["-r", str(OCA_REQUIREMENTS)]),
        (OCA_PYTHON_TARGET, [OCA_TEST_HELPER]),
    ):
        rc, log, _secs = run_logged(
            [*pip, "--target", str(target), *requirement], f"pip-{target.name}.log"
        )
        if rc != 0:
            tail = log.strip().splitlines()[-5:]
            problems.append(
                f"pip install --target {target.relative_to(ROOT)} "
                f"{' '.join(requirement)} failed (log .logs/pip-{target.name}.log)"
            )
            problems += ["  " + line for line in tail]
    addons = OCA_ADDONS_TARGET / "odoo" / "addons"
    problems += [
        f"{module} is missing from {addons.relative_to(ROOT)}"
        for module in OCA_MODULES
        if not (addons / module / "__manifest__.py").is_file()
    ]
    if not (OCA_PYTHON_TARGET / "odoo_test_helper").is_dir():
        problems.append(f"{OCA_TEST_HELPER} is missing from .cache/oca-python")
    return addons, problems


def step_beside_oca(tally, db):
    """Our whole suite beside OCA's sale_exception, sale_tier_validation and
    mail_activity_team (their wheels, installed with demo data on a fresh
    database), with the tests of the bridge to mail_activity_team (which
    must install by itself) and of OCA_TEST_ADDON. A wheel that cannot be
    installed is a failure, never a skip."""
    label = f"suite beside OCA {', '.join(OCA_INSTALL)}"
    t0 = time.time()
    oca_addons, problems = install_oca_wheels()
    if problems:
        print("\n".join("    " + line for line in problems))
        tally.add(label, 0, 1, "(OCA wheels could not be installed)")
        return
    drop_db(db)
    python_path = os.pathsep.join(
        p for p in (str(OCA_PYTHON_TARGET), os.environ.get("PYTHONPATH")) if p
    )
    rc, log, _secs = run_logged(
        odoo_cmd(
            db,
            "-i",
            ",".join(
                [
                    ADDON,
                    TEST_ADDON,
                    TEST_CHECK_ADDON,
                    TEST_TRIGGER_ADDON,
                    *OCA_INSTALL,
                    OCA_TEST_ADDON,
                ]
            ),
            "--test-enable",
            "--test-tags",
            f"/{ADDON},/{BRIDGE_ADDON},/{OCA_TEST_ADDON}",
            "--stop-after-init",
            "--http-port",
            str(free_port()),
            "--http-interface",
            "127.0.0.1",
            "--log-level=info",
            extra_addons=[oca_addons],
        ),
        "odoo-oca.log",
        env=child_env({"PYTHONPATH": python_path}),
    )
    problems = []
    expected = [*OCA_MODULES, BRIDGE_ADDON, OCA_TEST_ADDON]
    try:
        rows = psql(
            "SELECT name FROM ir_module_module WHERE state = 'installed' "
            f"AND name IN ({', '.join(repr(name) for name in expected)})",
            db,
        )
    except HarnessError as exc:
        rows = []
        problems.append(str(exc))
    installed = {row[0] for row in rows}
    problems += [
        f"{name} is not installed" for name in expected if name not in installed
    ]
    passed, bad = odoo_results(log, rc, problems)
    tally.add(
        label,
        passed,
        bad,
        f"({time.time() - t0:.0f} s, log .logs/odoo-oca.log)",
    )
    drop_db(db)


def odoo_rc_file(db):
    params = pg_params()
    conf = Path(tempfile.mkstemp(prefix="sc-odoo-", suffix=".conf")[1])
    conf.write_text(
        "[options]\n"
        f"db_host = {params['host']}\n"
        f"db_port = {params['port']}\n"
        f"db_user = {params['user']}\n"
        f"db_password = {params['password'] or 'False'}\n"
        f"addons_path = {addons_path()}\n"
        f"db_name = {db}\n"
    )
    return conf


def parse_pytest(log):
    counts = {"passed": 0, "failed": 0, "error": 0, "errors": 0, "skipped": 0}
    summary = PYTEST_RE.findall(log)
    if summary:
        for num, word in re.findall(r"(\d+) (\w+)", summary[-1]):
            if word in counts:
                counts[word] += int(num)
    return counts


def step_pytest(tally, label, args, log_name, env=None):
    rc, log, secs = run_logged(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rfEs", *args],
        log_name,
        env=env,
    )
    counts = parse_pytest(log)
    failed = counts["failed"] + counts["error"] + counts["errors"] + counts["skipped"]
    if rc not in (0,) and not failed:
        failed = 1
    if counts["passed"] == 0 and not failed:
        failed = 1  # a step that ran no test is a failure, not a pass
    if failed:
        tail = log.strip().splitlines()[-30:]
        print("\n".join("    " + line for line in tail))
    tally.add(label, counts["passed"], failed, f"({secs:.0f} s, log .logs/{log_name})")


def step_lint(tally):
    targets = [ADDON, BRIDGE_ADDON, "tests", "tools", "bench", "client"]
    targets = [t for t in targets if (ROOT / t).exists()]
    rc, log, _secs = run_logged(
        [sys.executable, "-m", "ruff", "check", *targets], "ruff.log"
    )
    if rc:
        print(log[-3000:])
    rc_fmt, log_fmt, _secs = run_logged(
        [sys.executable, "-m", "ruff", "format", "--check", *targets], "ruff-format.log"
    )
    if rc_fmt:
        print(log_fmt[-3000:])
    ok = rc == 0 and rc_fmt == 0
    tally.add("ruff (check and format)", int(ok), int(not ok), "(log .logs/ruff.log)")
    rc, log, _secs = run_logged(
        [
            sys.executable,
            "-m",
            "pylint",
            "--rcfile",
            str(ROOT / ".pylintrc"),
            ADDON,
            BRIDGE_ADDON,
        ],
        "pylint.log",
    )
    if rc:
        print(log[-3000:])
    tally.add("pylint-odoo", int(rc == 0), int(rc != 0), "(log .logs/pylint.log)")


def step_packaging(tally):
    """`pip install ./sales_coordination` must yield odoo-addon-sales_coordination."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, log, secs = run_logged(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "-q",
                "--no-deps",
                "-w",
                tmp,
                str(ROOT / ADDON),
            ],
            "packaging.log",
        )
        wheels = [p.name for p in Path(tmp).glob("*.whl")]
    ok = rc == 0 and len(wheels) == 1
    ok = ok and wheels[0].startswith("odoo_addon_sales_coordination-18.0.")
    if not ok:
        print(log[-2000:])
    tally.add(
        "whool packaging (odoo-addon-sales_coordination)",
        int(ok),
        int(not ok),
        f"({', '.join(wheels) or 'no wheel'}, {secs:.0f} s)",
    )


def cmd_test(args):
    t0 = time.time()
    check_odoo()
    check_postgres()
    ensure_python_deps(dev=True)
    chromium = ensure_chromium()
    print(f"• Chromium: {chromium}", flush=True)
    prefix = os.environ.get("SC_TEST_DB", "sc_test")
    tally = Tally()
    db = f"{prefix}_main"
    if not args.skip_odoo:
        step_odoo_tests(tally, db)
        step_nodemo_install(tally, f"{prefix}_nodemo")
        step_beside_oca(tally, f"{prefix}_oca")
    conf = odoo_rc_file(db)
    step_pytest(
        tally,
        "pytest-odoo (unit tests, existing database)",
        [
            f"--odoo-database={db}",
            "--odoo-http",
            f"--odoo-config={conf}",
            f"{ADDON}/tests",
            # the test-only addon of OCA's sale_exception runs in the step
            # beside the OCA addons: it imports base_exception, absent here
            f"--ignore={ADDON}/tests/addons/sales_coordination_test_oca_exception",
        ],
        "pytest-odoo.log",
    )
    conf.unlink()
    step_pytest(
        tally,
        "end-to-end over RPC (tests/)",
        ["tests", "-x" if args.fail_fast else "-q"],
        "pytest-e2e.log",
    )
    step_lint(tally)
    step_packaging(tally)
    print("\nSummary:")
    print("\n".join(tally.lines))
    print(f"  total time {time.time() - t0:.0f} s\n")
    print(f"{tally.passed} passed, {tally.failed} failed")
    return 1 if tally.failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="install the demo and start Odoo on :8069")
    test = sub.add_parser("test", help="run the whole test suite")
    test.add_argument("--skip-odoo", action="store_true", help=argparse.SUPPRESS)
    test.add_argument("--fail-fast", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cluster = None
    try:
        bootstrap.ensure_odoo()  # re-executes under .venv/bin/python if needed
        cluster = bootstrap.ensure_postgres(pg_params()["user"])
        return cmd_run(args) if args.command == "run" else cmd_test(args)
    except (HarnessError, bootstrap.BootstrapError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        if cluster:  # bin/test when it ends, bin/run after Ctrl+C
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())

"""The newcomer's path: ``bin/run`` on a machine without Odoo and PostgreSQL.

A fresh clone of this repository (its committed HEAD) in a temporary
directory, a ``PATH`` whose ``python3`` is a venv without Odoo (created without
system site packages), ``ODOO_SRC`` pointing at the source tree of the Odoo
this test run uses, and a local ``PGPORT`` where nothing listens. ``bin/run``
must set up ``.venv`` and a private PostgreSQL, install the demo, serve
``/web/login`` and print the demo logins; a demo user logs in over JSON-RPC;
Ctrl+C stops Odoo and the private server. A second ``bin/run``, with every
network access made to fail, must reuse everything. No network is needed
beyond the package index (pip's cache makes later runs fast).
"""

import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import bootstrap
import harness

DEMO_LOGINS = [login for _role, login, _password in harness.DEMO_LOGINS]
# Lines that only a first run prints: a second run must print none of them.
SETUP_LINES = re.compile(
    r"setting up Odoo|creating \.venv|Odoo's requirements|initialising a private"
    r"|installing sales_coordination with demo|installing Python dependencies"
)


def odoo_source_tree():
    """The source tree of the Odoo that runs this test (holds setup.py)."""
    spec = importlib.util.find_spec("odoo")
    assert spec and spec.origin, "this test run imports no Odoo"
    tree = Path(spec.origin).resolve().parent.parent
    assert (tree / "setup.py").exists(), f"{tree} is not an Odoo source tree"
    return tree


class BinRun:
    """``bin/run`` in its own process group; its output collected in a log."""

    def __init__(self, checkout, env, log_path):
        self.lines = []
        self.log = open(log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            ["bin/run"],
            cwd=checkout,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            self.log.write(line)
            self.log.flush()

    @property
    def output(self):
        return "".join(self.lines)

    def wait_ready(self, url, timeout):
        """Until /web/login answers and every demo login is printed."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            printed = "Press Ctrl+C to stop." in self.output
            if printed and harness.wait_http(url, self.proc, timeout=5):
                return True
            time.sleep(1)
        return False

    def interrupt(self, timeout=120):
        """Ctrl+C, as a person would press it: SIGINT to the process group."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.reader.join(timeout=10)
        self.log.close()
        return self.proc.returncode


def jsonrpc_login(url, db, login, password):
    body = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {
            "service": "common",
            "method": "login",
            "args": [db, login, password],
        },
    }
    req = urllib.request.Request(
        url + "/jsonrpc",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


@pytest.fixture
def bare_machine():
    """A fresh clone, a python3 without Odoo, a port where nothing listens."""
    if shutil.which("git") is None:
        pytest.fail("git is missing: the bootstrap test clones the repository")
    # The server runs as the system user postgres when we are root: it must be
    # able to enter the checkout (mkdtemp makes a 0700 directory).
    base = Path(tempfile.mkdtemp(prefix="sc-bootstrap-"))
    base.chmod(0o755)
    checkout = base / "checkout"
    subprocess.run(
        ["git", "clone", "-q", str(ROOT), str(checkout)],
        check=True,
        capture_output=True,
    )
    pyenv = base / "python"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(pyenv)],
        check=True,
        capture_output=True,
    )
    no_odoo = subprocess.run(
        [str(pyenv / "bin" / "python3"), "-c", "import odoo"],
        capture_output=True,
        check=False,
    )
    assert no_odoo.returncode != 0, "the bare python3 must not import Odoo"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SC_", "PG", "ODOO_", "PYTHON", "VIRTUAL_ENV"))
    }
    pg_port = harness.free_port()
    assert not bootstrap.answers("127.0.0.1", pg_port)
    env.update(
        PATH=f"{pyenv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        ODOO_SRC=str(odoo_source_tree()),
        PGHOST="127.0.0.1",
        PGPORT=str(pg_port),
        SC_DB=f"sc_boot_{secrets.token_hex(3)}",
        SC_HTTP_PORT=str(harness.free_port()),
    )
    try:
        yield checkout, env
    finally:
        cluster = bootstrap.PrivateCluster(
            checkout / ".cache" / "postgres", pg_port, harness.pg_params()["user"]
        )
        if bootstrap.answers("127.0.0.1", pg_port):
            cluster.started = True
            cluster.stop()
        filestore = Path.home() / ".local/share/Odoo/filestore" / env["SC_DB"]
        shutil.rmtree(filestore, ignore_errors=True)
        shutil.rmtree(base, ignore_errors=True)
        assert not base.exists()


# Run by the venv's python: where a child of the harness finds the CLI.
FIND_CLI_THROUGH_THE_HARNESS = """
import subprocess, sys
sys.path.insert(0, "tools")
import harness
which = "import shutil; print(shutil.which('sales-coordination'))"
print(subprocess.run([sys.executable, "-c", which], env=harness.child_env(),
                     capture_output=True, text=True).stdout)
"""


def test_bin_run_from_a_bare_machine(bare_machine):
    checkout, env = bare_machine
    url = f"http://127.0.0.1:{env['SC_HTTP_PORT']}"
    logs = ROOT / ".logs"
    logs.mkdir(exist_ok=True)
    pg_port = int(env["PGPORT"])

    # First run: sets everything up.
    t0 = time.time()
    first = BinRun(checkout, env, logs / "bootstrap-first-run.log")
    ready = first.wait_ready(url, timeout=1500)
    first_secs = time.time() - t0
    if not ready:
        first.interrupt()
        pytest.fail(
            "first bin/run not ready; see .logs/bootstrap-first-run.log:\n"
            + first.output[-3000:]
        )
    assert (checkout / ".venv" / "bin" / "python").exists()
    assert (checkout / ".cache" / "postgres" / "data" / "PG_VERSION").exists()
    assert "setting up Odoo 18.0 in .venv/" in first.output
    assert "initialising a private PostgreSQL cluster" in first.output
    for login in DEMO_LOGINS:
        assert re.search(rf"\b{login} / {login}\b", first.output), login
    assert "sales-coordination --url" in first.output
    assert (checkout / ".venv" / "bin" / "sales-coordination").exists()
    # bin/test runs under .venv/bin/python with the newcomer's PATH, which
    # does not hold .venv/bin: what the harness starts (pytest and the e2e
    # tests among it) must still find the command line there.
    found = subprocess.run(
        [
            str(checkout / ".venv" / "bin" / "python"),
            "-c",
            FIND_CLI_THROUGH_THE_HARNESS,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=checkout,
        env={k: v for k, v in env.items() if k != "VIRTUAL_ENV"},
    )
    assert found.stdout.strip() == str(
        checkout / ".venv" / "bin" / "sales-coordination"
    ), found.stdout + found.stderr
    assert str(checkout / ".venv" / "bin") not in env.get("PATH", "")
    answer = jsonrpc_login(url, env["SC_DB"], "coordinator", "coordinator")
    assert isinstance(answer.get("result"), int) and answer["result"] > 0, answer
    wrong = jsonrpc_login(url, env["SC_DB"], "coordinator", "not-the-password")
    assert wrong.get("result") is False, wrong
    # Odoo is a distribution of the venv: the addon's wheel (whool) resolves
    # its odoo dependency there, and nothing else would be installed.
    dry_run = subprocess.run(
        [str(checkout / ".venv" / "bin" / "pip"), "install", "--dry-run"]
        + ["--progress-bar", "off", "./sales_coordination"],
        capture_output=True,
        text=True,
        check=False,
        cwd=checkout,
    )
    would = re.findall(r"^Would install (.*)$", dry_run.stdout, re.MULTILINE)
    assert would and would[-1].split() == [
        pkg for pkg in would[-1].split() if pkg.startswith("odoo-addon-sales")
    ], dry_run.stdout[-2000:] + dry_run.stderr[-2000:]
    assert re.search(r"Requirement already satisfied: odoo==18\.0", dry_run.stdout)

    assert first.interrupt() == 0, first.output[-3000:]
    assert not bootstrap.answers("127.0.0.1", pg_port), "private server still up"
    assert "stopping the private PostgreSQL" in first.output

    # Second run: no network at all (every proxy points at a closed port, pip
    # may not use an index, no ODOO_SRC), everything reused.
    offline = dict(env, PIP_NO_INDEX="1", NO_PROXY="127.0.0.1,localhost")
    offline.pop("ODOO_SRC")
    for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        offline[key] = "http://127.0.0.1:9"
    offline["ODOO_REPO"] = "https://127.0.0.1:9/odoo.git"
    t1 = time.time()
    second = BinRun(checkout, offline, logs / "bootstrap-second-run.log")
    ready = second.wait_ready(url, timeout=600)
    second_secs = time.time() - t1
    if not ready:
        second.interrupt()
        pytest.fail(
            "second bin/run not ready; see .logs/bootstrap-second-run.log:\n"
            + second.output[-3000:]
        )
    assert "using Odoo 18.0 from .venv/" in second.output
    assert "updating sales_coordination in database" in second.output
    assert not SETUP_LINES.search(second.output), second.output
    answer = jsonrpc_login(url, env["SC_DB"], "manager", "manager")
    assert isinstance(answer.get("result"), int) and answer["result"] > 0, answer
    assert second.interrupt() == 0, second.output[-3000:]
    assert not bootstrap.answers("127.0.0.1", pg_port), "private server still up"
    print(f"\nfirst bin/run ready in {first_secs:.0f} s, second in {second_secs:.0f} s")

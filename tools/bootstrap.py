"""From a bare machine: an Odoo 18 and a PostgreSQL for ``bin/run`` and ``bin/test``.

Standard library only. ``harness.py`` calls two functions first:

- :func:`ensure_odoo`: when the running ``python3`` does not import Odoo 18.0,
  set up ``.venv/`` in the checkout (Odoo installed into it as a Python
  distribution, from ``ODOO_SRC`` or a shallow clone of ``ODOO_REPO`` at
  ``ODOO_REF``, with Odoo's requirements) and re-run the harness under it;
- :func:`ensure_postgres`: when nothing answers at ``PGHOST``/``PGPORT`` and
  the address is local, start a private server on a cluster in
  ``.cache/postgres/`` (initialised on the first run, reused afterwards);
  the caller stops it with :meth:`PrivateCluster.stop`.

Environment variables (all optional):

- ``ODOO_SRC``: an Odoo 18.0 source tree, as a directory or an archive
  (``.tar.gz``, ``.tar.xz``, ``.tar.bz2``, ``.tar``, ``.zip``);
- ``ODOO_REPO`` / ``ODOO_REF``: what to clone without ``ODOO_SRC`` (default
  https://github.com/odoo/odoo, branch ``18.0``).
"""

import grp
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
CACHE = ROOT / ".cache"
ODOO_CHECKOUT = CACHE / "odoo"
PG_DIR = CACHE / "postgres"
LOG_DIR = ROOT / ".logs"
READY_STAMP = VENV / ".sales-coordination-ready"
SUPPORTED_PYTHONS = ((3, 10), (3, 11), (3, 12))
DEFAULT_REPO = "https://github.com/odoo/odoo"
DEFAULT_REF = "18.0"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

# The one place where Odoo's requirements.txt is changed: a pin (``name==version``,
# only that line) or a name (all its lines) -> the replacement requirement, or
# None to leave it out; a replaced line keeps its environment marker. Everything
# else is installed as Odoo pins it, from wheels where PyPI has them. Measured
# on Debian 12 (2026-12), Python 3.10 and 3.11: besides psycopg2 (no Linux wheel
# for any version), rjsmin, ofxparse, vobject, PyPDF2 1.26.0 and qrcode 7.3.1
# build from their sdists with pip's default build isolation; these did not.
REQUIREMENT_OVERRIDES = {
    # Odoo's pin below Python 3.12 has no wheel for 3.11 and its sdist builds
    # as version 0.0.0 outside a git checkout (setuptools_scm), which pip
    # rejects; 5.6.2 is Odoo's own pin for 3.12 and has wheels for 3.10+.
    "cbor2==5.4.2": "cbor2==5.6.2",
    # Odoo's pin for 3.10 has no cp310 wheel and its sdist no longer compiles
    # with current Cython; 21.12.0 is the first release with cp310 wheels and
    # takes the same greenlet 1.1.
    "gevent==21.8.0": "gevent==21.12.0",
    # Builds from source only and needs libldap2-dev and libsasl2-dev; only
    # the auth_ldap addon imports it, and it is an extra of Odoo's setup.py.
    "python-ldap": None,
}
# What building psycopg2 (always from source on Linux) and the C extensions
# of the other sdists needs: (what is looked for, Debian package).
BUILD_NEEDS = (
    ("a C compiler (gcc)", "build-essential"),
    ("pg_config (libpq headers)", "libpq-dev"),
    ("Python.h", "python3-dev"),
)


class BootstrapError(Exception):
    """A problem the user has to fix; printed as one line."""


# --------------------------------------------------------------------------
# Progress: one line per step, a counter on the long ones, the time taken
# --------------------------------------------------------------------------


class Step:
    """``• label …`` while running (rewritten in place on a terminal),
    ``• label: result (N s)`` when done."""

    def __init__(self, label):
        self.label = label
        self.t0 = time.time()
        self.tty = sys.stdout.isatty()
        self.last = 0.0
        if self.tty:
            self._write(f"• {label} …")
        else:
            print(f"• {label} …", flush=True)

    def _write(self, text):
        width = shutil.get_terminal_size((100, 20)).columns - 1
        sys.stdout.write("\r\033[K" + text[:width])
        sys.stdout.flush()

    def update(self, count, total=None, unit=""):
        """Show a counter, or a bar when the total is known (terminal only)."""
        if not self.tty or time.time() - self.last < 0.2:
            return
        self.last = time.time()
        secs = time.time() - self.t0
        if total:
            done = min(count / total, 1.0)
            bar = "#" * int(done * 24)
            counter = f"[{bar:<24}] {count}/{total} {unit}"
        else:
            counter = f"{count} {unit}"
        self._write(f"• {self.label} … {counter} ({secs:.0f} s)")

    def note(self, line):
        """Print a line above the progress line (a warning from the tool)."""
        if self.tty:
            self._write(line + "\n")
        else:
            print(line, flush=True)

    def done(self, result="done"):
        text = f"• {self.label}: {result} ({time.time() - self.t0:.0f} s)"
        if self.tty:
            self._write(text + "\n")
        else:
            print(text, flush=True)


def stream_output(cmd, log_path, on_line, **kwargs):
    """Run ``cmd`` with its output (stdout and stderr) written to
    ``log_path`` line by line, calling ``on_line(line)`` for each: the one
    reading loop of the harness's long steps. Returns (exit code, output)."""
    LOG_DIR.mkdir(exist_ok=True)
    lines = []
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            **kwargs,
        )
        for line in proc.stdout:
            log.write(line)
            lines.append(line)
            on_line(line)
        proc.wait()
    return proc.returncode, "".join(lines)


def run_counting(cmd, step, log_path, count_re, total_re=None, unit="", **kwargs):
    """Run ``cmd`` with its output in ``log_path``; every line matching
    ``count_re`` advances the step's counter (``total_re`` may give the total
    as its group). Returns (exit code, output)."""
    state = {"count": 0, "total": None}

    def count(line):
        if total_re:
            found = total_re.search(line)
            if found:
                state["total"] = int(found.group(1))
        if count_re.search(line):
            state["count"] += 1
            step.update(state["count"], state["total"], unit)

    return stream_output(cmd, log_path, count, **kwargs)


def _tail(text, default="no output"):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else default


# --------------------------------------------------------------------------
# An Odoo to use
# --------------------------------------------------------------------------


def odoo_version(python):
    """The Odoo version ``python`` imports, or None."""
    proc = subprocess.run(
        [str(python), "-c", "import odoo.release as r; print(r.version)"],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() if proc.returncode == 0 else None


def in_our_venv():
    return Path(sys.prefix).resolve() == VENV.resolve()


def ensure_odoo():
    """Use the running python3 when it imports Odoo 18.0; else set up (or
    reuse) ``.venv`` and re-execute the harness under its python."""
    if in_our_venv():
        return  # re-executed here: harness.check_odoo() checks the rest
    version = odoo_version(sys.executable)
    if version and version.startswith("18.0"):
        return
    venv_python = VENV / "bin" / "python"
    source = os.environ.get("ODOO_SRC")
    stamp = READY_STAMP.read_text().strip() if READY_STAMP.exists() else None
    wanted = str(resolve_source_path(source)) if source else stamp
    if not (venv_python.exists() and stamp and stamp == wanted):
        found = f"Odoo {version}" if version else "no Odoo"
        print(f"• {sys.executable} imports {found}: setting up Odoo 18.0 in .venv/")
        build_venv(venv_python)
    else:
        print("• using Odoo 18.0 from .venv/ (set up before)", flush=True)
    sys.stdout.flush()
    harness = ROOT / "tools" / "harness.py"
    os.execv(str(venv_python), [str(venv_python), str(harness), *sys.argv[1:]])


def check_python():
    if sys.version_info[:2] not in SUPPORTED_PYTHONS:
        version = ".".join(str(n) for n in sys.version_info[:3])
        raise BootstrapError(
            f"Python {version} cannot run Odoo 18.0, which works with Python 3.10, "
            "3.11 or 3.12: put one of these first on PATH as python3 (or install "
            "Odoo 18.0 into this python3) and run this again."
        )


def build_venv(venv_python):
    t0 = time.time()
    check_python()
    source = odoo_source()
    if not venv_python.exists():
        create_venv()
    install_requirements(venv_python, source)
    step = Step(f"installing Odoo 18.0 from {source} into .venv (editable)")
    rc, out = run_counting(
        [str(venv_python), "-m", "pip", "install", "--progress-bar", "off"]
        + ["--disable-pip-version-check", "-e", str(source)],
        step,
        LOG_DIR / "bootstrap-odoo.log",
        re.compile(r"^(Collecting|Building|Installing)"),
    )
    if rc != 0:
        raise BootstrapError(
            f"pip could not install Odoo from {source} ({_tail(out)}): "
            "see .logs/bootstrap-odoo.log."
        )
    version = odoo_version(venv_python)
    if not (version or "").startswith("18.0"):
        raise BootstrapError(
            f"Odoo installed into .venv does not import ({version}): "
            "see .logs/bootstrap-odoo.log."
        )
    step.done(f"Odoo {version}")
    READY_STAMP.write_text(f"{source}\n")
    print(f"• Odoo 18.0 set up in .venv/ in {time.time() - t0:.0f} s", flush=True)


def create_venv():
    step = Step(f"creating .venv with Python {sys.version.split()[0]}")
    proc = subprocess.run(
        [sys.executable, "-m", "venv", str(VENV)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 and "ensurepip" in proc.stdout + proc.stderr:
        shutil.rmtree(VENV, ignore_errors=True)
        minor = f"python{sys.version_info[0]}.{sys.version_info[1]}-venv"
        apt_install([minor], f"{sys.executable} cannot create a venv")
        proc = subprocess.run(
            [sys.executable, "-m", "venv", str(VENV)],
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        raise BootstrapError(
            f"`{sys.executable} -m venv .venv` failed: {_tail(proc.stderr)}"
        )
    step.done()


def resolve_source_path(source):
    path = Path(source).expanduser().resolve()
    return path if path.is_dir() else ODOO_CHECKOUT


def odoo_source():
    """The directory of the Odoo 18.0 source tree to install."""
    source = os.environ.get("ODOO_SRC")
    if source:
        path = Path(source).expanduser().resolve()
        if path.is_dir():
            return check_tree(path, f"ODOO_SRC={source}")
        if path.is_file():
            return extract_archive(path)
        raise BootstrapError(
            f"ODOO_SRC={source} is neither a directory nor an archive: point it "
            "at an Odoo 18.0 source tree (the directory that holds odoo-bin)."
        )
    if (ODOO_CHECKOUT / "odoo" / "release.py").exists():
        return check_tree(ODOO_CHECKOUT, str(ODOO_CHECKOUT))
    return clone_odoo()


def check_tree(path, what):
    release = path / "odoo" / "release.py"
    if not (release.exists() and (path / "setup.py").exists()):
        raise BootstrapError(
            f"{what} holds no Odoo source tree (no odoo/release.py and setup.py): "
            "point ODOO_SRC at the directory that holds odoo-bin."
        )
    found = re.search(r"version_info = \((\d+), (\d+)", release.read_text())
    version = f"{found.group(1)}.{found.group(2)}" if found else "?"
    if version != "18.0":
        raise BootstrapError(
            f"{what} holds Odoo {version}; sales_coordination needs Odoo 18.0."
        )
    return path


def extract_archive(archive):
    marker = ODOO_CHECKOUT / ".extracted-from"
    signature = f"{archive} {archive.stat().st_size} {int(archive.stat().st_mtime)}"
    if marker.exists() and marker.read_text().strip() == signature:
        return check_tree(ODOO_CHECKOUT, str(ODOO_CHECKOUT))
    partial = CACHE / "odoo.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    step = Step(f"extracting {archive.name} into .cache/odoo")
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                members = zf.infolist()
                for index, member in enumerate(members, 1):
                    zf.extract(member, partial)
                    step.update(index, len(members), "files")
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tf:
                members = tf.getmembers()
                extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                for index, member in enumerate(members, 1):
                    tf.extract(member, partial, **extra)
                    step.update(index, len(members), "files")
        else:
            raise BootstrapError(
                f"ODOO_SRC={archive} is not a tar or zip archive of Odoo 18.0."
            )
    except (OSError, tarfile.TarError, zipfile.BadZipFile) as exc:
        raise BootstrapError(f"cannot extract {archive}: {exc}") from exc
    tops = [p for p in partial.iterdir() if p.is_dir()]
    root = partial if (partial / "odoo").is_dir() or len(tops) != 1 else tops[0]
    check_tree(root, f"ODOO_SRC={archive}")
    shutil.rmtree(ODOO_CHECKOUT, ignore_errors=True)
    root.rename(ODOO_CHECKOUT)
    shutil.rmtree(partial, ignore_errors=True)
    marker.write_text(signature + "\n")
    step.done(f"{len(members)} files")
    return ODOO_CHECKOUT


def clone_odoo():
    repo = os.environ.get("ODOO_REPO", DEFAULT_REPO)
    ref = os.environ.get("ODOO_REF", DEFAULT_REF)
    hint = (
        "without network, point ODOO_SRC at an Odoo 18.0 source directory or "
        "archive (ODOO_SRC=/path/to/odoo-18.0 bin/run)"
    )
    git = shutil.which("git")
    if not git:
        raise BootstrapError(f"git is missing, so Odoo cannot be cloned: {hint}.")
    partial = CACHE / "odoo.partial"
    shutil.rmtree(partial, ignore_errors=True)
    CACHE.mkdir(exist_ok=True)
    step = Step(f"cloning {repo} at {ref} (shallow) into .cache/odoo")
    LOG_DIR.mkdir(exist_ok=True)
    proc = subprocess.Popen(
        [git, "clone", "--depth", "1", "--single-branch", "--branch", ref]
        + ["--progress", repo, str(partial)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=dict(os.environ, GIT_TERMINAL_PROMPT="0"),
    )
    output, chunk = [], b""
    progress = re.compile(
        rb"(Receiving objects|Resolving deltas|Updating files):\s+\d+% \((\d+)/(\d+)\)"
    )
    while True:
        byte = proc.stderr.read(1)
        if not byte or byte in b"\r\n":
            found = progress.search(chunk)
            if found:
                what = found.group(1).decode().lower()
                step.update(int(found.group(2)), int(found.group(3)), what)
            elif chunk.strip():
                output.append(chunk.decode(errors="replace"))
            chunk = b""
            if not byte:
                break
        else:
            chunk += byte
    proc.wait()
    (LOG_DIR / "bootstrap-clone.log").write_text("\n".join(output))
    if proc.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        last = output[-1].strip() if output else f"git exited with {proc.returncode}"
        raise BootstrapError(f"cannot clone {repo} at {ref} ({last}): {hint}.")
    check_tree(partial, f"{repo} at {ref}")
    shutil.rmtree(ODOO_CHECKOUT, ignore_errors=True)
    partial.rename(ODOO_CHECKOUT)
    step.done()
    return ODOO_CHECKOUT


def odoo_requirements(source):
    """Odoo's requirements.txt with :data:`REQUIREMENT_OVERRIDES` applied."""
    lines = ["# Generated by tools/bootstrap.py from Odoo's requirements.txt."]
    for line in (source / "requirements.txt").read_text().splitlines():
        spec, _sep, marker = line.split("#")[0].partition(";")
        pin = re.sub(r"\s+", "", spec).lower()
        name = re.split(r"[=<>!~\[]", pin)[0]
        key = next((k for k in (pin, name) if k and k in OVERRIDES_LOWER), None)
        if key is None:
            lines.append(line)
            continue
        lines.append(f"# overridden in tools/bootstrap.py: {line.strip()}")
        if OVERRIDES_LOWER[key]:
            marker = f" ; {marker.strip()}" if marker.strip() else ""
            lines.append(f"{OVERRIDES_LOWER[key]}{marker}")
    path = CACHE / "odoo-requirements.txt"
    CACHE.mkdir(exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


OVERRIDES_LOWER = {k.lower(): v for k, v in REQUIREMENT_OVERRIDES.items()}


def missing_build_needs():
    """The Debian packages missing to build psycopg2 and the other sdists."""
    include = Path(sysconfig.get_paths()["include"])
    found = {
        "build-essential": bool(shutil.which("gcc") or shutil.which("cc")),
        "libpq-dev": bool(shutil.which("pg_config")),
        "python3-dev": (include / "Python.h").exists(),
    }
    return [package for _what, package in BUILD_NEEDS if not found[package]]


def install_requirements(venv_python, source):
    missing = missing_build_needs()
    if missing:
        apt_install(missing, "building Odoo's requirements (psycopg2) needs them")
    requirements = odoo_requirements(source)
    step = Step("installing Odoo's requirements into .venv (pip)")
    rc, out = run_counting(
        [str(venv_python), "-m", "pip", "install", "--progress-bar", "off"]
        + ["--disable-pip-version-check", "-r", str(requirements)],
        step,
        LOG_DIR / "bootstrap-pip.log",
        re.compile(r"^(Collecting|Processing|Requirement already satisfied) "),
        unit="packages",
    )
    if rc != 0:
        errors = [ln for ln in out.splitlines() if ln.startswith("ERROR")]
        last = errors[0] if errors else _tail(out)
        raise BootstrapError(
            f"pip could not install Odoo's requirements ({last}): see "
            ".logs/bootstrap-pip.log; without network, a warm pip cache is needed."
        )
    installed = re.search(r"^Successfully installed (.*)$", out, re.MULTILINE)
    count = len(installed.group(1).split()) if installed else 0
    step.done(f"{count} packages installed")


def apt_install(packages, why):
    """Install Debian packages when root, else say which ones to install."""
    names = " ".join(packages)
    apt = shutil.which("apt-get")
    if not (apt and os.geteuid() == 0):
        raise BootstrapError(
            f"{why}: install the Debian packages {names} "
            f"(`sudo apt-get install {names}`) and run this again."
        )
    step = Step(f"installing the Debian packages {names} (apt-get)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([apt, "update", "-qq"], env=env, capture_output=True, check=False)
    proc = subprocess.run(
        [apt, "install", "-y", "-qq", *packages],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise BootstrapError(
            f"`apt-get install {names}` failed ({_tail(proc.stderr)}): {why}."
        )
    step.done()


# --------------------------------------------------------------------------
# A PostgreSQL to use
# --------------------------------------------------------------------------


def answers(host, port, timeout=2.0):
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return True
    except OSError:
        return False


def ensure_postgres(superuser):
    """Start a private server when nothing answers at the local PGHOST/PGPORT.

    Returns the started :class:`PrivateCluster` (the caller stops it), or None
    when a server answers or the address is not local (``check_postgres``
    reports that case)."""
    host = os.environ.get("PGHOST", "127.0.0.1")
    port = int(os.environ.get("PGPORT", "5432"))
    if host not in LOCAL_HOSTS or answers(host, port):
        return None
    cluster = PrivateCluster(PG_DIR, port, superuser)
    cluster.start()
    return cluster


def pg_bindir():
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: (
            int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0
        ),
    )
    if versions:
        return versions[-1].parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


class PrivateCluster:
    """A PostgreSQL cluster in ``.cache/postgres/``, listening on one port of
    127.0.0.1 only, with trust authentication for local TCP connections."""

    def __init__(self, directory, port, superuser):
        self.directory = Path(directory)
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self.port = int(port)
        self.superuser = superuser
        self.started = False
        self.label = ".cache/postgres"  # where the messages say the data is

    # Who runs the server: PostgreSQL refuses to run as root.
    def _account(self):
        if os.geteuid() != 0:
            return {}
        try:
            user = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise BootstrapError(
                "PostgreSQL refuses to run as root and there is no system user "
                "postgres: install the Debian package postgresql, or start a "
                "PostgreSQL yourself and set PGHOST/PGPORT."
            ) from exc
        return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}

    def _run(self, cmd, **kwargs):
        return subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
            **self._account(),
            **kwargs,
        )

    def _check_reachable(self, account):
        """The server's user must be able to enter every directory above."""
        if not account:
            return
        user = pwd.getpwuid(account["user"])
        groups = {account["group"]} | {
            g.gr_gid for g in grp.getgrall() if user.pw_name in g.gr_mem
        }
        for parent in reversed(self.directory.parents):
            st = parent.stat()
            if st.st_uid == account["user"]:
                ok = st.st_mode & 0o100
            elif st.st_gid in groups:
                ok = st.st_mode & 0o010
            else:
                ok = st.st_mode & 0o001
            if not ok:
                raise BootstrapError(
                    f"PostgreSQL runs as the system user {user.pw_name}, who cannot "
                    f"enter {parent} (mode {oct(st.st_mode & 0o777)[2:]}): run "
                    f"`chmod o+x {parent}`, or clone the repository elsewhere, or "
                    "start a PostgreSQL yourself and set PGHOST/PGPORT."
                )

    def _ensure_server_package(self):
        bindir = pg_bindir()
        if bindir:
            return bindir
        apt_install(
            ["postgresql"],
            f"nothing answers on 127.0.0.1:{self.port} and no PostgreSQL server is "
            "installed (or start one yourself and set PGHOST/PGPORT)",
        )
        bindir = pg_bindir()
        if not bindir:
            raise BootstrapError("the postgresql package installed no pg_ctl.")
        return bindir

    def initialised(self):
        return (self.data / "PG_VERSION").exists()

    def start(self):
        bindir = self._ensure_server_package()
        account = self._account()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._check_reachable(account)
        if account:
            os.chown(self.directory, account["user"], account["group"])
        if not self.initialised():
            self._initdb(bindir)
        step = Step(f"starting the private PostgreSQL on 127.0.0.1:{self.port}")
        proc = self._run(
            [str(bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log)]
            + ["-w", "-t", "120", "-o", f"-p {self.port}", "start"],
            start_new_session=True,  # Ctrl+C goes to Odoo, not to the server
        )
        if proc.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise BootstrapError(
                f"the private PostgreSQL in {self.directory} did not start "
                f"({_tail(log, _tail(proc.stderr))}); its log is {self.log}."
            )
        self.started = True
        version = (self.data / "PG_VERSION").read_text().strip()
        step.done(f"PostgreSQL {version}, data in {self.label}")

    def _initdb(self, bindir):
        step = Step(f"initialising a private PostgreSQL cluster in {self.label}")
        shutil.rmtree(self.data, ignore_errors=True)
        proc = self._run(
            [str(bindir / "initdb"), "-D", str(self.data), "-U", self.superuser]
            + ["--auth=trust", "--encoding=UTF8", "--no-locale"],
        )
        if proc.returncode != 0:
            raise BootstrapError(
                f"initdb failed in {self.data}: {_tail(proc.stderr or proc.stdout)}"
            )
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                "\n# Set by tools/bootstrap.py: a private server for this checkout.\n"
                "listen_addresses = '127.0.0.1'\n"
                "unix_socket_directories = ''\n"
                "synchronous_commit = off\n"
            )
        step.done()

    def stop(self):
        if not self.started:
            return
        bindir = pg_bindir()
        step = Step(f"stopping the private PostgreSQL on 127.0.0.1:{self.port}")
        self._run(
            [str(bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast"]
            + ["-w", "stop"]
        )
        self.started = False
        step.done()


# --------------------------------------------------------------------------
# Database creation with a counter of the modules Odoo loads
# --------------------------------------------------------------------------

MODULE_RE = re.compile(r"Loading module \S+ \((\d+)/(\d+)\)")


def run_odoo_with_progress(cmd, label, log_path):
    """Run an ``odoo -i/-u … --stop-after-init`` command at log level info,
    its log in ``log_path``, showing the modules loaded as a counter and the
    warnings and errors as they come. Returns the exit code."""
    step = Step(label)

    def show(line):
        found = MODULE_RE.search(line)
        if found:
            step.update(int(found.group(1)), int(found.group(2)), "modules")
        elif re.search(r" (WARNING|ERROR|CRITICAL) ", line):
            step.note("    " + line.rstrip()[:300])

    returncode, _output = stream_output(cmd, log_path, show)
    if returncode in (-2, 130):  # Ctrl+C reached Odoo first
        step.done("interrupted")
        raise KeyboardInterrupt
    step.done("done" if returncode == 0 else f"failed, log {log_path}")
    return returncode

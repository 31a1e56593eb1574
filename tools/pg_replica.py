"""A private PostgreSQL primary and its streaming replica, on loopback.

For the replica test (``tests/test_e2e_replica.py``) and the scale-out
benchmark (``bench/bench_scale_out.py``): both need what a production
deployment with ``--db_replica_host`` has, a hot standby fed by streaming
replication, without touching the PostgreSQL the rest of the suite uses.

The clusters are made with the server binaries ``tools/bootstrap.py`` uses
(Debian's ``/usr/lib/postgresql/<version>/bin``), run as the system user
``postgres`` when we are root, listen on 127.0.0.1 only with trust
authentication, and load ``pg_stat_statements`` so that each server's own
statistics say which statements it ran. Everything lives in one temporary
directory, removed by :meth:`ReplicatedPair.stop`.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import bootstrap

STATS_CONF = (
    "\n# Set by tools/pg_replica.py: which statements ran where.\n"
    "shared_preload_libraries = 'pg_stat_statements'\n"
    "pg_stat_statements.track = all\n"
)


class PrimaryCluster(bootstrap.PrivateCluster):
    """bootstrap's private cluster, with pg_stat_statements loaded. Its
    defaults already allow a replica: ``wal_level = replica``,
    ``max_wal_senders = 10`` and initdb's trust lines for ``replication``."""

    def _initdb(self, bindir):
        super()._initdb(bindir)
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(STATS_CONF)


class StandbyCluster(bootstrap.PrivateCluster):
    """A hot standby made by ``pg_basebackup -R`` of a running primary."""

    def clone(self, primary, bindir):
        account = self._account()
        self.directory.mkdir(parents=True, exist_ok=True)
        if account:
            os.chown(self.directory, account["user"], account["group"])
        proc = self._run(
            [str(bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port)]
            + ["-U", primary.superuser, "-D", str(self.data), "-R"]
            + ["-X", "stream", "-c", "fast"]
        )
        if proc.returncode != 0:
            raise bootstrap.BootstrapError(
                f"pg_basebackup failed: {bootstrap._tail(proc.stderr)}"
            )


class ReplicatedPair:
    """``with ReplicatedPair(superuser, primary_port, replica_port) as pair``:
    a primary on ``primary_port``, :meth:`load` a database into it, then
    :meth:`start_replica`; both are stopped and deleted on exit."""

    def __init__(self, superuser, primary_port, replica_port):
        self.directory = Path(tempfile.mkdtemp(prefix="sc_replica_"))
        self.directory.chmod(0o755)  # the server's user must enter it
        self.primary = PrimaryCluster(
            self.directory / "primary", primary_port, superuser
        )
        self.replica = StandbyCluster(
            self.directory / "replica", replica_port, superuser
        )
        for cluster in (self.primary, self.replica):
            cluster.label = str(cluster.directory)
        self.bindir = bootstrap.pg_bindir()

    def __enter__(self):
        try:
            self.primary.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def load(self, source_params, db):
        """Copy database ``db`` of the server ``source_params`` (a harness
        ``pg_params()`` dict) into the primary, with pg_stat_statements."""
        env = dict(os.environ)
        if source_params.get("password"):
            env["PGPASSWORD"] = source_params["password"]
        user = self.primary.superuser
        target = ["-h", "127.0.0.1", "-p", str(self.primary.port), "-U", user]
        subprocess.run(
            [str(self.bindir / "createdb"), *target, db], check=True, env=env
        )
        dump = subprocess.Popen(
            [str(self.bindir / "pg_dump"), "-h", source_params["host"]]
            + ["-p", str(source_params["port"]), "-U", source_params["user"]]
            + ["--no-owner", "--no-privileges", db],
            stdout=subprocess.PIPE,
            env=env,
        )
        restore = subprocess.run(
            [str(self.bindir / "psql"), *target, "-q", "-v", "ON_ERROR_STOP=1"]
            + ["-d", db, "-o", os.devnull],
            stdin=dump.stdout,
            check=False,
            env=env,
        )
        dump.stdout.close()
        if dump.wait() or restore.returncode:
            raise bootstrap.BootstrapError(f"copying {db} into the primary failed")
        subprocess.run(
            [str(self.bindir / "psql"), *target, "-q", "-d", db, "-c"]
            + ["CREATE EXTENSION IF NOT EXISTS pg_stat_statements"],
            check=True,
            env=env,
        )

    def start_replica(self, timeout=120):
        self.replica.clone(self.primary, self.bindir)
        self.replica.start()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if bootstrap.answers("127.0.0.1", self.replica.port):
                return
            time.sleep(0.5)
        raise bootstrap.BootstrapError("the replica did not start")

    def stop(self):
        for cluster in (self.replica, self.primary):
            try:
                cluster.stop()
            except (OSError, bootstrap.BootstrapError):
                pass  # the directory goes anyway
        shutil.rmtree(self.directory, ignore_errors=True)

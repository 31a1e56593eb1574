"""What the benchmarks share: finding Odoo and its addons the way the harness
does, one spelling of the database options, opening Odoo (in process, or as
servers over HTTP), and the output tables.

Odoo is whatever the running ``python3`` imports (``ODOO_PATH`` may name the
directory holding the ``odoo`` package instead); the addons path is the
harness's own (``tools/harness.py``: Odoo's addons next to the imported
package, ``ODOO_ADDONS_PATH``, and this checkout).
"""

import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / ".logs"
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "client"))


def import_odoo(bench):
    """Import odoo; exit with a one-line message naming ``bench`` when missing."""
    path = os.environ.get("ODOO_PATH")
    if path:
        sys.path.insert(0, path)
    try:
        import odoo
    except ImportError:
        sys.exit(
            f"{bench}: cannot import Odoo. Install Odoo 18 into this python3 "
            "(bin/run does, in .venv) or set ODOO_PATH to the directory that "
            "holds the 'odoo' package."
        )
    return odoo


def addons_path():
    """The harness's addons path (Odoo's addons, ODOO_ADDONS_PATH, this checkout)."""
    import harness

    return harness.addons_path()


# === OPTIONS ===


def add_db_options(parser, database=True):
    """The database options every bench takes, one spelling (Odoo's own:
    ``--db_host``; ``--db-host`` is accepted too), defaults from PGHOST,
    PGPORT and PGUSER as for the harness."""
    if database:
        parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--db_host", "--db-host", default=os.environ.get("PGHOST", "127.0.0.1")
    )
    parser.add_argument(
        "--db_port", "--db-port", default=os.environ.get("PGPORT", "5432")
    )
    parser.add_argument(
        "--db_user", "--db-user", default=os.environ.get("PGUSER") or None
    )
    parser.add_argument(
        "--addons-path",
        "--addons_path",
        default=None,
        help="default: the harness's (Odoo's addons, ODOO_ADDONS_PATH, this checkout)",
    )
    return parser


def odoo_options(args):
    """Odoo command-line options for ``args`` of :func:`add_db_options`."""
    options = ["--db_host", args.db_host, "--db_port", str(args.db_port)]
    if args.db_user:
        options += ["--db_user", args.db_user]
    options += ["--addons-path", args.addons_path or addons_path()]
    return options


def open_registry(bench, args, log_level="warn"):
    """Odoo in process: parse the options of ``args`` and return the registry
    of ``args.database``."""
    odoo = import_odoo(bench)
    odoo.tools.config.parse_config([*odoo_options(args), "--log-level", log_level])
    from odoo.modules.registry import Registry

    return Registry(args.database)


# === SERVERS OVER HTTP ===


@contextlib.contextmanager
def odoo_server(db, mode, port, db_port=None, replica=None, log_name=None, extra=()):
    """Start ``odoo`` on 127.0.0.1:``port`` for ``db``, as the tests do
    (``harness.serve``: ``mode`` is ``threaded`` or ``prefork``); yield its
    URL once it answers; stop it afterwards. Exits with the log's name when
    the server does not come up."""
    import harness

    log = LOG_DIR / (log_name or f"bench-{mode}-{port}.log")
    try:
        with harness.serve(
            db,
            log,
            mode=mode,
            port=port,
            db_port=db_port,
            replica=replica,
            extra=extra,
        ) as url:
            yield url
    except harness.HarnessError as error:
        sys.exit(f"bench: {error}")


def connect(url, db, login, password, timeout=600):
    """A logged-in odoorpc session (through the client package)."""
    from sales_coordination_client import connect as client_connect

    return client_connect(url, db, login, password=password, timeout=timeout)


# === OUTPUT ===


def percentile(values, fraction):
    """The ``fraction`` quantile (0.5, 0.95) of ``values``, interpolated."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[
        round(fraction * 100) - 1
    ]


def print_table(headers, rows):
    """A plain Markdown table: readable in a terminal, pasteable in a note."""
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print("\n".join(lines), flush=True)


class Timer:
    """``with Timer() as t: ...; t.seconds``"""

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started

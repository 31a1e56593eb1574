"""What the benchmarks share: finding Odoo and its addons the way the harness does.

Odoo is whatever the running ``python3`` imports (``ODOO_PATH`` may name the
directory holding the ``odoo`` package instead); the addons path is the
harness's own (``tools/harness.py``: Odoo's addons next to the imported
package, ``ODOO_ADDONS_PATH``, and this checkout).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    sys.path.insert(0, str(ROOT / "tools"))
    import harness

    return harness.addons_path()

"""Odoo's command line, started as a script (as ``odoo-bin`` is).

The prefork server starts its websocket process by re-running
``sys.executable sys.argv[0] gevent ...``: after ``python -m odoo`` that is
``odoo/__main__.py`` run as a plain file, which fails (relative import), and
the server then has no websocket. Servers are therefore started through this
file (see ``harness.odoo_server_cmd``).
"""

import sys


def _gevent_plugins_without_requirements():
    """gevent (22.10) loads its own monkey-patch plugins with pkg_resources,
    which resolves gevent's requirements first; where ``zope.interface`` is
    installed under its normalised name (``zope_interface-*.dist-info``) that
    resolution fails although the package imports, and the websocket process
    dies at start, again and again (the prefork server respawns it). Load the
    entry points without resolving requirements: what they import is there."""
    try:
        import pkg_resources
    except ImportError:
        return
    load = pkg_resources.EntryPoint.load

    def load_without_require(self, require=True, *args, **kwargs):
        return load(self, False, *args, **kwargs)

    pkg_resources.EntryPoint.load = load_without_require


if sys.argv[1:2] == ["gevent"]:
    _gevent_plugins_without_requirements()

import odoo.cli.command  # after the patch above

odoo.cli.command.main()

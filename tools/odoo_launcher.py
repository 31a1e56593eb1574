"""Odoo's command line, started as a script (as ``odoo-bin`` is).

The prefork server starts its websocket process by re-running
``sys.executable sys.argv[0] gevent ...``: after ``python -m odoo`` that is
``odoo/__main__.py`` run as a plain file, which fails (relative import), and
the server then has no websocket. Servers are therefore started through this
file (see ``harness.odoo_server_cmd``).
"""

import odoo.cli.command

odoo.cli.command.main()

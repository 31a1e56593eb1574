"""Migrations to 18.0.1.4.0: the coordination digest.

The shipped digest (noupdate) used to be off and sent to the administrator
alone: it is switched on, as on a new install, and the Coordination Managers
become its recipients (from now on, joining the group subscribes a user).
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    digest = env["digest.digest"]._sc_shipped_digest()
    if digest:
        digest.state = "activated"
        env["digest.digest"]._sc_subscribe_managers()

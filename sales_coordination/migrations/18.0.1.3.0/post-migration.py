"""Migrations to 18.0.1.3.0.

Delivery promises: the orders confirmed before the update get their promise
(their delivery date, else their first delivery's deadline or scheduled
date) and their delivery status, as a new install does (hooks.py). The
shipped digest (noupdate) also shows the two delivery-promise rates, as on a
new install.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["sale.order"]._delivery_backfill()
    digest = env.ref(
        "sales_coordination.digest_digest_coordination", raise_if_not_found=False
    )
    if digest:
        digest.write(
            {"kpi_sc_promise_kept_rate": True, "kpi_sc_proactive_update_rate": True}
        )

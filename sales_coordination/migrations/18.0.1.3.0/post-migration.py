"""Migrations to 18.0.1.3.0.

Delivery promises: the orders confirmed before the update get their promise
(their delivery date, else their first delivery's deadline or scheduled
date) and their delivery status, as a new install does (hooks.py). The
shipped digest (noupdate) also shows the two delivery-promise rates, as on a
new install.

Enforce mode per sales team: a demo database enforced on the whole company;
it now enforces on the wholesaler's three demo teams only (the company
observes), as a new demo database does, so that the orders of Odoo's own
demo teams and other addons' tests are never blocked.
"""

from odoo import SUPERUSER_ID, api

DEMO_TEAMS = (
    "sales_coordination.crm_team_pet_shops_demo",
    "sales_coordination.crm_team_vet_groomers_demo",
    "sales_coordination.crm_team_chains_demo",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["sale.order"]._delivery_backfill()
    module = env["ir.module.module"].search([("name", "=", "sales_coordination")])
    company = env.ref("base.main_company", raise_if_not_found=False)
    if module.demo and company and company.accuracy_mode == "enforce":
        teams = env["crm.team"]
        for xmlid in DEMO_TEAMS:
            teams |= env.ref(xmlid, raise_if_not_found=False) or env["crm.team"]
        teams.write({"accuracy_mode": "enforce"})
        company.accuracy_mode = "observe"
    digest = env.ref(
        "sales_coordination.digest_digest_coordination", raise_if_not_found=False
    )
    if digest:
        digest.write(
            {"kpi_sc_promise_kept_rate": True, "kpi_sc_proactive_update_rate": True}
        )

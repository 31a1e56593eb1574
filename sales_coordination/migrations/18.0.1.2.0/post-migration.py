"""Migrations to 18.0.1.2.0.

The transient KPI dashboard (``sales.coordination.kpi.dashboard`` and its
``.line`` model) is gone: the OWL client action on ``get_dashboard`` replaced
it. At the end of the update Odoo deletes the models' ``ir.model`` rows (and
with them their fields, rules, relations and constraints), but it drops the
table of a model only while the model is still in the registry: the tables of
a model removed from the code stay. They go here.

Sales teams can be out of coordination (``crm.team.use_coordination``). A
new demo database puts Odoo's own demo teams (the furniture business) out;
the demo data are ``noupdate``, so a demo database installed before gets the
same here.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

# Odoo's demo teams that sell the furniture of its demo orders.
ODOO_DEMO_TEAMS = ("sales_team.team_sales_department", "sales_team.crm_team_1")

DROPPED_TABLES = (
    "sales_coordination_kpi_dashboard_line",
    "crm_team_sales_coordination_kpi_dashboard_rel",
    "res_users_sales_coordination_kpi_dashboard_rel",
    "sales_coordination_kpi_dashboard",
)


def migrate(cr, version):
    if not version:
        return
    for table in DROPPED_TABLES:
        cr.execute(SQL("DROP TABLE IF EXISTS %s CASCADE", SQL.identifier(table)))
    env = api.Environment(cr, SUPERUSER_ID, {})
    module = env["ir.module.module"].search([("name", "=", "sales_coordination")])
    if module.demo:
        for xmlid in ODOO_DEMO_TEAMS:
            team = env.ref(xmlid, raise_if_not_found=False)
            if team:
                team.use_coordination = False

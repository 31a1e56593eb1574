"""Migrations to 18.0.1.2.0.

The transient KPI dashboard (``sales.coordination.kpi.dashboard`` and its
``.line`` model) is gone: the OWL client action on ``get_dashboard`` replaced
it. At the end of the update Odoo deletes the models' ``ir.model`` rows (and
with them their fields, rules, relations and constraints), but it drops the
table of a model only while the model is still in the registry: the tables of
a model removed from the code stay. They go here.
"""

from odoo.tools import SQL

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

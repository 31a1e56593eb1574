"""Migrations to 18.0.1.6.0: the first order of each customer.

``sale.order.sc_first_sale`` is new: mark the first confirmed order of each
customer contact in each company among the existing orders, as the install
does, so that the new-clients KPI counts the history right away.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["sale.order"]._sc_first_sale_refresh()

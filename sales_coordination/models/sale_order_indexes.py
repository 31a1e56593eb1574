# The indexes on sale_order live in the init() of the model that owns it.
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # === INIT: indexes the KPI queries rely on ===

    def init(self):
        res = super().init()
        cr = self.env.cr
        # Covering indexes: the KPI aggregates over a year of orders are
        # index-only scans (no visit of the order rows): they hold what the
        # KPIs read besides the date, the coordination scope (team, owners)
        # and the company of the record rules. They replace the plain date
        # indexes of earlier versions.
        cr.execute(
            "DROP INDEX IF EXISTS sale_order_sc_kpi_create_date_index;"
            "DROP INDEX IF EXISTS sale_order_sc_kpi_confirmed_index"
        )
        # quotations and quote-to-order, by the day an order was created
        cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_sc_kpi_created_index "
            "ON sale_order (create_date) INCLUDE (state, team_id, coordinator_id, "
            "administrator_id, company_id)"
        )
        # confirmed orders, order accuracy, growth and the candidates of
        # new_clients, by the day an order was confirmed
        cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_sc_kpi_confirmed_cover_index "
            "ON sale_order (date_order) INCLUDE (partner_id, amount_untaxed, "
            "currency_rate, accuracy_first_checked_date, first_time_right, "
            "team_id, coordinator_id, administrator_id, company_id) "
            "WHERE state = 'sale'"
        )
        # data_entry_accuracy_rate, by the day an order was first checked
        cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_sc_kpi_first_checked_index "
            "ON sale_order (accuracy_first_checked_date) INCLUDE (data_entry_right, "
            "team_id, coordinator_id, administrator_id, company_id) "
            "WHERE accuracy_first_checked_date IS NOT NULL"
        )
        # invoice_processing_hours, by the day of an order's first invoice
        cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_sc_kpi_invoiced_index "
            "ON sale_order (invoice_posted_date) INCLUDE (date_order, team_id, "
            "coordinator_id, administrator_id, company_id) "
            "WHERE invoice_posted_date IS NOT NULL"
        )
        # the scope of the documents of an order (fulfillment: its
        # deliveries): an index-only probe by id instead of a visit of the row
        cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_sc_scope_index "
            "ON sale_order (id) INCLUDE (team_id, coordinator_id, administrator_id, "
            "company_id)"
        )
        # new_clients: index-only probes "did this partner order before?"
        cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_sc_kpi_partner_confirmed_index "
            "ON sale_order (partner_id, date_order) INCLUDE (company_id) "
            "WHERE state = 'sale'"
        )
        return res

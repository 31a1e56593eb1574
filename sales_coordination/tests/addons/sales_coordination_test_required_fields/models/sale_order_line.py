from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    sc_test_batch_code = fields.Char(
        string="Batch Code (test)", required=True, default="BATCH-0"
    )

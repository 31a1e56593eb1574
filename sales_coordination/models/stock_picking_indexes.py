# The indexes on stock_picking live in the init() of the model that owns it.
# pylint: disable=consider-merging-classes-inherited
from odoo import models
from odoo.tools.sql import create_index


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # === INIT: indexes the KPI queries rely on ===

    def init(self):
        res = super().init()
        create_index(
            self.env.cr,
            "stock_picking_sc_kpi_date_done_index",
            "stock_picking",
            ["date_done"],
            where="state = 'done'",
        )
        return res

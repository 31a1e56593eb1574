from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # === BUSINESS METHODS ===

    def _action_done(self):
        res = super()._action_done()
        # The late-delivery follow-ups of orders delivered now are closed at
        # once (an order still waiting for another delivery keeps its own).
        self.env["sales.followup.rule"]._close_followups_of(self.sale_id)
        return res

from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # === FIELDS ===

    sc_tracking_ref = fields.Char(
        string="Tracking Reference (delivery update)",
        compute="_compute_sc_tracking_ref",
        help="The carrier's tracking reference where Odoo's stock_delivery "
        "gives one; the delivery update shows it.",
    )

    # === COMPUTE METHODS ===

    def _compute_sc_tracking_ref(self):
        tracked = "carrier_tracking_ref" in self._fields
        for picking in self:
            picking.sc_tracking_ref = picking.carrier_tracking_ref if tracked else False

    # === BUSINESS METHODS ===

    def _action_done(self):
        res = super()._action_done()
        # The late-delivery follow-ups of orders delivered now are closed at
        # once (an order still waiting for another delivery keeps its own).
        self.env["sales.followup.rule"]._close_followups_of(self.sale_id)
        # A delivery that leaves with a backorder: the customers with
        # automatic updates hear what is still to come.
        with_backorder = self.filtered(
            lambda picking: (
                picking.picking_type_code == "outgoing"
                and picking.sale_id
                and picking.backorder_ids
            )
        )
        if with_backorder:
            with_backorder.sale_id._delivery_queue_automatic_updates(
                with_backorder.sale_id.ids
            )
        return res

from odoo import fields, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "sales.coordination.scope.mixin"]  # noqa: RUF012
    # in coordination through their sales team only
    _sc_scope_owner_fields = ()

    # === BUSINESS METHODS ===

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._stamp_orders_first_invoice()
        return posted

    def _stamp_orders_first_invoice(self):
        """Remember on each order when its first customer invoice was posted."""
        invoices = self.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )
        orders = invoices.line_ids.sale_line_ids.order_id.filtered(
            lambda order: not order.invoice_posted_date
        )
        if orders:
            orders.sudo().invoice_posted_date = fields.Datetime.now()

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        # The payment follow-ups of paid invoices are closed at once.
        self.env["sales.followup.rule"]._close_followups_of(
            self.filtered(lambda move: move.move_type == "out_invoice")
        )
        return res

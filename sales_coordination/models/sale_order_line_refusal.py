# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models

from .sale_order_line import LINE_TRIGGER_FIELDS


class SaleOrderLine(models.Model):
    """A change of a quotation's lines ends the display of its refused
    override (see sale_order_accuracy_refusal.py)."""

    _inherit = "sale.order.line"

    # === CRUD METHODS ===

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._accuracy_clear_refusal()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if LINE_TRIGGER_FIELDS.intersection(vals):
            self.order_id._accuracy_clear_refusal()
        return res

    def unlink(self):
        orders = self.order_id
        res = super().unlink()
        orders.exists()._accuracy_clear_refusal()
        return res

# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
from odoo import models

from .sale_order_accuracy import ACCURACY_TRIGGER_FIELDS


class SaleOrder(models.Model):
    """A refused override shows on the quotation until the quotation
    changes (what its checks read) or a new request is made."""

    _inherit = "sale.order"

    # === CRUD METHODS ===

    def write(self, vals):
        res = super().write(vals)
        if ACCURACY_TRIGGER_FIELDS.intersection(vals):
            self._accuracy_clear_refusal()
        return res

    # === BUSINESS METHODS ===

    def _accuracy_clear_refusal(self):
        """Forget the refusal of the last override request of these orders."""
        refused = self.sudo().filtered("accuracy_override_refusal")
        if refused:
            refused.write({"accuracy_override_refusal": False})

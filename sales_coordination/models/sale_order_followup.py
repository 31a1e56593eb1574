# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class SaleOrder(models.Model):
    """Follow-ups: confirming or cancelling an order closes its follow-ups at
    once."""

    _inherit = "sale.order"

    def _action_confirm(self):
        res = super()._action_confirm()
        # The quotation follow-ups have no reason left: closed at once.
        self.env["sales.followup.rule"]._close_followups_of(self)
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self.env["sales.followup.rule"]._close_followups_of(self)
        return res

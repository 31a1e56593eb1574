# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    delivery_update_policy = fields.Selection(
        selection=[
            ("coordinator", "The coordinator informs"),
            ("automatic", "Automatic update"),
            ("none", "No delivery updates"),
        ],
        string="Delivery Updates",
        default="coordinator",
        help="When an order turns at risk or late. The coordinator informs: a "
        "follow-up 'Inform the customer' is planned for the coordinator. "
        "Automatic: the customer gets the delivery update by itself (also when "
        "a delivery leaves with a backorder), at most once per the company's "
        "interval. No delivery updates: nothing is planned or sent.",
    )

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), "delivery_update_policy"]

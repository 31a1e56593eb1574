from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    accuracy_mode = fields.Selection(
        selection=[("observe", "Observe"), ("enforce", "Enforce")],
        string="Order Accuracy Mode",
        default="observe",
        required=True,
        help="Observe: the checks run and record issues but never block. "
        "Enforce: orders with open blocking issues cannot be confirmed unless a "
        "Coordination Manager overrides them.",
    )

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    accuracy_mode = fields.Selection(
        related="company_id.accuracy_mode",
        readonly=False,
    )
    accuracy_mode_date = fields.Datetime(related="company_id.accuracy_mode_date")

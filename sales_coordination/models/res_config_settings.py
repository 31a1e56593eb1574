from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    accuracy_mode = fields.Selection(
        related="company_id.accuracy_mode",
        readonly=False,
    )
    accuracy_mode_date = fields.Datetime(related="company_id.accuracy_mode_date")
    delivery_risk_days = fields.Integer(
        related="company_id.delivery_risk_days", readonly=False
    )
    delivery_update_interval_days = fields.Integer(
        related="company_id.delivery_update_interval_days", readonly=False
    )

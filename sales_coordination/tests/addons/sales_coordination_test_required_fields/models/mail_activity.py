from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    sc_test_channel = fields.Selection(
        selection=[("phone", "Phone"), ("visit", "Visit")],
        string="Channel (test)",
        required=True,
        default="phone",
    )

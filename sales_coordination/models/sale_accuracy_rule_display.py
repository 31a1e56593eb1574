# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.tools import format_amount

# What the threshold means, per check type: a percentage or a number of
# days; "amount" in the company's currency. The other types ignore it.
THRESHOLD_UNITS = {
    "price_deviation": "percent",
    "discount_limit": "percent",
    "duplicate_order": "days",
    "minimum_order": "amount",
}


class SaleAccuracyRule(models.Model):
    """How a rule reads in the manager's lists: its threshold with its
    unit."""

    _inherit = "sale.accuracy.rule"

    threshold_display = fields.Char(
        string="Threshold with Unit",
        compute="_compute_threshold_display",
        help="The threshold with its unit (% off the pricelist or of discount, "
        "days between two identical orders, minimum untaxed amount); empty "
        "for the check types that have none.",
    )

    # === COMPUTE METHODS ===

    @api.depends("check_type", "threshold", "company_id")
    @api.depends_context("lang", "allowed_company_ids")
    def _compute_threshold_display(self):
        for rule in self:
            unit = THRESHOLD_UNITS.get(rule.check_type)
            value = rule.threshold
            number = f"{value:g}"
            if unit == "percent":
                text = self.env._("%(value)s %%", value=number)
            elif unit == "days":
                text = self.env._("%(value)s days", value=number)
            elif unit == "amount" and not value:
                text = self.env._("Off")
            elif unit == "amount":
                currency = (rule.company_id or self.env.company).currency_id
                text = format_amount(self.env, value, currency)
            else:
                text = False
            rule.threshold_display = text

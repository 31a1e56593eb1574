# One file per check type (the architecture): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class SaleAccuracyRule(models.Model):
    """Minimum order amount check."""

    _inherit = "sale.accuracy.rule"

    check_type = fields.Selection(
        selection_add=[
            ("minimum_order", "Below the minimum order amount"),
        ],
        ondelete={"minimum_order": "cascade"},
    )

    def _inapplicable_reason(self, company):
        if self.check_type == "minimum_order" and not self.threshold:
            return self.env._(
                "Needs a minimum amount in Threshold: with 0 the rule checks nothing."
            )
        return super()._inapplicable_reason(company)

    def _accuracy_check_minimum_order(self, data, order_ids, lines):
        if not self.threshold:
            return []
        findings = []
        for oid in order_ids:
            order = data.orders[oid]
            currency = data.currency(order["currency_id"])
            if currency.compare_amounts(order["amount_untaxed"], self.threshold) >= 0:
                continue
            findings.append(
                (
                    oid,
                    False,
                    self.env._(
                        "%(order)s amounts to %(amount)s untaxed, "
                        "below the minimum order of %(minimum)s. Suggest adding "
                        "products or grouping with the next order.",
                        order=order["name"],
                        amount=data.format_amount(
                            order["amount_untaxed"], order["currency_id"]
                        ),
                        minimum=data.format_amount(
                            self.threshold, order["currency_id"]
                        ),
                    ),
                )
            )
        return findings

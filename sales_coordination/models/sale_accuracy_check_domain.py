# One file per check type (the architecture): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models
from odoo.osv import expression


class SaleAccuracyRule(models.Model):
    """Domain check: an order fails the rule when it matches a domain."""

    _inherit = "sale.accuracy.rule"

    check_type = fields.Selection(
        selection_add=[
            ("domain", "Domain"),
        ],
        ondelete={"domain": "cascade"},
    )

    def _accuracy_check_domain(self, data, order_ids, lines):
        # Validated with the rights of whoever wrote the rule; evaluated the
        # same way for whoever confirms.
        domain = self.sudo()._get_domain()
        matching = (
            self.env["sale.order"]
            .sudo()
            .search(expression.AND([[("id", "in", order_ids)], domain]))
        )
        return [
            (
                order.id,
                False,
                self.env._(
                    "%(order)s matches the rule %(rule)s. Correct the order or "
                    "ask a Coordination Manager.",
                    order=order.name,
                    rule=self.name,
                ),
            )
            for order in matching
        ]

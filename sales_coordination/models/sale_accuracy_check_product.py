# One file per check type (the architecture): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class SaleAccuracyRule(models.Model):
    """Unsellable product check."""

    _inherit = "sale.accuracy.rule"

    check_type = fields.Selection(
        selection_add=[
            ("unsellable_product", "Unsellable product"),
        ],
        ondelete={"unsellable_product": "cascade"},
    )

    def _accuracy_check_unsellable_product(self, data, order_ids, lines):
        return [
            (
                line["order_id"],
                line["id"],
                self.env._(
                    "%(product)s is archived or not sellable. Replace it with an "
                    "active sellable product.",
                    product=data.product_name(line["product_id"]),
                ),
            )
            for line in lines
            if not (line["product_active"] and line["sale_ok"])
        ]

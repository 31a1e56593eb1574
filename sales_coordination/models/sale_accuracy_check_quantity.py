from collections import defaultdict

from odoo import fields, models
from odoo.tools import float_compare, float_is_zero


class SaleAccuracyRule(models.Model):
    """Quantity checks: positive quantities, sales packagings."""

    _inherit = "sale.accuracy.rule"

    check_type = fields.Selection(
        selection_add=[
            ("invalid_quantity", "Invalid quantity"),
            ("packaging_multiple", "Quantity breaks the sales packaging"),
        ],
        ondelete={"invalid_quantity": "cascade", "packaging_multiple": "cascade"},
    )

    def _inapplicable_reason(self, company):
        if self.check_type == "packaging_multiple" and not self._packagings_enabled():
            return self.env._(
                "Needs the Product Packagings setting (Settings › Inventory › "
                "Products): without it, no quantity is checked against a "
                "packaging."
            )
        return super()._inapplicable_reason(company)

    def _packagings_enabled(self):
        """Whether the Product Packagings setting is on (Odoo implies its
        group on every internal user)."""
        packaging = self.env.ref(
            "product.group_stock_packaging", raise_if_not_found=False
        )
        return bool(
            packaging
            and packaging in self.env.ref("base.group_user").sudo().implied_ids
        )

    def _accuracy_check_invalid_quantity(self, data, order_ids, lines):
        return [
            (
                line["order_id"],
                line["id"],
                self.env._(
                    "%(product)s: quantity %(qty)s is not positive. Enter the "
                    "ordered quantity or remove the line.",
                    product=data.product_name(line["product_id"]),
                    qty=line["qty"],
                ),
            )
            for line in lines
            if line["qty"] < 1
            and float_compare(
                line["qty"],
                0.0,
                precision_rounding=data.uom_rounding(line["uom_id"]) or 0.01,
            )
            <= 0
        ]

    def _accuracy_check_packaging_multiple(self, data, order_ids, lines):
        packagings = (
            self.env["product.packaging"]
            .sudo()
            .search(
                [
                    ("product_id", "in", list({line["product_id"] for line in lines})),
                    ("sales", "=", True),
                    ("qty", ">", 0),
                ],
                order="qty desc, sequence, id",
            )
        )
        # (id, units per pack, name), largest first, per product
        by_product = defaultdict(list)
        for packaging in packagings:
            by_product[packaging.product_id.id].append(
                (packaging.id, packaging.qty, packaging.name)
            )
        findings = []
        for line in lines:
            product_packagings = by_product.get(line["product_id"])
            if not product_packagings or line["qty"] <= 0:
                continue
            _id, pack, name = next(
                (p for p in product_packagings if p[0] == line["packaging_id"]),
                product_packagings[-1],  # the smallest sales packaging
            )
            qty = data.product_qty(line)
            rounding = data.uom_rounding(line["product_uom_id"])
            remainder = qty - pack * round(qty / pack)
            if float_is_zero(remainder, precision_rounding=rounding):
                continue
            findings.append(
                (
                    line["order_id"],
                    line["id"],
                    self.env._(
                        "%(product)s: quantity %(qty)s is not a multiple of "
                        "the %(packaging)s of %(pack)s. Order %(lower)s or "
                        "%(upper)s.",
                        product=data.product_name(line["product_id"]),
                        qty=qty,
                        packaging=name,
                        pack=pack,
                        lower=pack * (qty // pack),
                        upper=pack * (qty // pack + 1),
                    ),
                )
            )
        return findings

# One file per check type (the architecture): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
import math
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import float_compare, float_is_zero

from .sale_accuracy_data import format_number


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

    @api.model
    def _packagings_enabled(self):
        """Whether the Product Packagings setting is on (Odoo implies its
        group on every internal user). Read from Odoo's cached definitions
        of the groups, which it rebuilds when a group's implied groups
        change: no query."""
        definitions = self.env["res.groups"]._get_group_definitions()
        if definitions.get_id("product.group_stock_packaging") is None:
            return False
        return definitions.parse("base.group_user") <= definitions.parse(
            "product.group_stock_packaging"
        )

    def _accuracy_check_invalid_quantity(self, data, order_ids, lines):
        messages = {}  # (product, qty, unit): message, built once per check
        findings = []
        for line in lines:
            if not (
                line["qty"] < 1
                and float_compare(
                    line["qty"],
                    0.0,
                    precision_rounding=data.uom_rounding(line["uom_id"]) or 0.01,
                )
                <= 0
            ):
                continue
            key = (line["product_id"], line["qty"], line["uom_id"])
            if key not in messages:
                messages[key] = self.env._(
                    "%(product)s: quantity %(qty)s is not positive. Enter the "
                    "ordered quantity or remove the line.",
                    product=data.product_name(line["product_id"]),
                    qty=data.format_qty(line["qty"], line["uom_id"]),
                )
            findings.append((line["order_id"], line["id"], messages[key]))
        return findings

    def _accuracy_check_packaging_multiple(self, data, order_ids, lines):
        # searched and read in one query
        packagings = (
            self.env["product.packaging"]
            .sudo()
            .search_fetch(
                [
                    ("product_id", "in", list({line["product_id"] for line in lines})),
                    ("sales", "=", True),
                    ("qty", ">", 0),
                ],
                ["product_id", "qty", "name"],
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
        # lines of the same product, packaging, quantity and unit share
        # their verdict and message: computed once per check
        memo = {}
        for line in lines:
            product_packagings = by_product.get(line["product_id"])
            if not product_packagings or line["qty"] <= 0:
                continue
            key = (
                line["product_id"],
                line["packaging_id"],
                line["qty"],
                line["uom_id"],
            )
            if key not in memo:
                memo[key] = self._packaging_message(data, line, product_packagings)
            if memo[key]:
                findings.append((line["order_id"], line["id"], memo[key]))
        return findings

    def _packaging_message(self, data, line, product_packagings):
        """The finding's message for ``line`` whose product comes in
        ``product_packagings`` (largest first), or None when it orders
        whole packs."""
        _id, pack, name = next(
            (p for p in product_packagings if p[0] == line["packaging_id"]),
            product_packagings[-1],  # the smallest sales packaging
        )
        qty = data.product_qty(line)
        rounding = data.uom_rounding(line["product_uom_id"])
        remainder = qty - pack * round(qty / pack)
        if float_is_zero(remainder, precision_rounding=rounding):
            return None
        return self.env._(
            "%(product)s: %(qty)s ordered, but they come in packs "
            "of %(pack)s (%(packaging)s): order %(upper)s "
            "(%(count)s %(packaging)s).",
            product=data.product_name(line["product_id"]),
            qty=data.format_qty(qty, line["product_uom_id"]),
            packaging=name,
            pack=format_number(pack, rounding),
            upper=format_number(pack * math.ceil(qty / pack), rounding),
            count=math.ceil(qty / pack),
        )

    def _accuracy_fix_packaging_multiple(self, issues):
        """Round the line's quantity up to whole packs of its packaging (or
        of the smallest sales packaging), in the line's unit."""
        plans = {}
        for issue in issues.filtered("line_id"):
            line = issue.line_id
            product = line.product_id
            packagings = product.packaging_ids.filtered(
                lambda p: p.sales and p.qty > 0
            ).sorted(lambda p: (p.qty, p.sequence, p.id))
            if not packagings:
                continue
            packaging = (
                line.product_packaging_id
                if line.product_packaging_id in packagings
                else packagings[0]
            )
            qty = line.product_uom._compute_quantity(
                line.product_uom_qty, product.uom_id, raise_if_failure=False
            )
            count = math.ceil(qty / packaging.qty)
            upper = product.uom_id._compute_quantity(
                packaging.qty * count, line.product_uom, raise_if_failure=False
            )
            plans[issue.id] = (
                self.env._(
                    "Order %(qty)s (%(count)s %(packaging)s)",
                    qty=format_number(upper, line.product_uom.rounding),
                    count=count,
                    packaging=packaging.name,
                ),
                line,
                {"product_uom_qty": upper},
            )
        return plans

# One file per check type (the architecture): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from odoo import fields, models
from odoo.tools import format_amount

from .sale_accuracy_data import format_number


class SaleAccuracyRule(models.Model):
    """Pricing checks: price against the pricelist, discount limit."""

    _inherit = "sale.accuracy.rule"

    check_type = fields.Selection(
        selection_add=[
            ("price_deviation", "Price deviates from the pricelist"),
            ("discount_limit", "Discount above the limit"),
        ],
        ondelete={"price_deviation": "cascade", "discount_limit": "cascade"},
    )

    def _accuracy_check_price_deviation(self, data, order_ids, lines):
        """Compare each line's unit price with the one Odoo would put on it.

        That is the order's pricelist price, or without a pricelist (the
        Pricelists setting off, Odoo's default) the product's sales price,
        both with variant extras, unit of measure, currency conversion, the
        order's date and the fiscal position's taxes, as
        ``sale.order.line._compute_price_unit`` does. The pricelist rules are
        fetched once per pricelist for all products (today's rules); lines of
        the same product, quantity, unit, currency, day, attributes, company
        and fiscal position share a price, which Odoo computes once
        (``_expected_price``). No line is skipped: a price that cannot be
        compared (an expected price of 0) is a finding that says so.

        The automatic check of a save (``data.price_scope``) prices only the
        lines whose price inputs changed in the transaction, and keeps the
        findings of this rule on the others as they are.
        """
        lines, kept = self._price_lines_in_scope(data, lines)
        no_variant_values = data.no_variant_values if lines else {}
        by_pricelist = defaultdict(list)
        for line in lines:
            by_pricelist[data.orders[line["order_id"]]["pricelist_id"] or False].append(
                line
            )
        findings = []
        now = fields.Datetime.now()
        Product = self.env["product.product"]
        for pricelist_id, pl_lines in by_pricelist.items():
            pricelist = self.env["product.pricelist"].sudo().browse(pricelist_id)
            products = Product.browse({line["product_id"] for line in pl_lines})
            items = pricelist._get_applicable_rules(products, now)
            # (product, quantity, unit): (id of the rule that prices them,
            # whether that rule's base is another pricelist)
            item_keys = {}
            keys = {}  # line id: the key of its price
            priced = {}  # key: the id of the first line of that key
            for line in pl_lines:
                order = data.orders[line["order_id"]]
                if line["combo_item_id"]:
                    # depends on its combo line: computed for itself
                    key = ("combo", line["id"])
                else:
                    # The quantity matters only through the pricelist rule
                    # it selects (tiers), or for a rule based on another
                    # pricelist: lines of one product share a price otherwise.
                    memo_key = (line["product_id"], line["qty"], line["uom_id"])
                    item_key = item_keys.get(memo_key)
                    if item_key is None:
                        item = self._applicable_item(
                            data,
                            line,
                            Product.browse(line["product_id"]),
                            items,
                        )
                        item_key = item_keys[memo_key] = (
                            item.id,
                            item.base == "pricelist",
                        )
                    key = (
                        line["product_id"],
                        item_key[0],
                        line["qty"] if item_key[1] else None,
                        line["uom_id"],
                        order["currency_id"],
                        order["date_order"].date(),
                        no_variant_values.get(line["id"], ()),
                        order["company_id"],
                        order["fiscal_position_id"],
                    )
                keys[line["id"]] = key
                priced.setdefault(key, line["id"])
            # the records of the lines whose price is computed, browsed
            # together: they share their prefetching, and no other line is read
            records = self.env["sale.order.line"].sudo().browse(list(priced.values()))
            by_id = {record.id: record for record in records}
            expected = {
                key: self._expected_price(
                    by_id[line_id],
                    items,
                    self._price_context(data, by_id[line_id]),
                )
                for key, line_id in priced.items()
            }
            for line in pl_lines:
                price = expected[keys[line["id"]]]
                if line["price_unit"] == price:
                    continue  # at the expected price: never a finding
                finding = self._price_deviation_finding(
                    data, line, price, bool(pricelist_id)
                )
                if finding:
                    findings.append(finding)
        return kept + findings

    def _price_lines_in_scope(self, data, lines):
        """``(lines to price, kept findings)``: with ``data.price_scope``,
        the lines of ``lines`` whose price inputs changed in this
        transaction, those of orders never checked, and the combo items (their
        price depends on their combo line); and the findings this rule holds
        on the other lines (``_accuracy_lines_in_scope``).
        Without a scope, every line and no kept finding."""
        return self._accuracy_lines_in_scope(
            data,
            lines,
            data.price_scope,
            "id",
            always=lambda line: line["combo_item_id"],
        )

    def _applicable_item(self, data, line, product, items):
        """The pricelist rule of ``items`` that prices ``line`` of
        ``product`` (as ``_pricelist_price`` selects it), or an empty
        recordset (the caller memoizes it per product, quantity and unit)."""
        qty = data.product_qty(dict(line, qty=line["qty"] or 1.0))
        return next(
            (rule for rule in items if rule._is_applicable_for(product, qty)),
            self.env["product.pricelist.item"],
        )

    def _price_deviation_finding(self, data, line, expected, with_pricelist):
        """The finding of one line whose price is ``expected``, or None.
        Not asked for a line whose unit price is exactly ``expected`` (no
        deviation: the threshold is never negative)."""
        order = data.orders[line["order_id"]]
        price = line["price_unit"]
        if data.amount_is_zero(expected, order["currency_id"]):
            if data.amount_is_zero(price, order["currency_id"]):
                return None
            return (
                order["id"],
                line["id"],
                self.env._(
                    "%(product)s: unit price %(price)s, but %(reference)s is "
                    "%(zero)s: "
                    "the deviation cannot be measured. Check the price, or set "
                    "the product's price.",
                    product=data.product_name(line["product_id"]),
                    price=data.format_amount(price, order["currency_id"]),
                    reference=self._price_reference(with_pricelist),
                    zero=data.format_amount(0.0, order["currency_id"]),
                ),
            )
        deviation = abs(price - expected) / abs(expected) * 100
        if round(deviation - self.threshold, 2) <= 0:
            return None
        return (
            order["id"],
            line["id"],
            self.env._(
                "%(product)s: unit price %(price)s differs by %(deviation)s "
                "from %(reference)s %(expected)s (limit %(limit)s). Update "
                "the price or correct the pricelist.",
                product=data.product_name(line["product_id"]),
                price=data.format_amount(price, order["currency_id"]),
                deviation=data.format_percent(deviation),
                reference=self._price_reference(with_pricelist),
                expected=data.format_amount(expected, order["currency_id"]),
                limit=data.format_percent(self.threshold),
            ),
        )

    def _price_reference(self, with_pricelist):
        return (
            self.env._("the pricelist price")
            if with_pricelist
            else self.env._("the sales price")
        )

    def _price_context(self, data, line):
        """``line._get_product_price_context()``, without reading the line's
        attribute values again when the check's data says it has none and
        the method is Odoo's own (its answer is then ``{}``)."""
        own = (
            type(line)._get_product_price_context.__module__
            == "odoo.addons.sale.models.sale_order_line"
            and type(line.product_id)._get_product_price_context.__module__
            == "odoo.addons.product.models.product_product"
        )
        if own and not data.no_variant_values.get(line.id):
            return {}
        return line._get_product_price_context()

    def _expected_price(self, line, items, price_context=None):
        """Unit price Odoo puts on ``line`` (before discount): the display
        price of ``sale.order.line._get_display_price`` from the pricelist
        rules ``items`` (none without a pricelist: the sales price), with the
        taxes of the fiscal position as in ``_compute_price_unit``.
        ``price_context``: the line's ``_get_product_price_context()`` when
        the caller knows it."""
        line = line.with_company(line.company_id)
        if line.product_type == "combo":
            return 0.0  # as Odoo: the combo's items carry the price
        if line.combo_item_id:
            price = line._get_combo_item_display_price()
        else:
            price = self._pricelist_price(line, items, price_context)
        product = line.product_id
        return product._get_tax_included_unit_price_from_price(
            price,
            product_taxes=product.taxes_id.filtered(
                lambda tax: tax.company_id == line.env.company
            ),
            fiscal_position=line.order_id.fiscal_position_id,
        )

    def _pricelist_price(self, line, items, price_context=None):
        if price_context is None:
            price_context = line._get_product_price_context()
        product = line.product_id.with_context(**price_context)
        quantity = line.product_uom_qty or 1.0
        uom = line.product_uom or product.uom_id
        qty_in_product_uom = quantity
        if uom != product.uom_id:
            qty_in_product_uom = uom._compute_quantity(
                quantity, product.uom_id, raise_if_failure=False
            )
        item = next(
            (
                rule
                for rule in items
                if rule._is_applicable_for(product, qty_in_product_uom)
            ),
            self.env["product.pricelist.item"],
        )
        kwargs = {
            "product": product,
            "quantity": quantity,
            "uom": uom,
            "date": line.order_id.date_order,
            "currency": line.currency_id,
        }
        price = item._compute_price(**kwargs)
        if item._show_discount():
            price = max(price, item._compute_price_before_discount(**kwargs))
        return price

    def _accuracy_check_discount_limit(self, data, order_ids, lines):
        limit = self.threshold
        messages = {}  # (product, discount): message, built once per check
        findings = []
        for line in lines:
            if round(line["discount"] - limit, 2) <= 0:
                continue
            key = (line["product_id"], line["discount"])
            if key not in messages:
                messages[key] = self.env._(
                    "%(product)s: discount %(discount)s is above the limit of "
                    "%(limit)s. Reduce the discount or ask a Coordination "
                    "Manager.",
                    product=data.product_name(line["product_id"]),
                    discount=data.format_percent(line["discount"]),
                    limit=data.format_percent(limit),
                )
            findings.append((line["order_id"], line["id"], messages[key]))
        return findings

    def _accuracy_fix_price_deviation(self, issues):
        """Reset the unit price to the one Odoo would set on the line."""
        plans = {}
        now = fields.Datetime.now()
        for issue in issues.filtered("line_id"):
            line = issue.line_id
            items = line.order_id.pricelist_id._get_applicable_rules(
                line.product_id, now
            )
            expected = self._expected_price(line, items)
            if line.currency_id.is_zero(expected):
                continue
            plans[issue.id] = (
                self.env._(
                    "Reset the price to %(price)s",
                    price=format_amount(self.env, expected, line.currency_id),
                ),
                line,
                {"price_unit": expected},
            )
        return plans

    def _accuracy_fix_discount_limit(self, issues):
        """Lower the discount to the rule's maximum."""
        limit = f"{format_number(self.threshold)}%"
        return {
            issue.id: (
                self.env._("Lower the discount to %(limit)s", limit=limit),
                issue.line_id,
                {"discount": self.threshold},
            )
            for issue in issues.filtered("line_id")
        }

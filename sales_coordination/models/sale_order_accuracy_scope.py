# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
from odoo import models

# The lines whose price inputs changed in this transaction, per order
# (cr.precommit.data): ``{order_id: set of line ids, or None for all lines}``.
ACCURACY_PRICE_SCOPE_KEY = "sales_coordination.accuracy_price_scope"
# The products whose stock inputs changed in this transaction, per order
# (cr.precommit.data): ``{order_id: set of product ids, or None for all}``.
# Per product, not per line: the lines of one product in one order add up
# the quantity they need, so a change of one is a change of all of them.
ACCURACY_STOCK_SCOPE_KEY = "sales_coordination.accuracy_stock_scope"
# Changing these on an order changes the price Odoo computes for every line.
ORDER_PRICE_FIELDS = frozenset(
    {
        "partner_id",
        "partner_invoice_id",
        "partner_shipping_id",
        "pricelist_id",
        "currency_id",
        "date_order",
        "fiscal_position_id",
        "company_id",
    }
)
# Changing these on a line changes the price Odoo computes for it, or the
# price the line carries.
LINE_PRICE_FIELDS = frozenset(
    {
        "product_id",
        "product_uom_qty",
        "product_uom",
        "price_unit",
        "discount",
        "product_packaging_id",
        "product_packaging_qty",
        "product_no_variant_attribute_value_ids",
        "display_type",
    }
)
# Changing these on an order changes the warehouse or the date of every line
# (sale_stock computes the warehouse from the salesperson and the company).
ORDER_STOCK_FIELDS = frozenset(
    {"commitment_date", "warehouse_id", "user_id", "company_id"}
)
# Changing these on a line changes the quantity it needs, where or when.
LINE_STOCK_FIELDS = frozenset(
    {
        "product_id",
        "product_uom_qty",
        "product_uom",
        "product_packaging_id",
        "product_packaging_qty",
        "customer_lead",
        "route_id",
        "warehouse_id",
        "display_type",
    }
)


class SaleOrder(models.Model):
    """Accuracy: which lines the automatic check before the commit prices
    again, and which products it forecasts again. The save-time check
    computes the expected price of the lines whose price inputs changed in
    the transaction only, and the stock forecast of the products whose lines
    changed in quantity, unit, product or date; the findings of the other
    lines stay as they are (``sale.accuracy.rule``'s price and stock checks).
    A full check (the action, the confirmation, the cron) checks every line."""

    _inherit = "sale.order"

    def _accuracy_reprice_lines(self, lines=None):
        """Have the automatic check of this transaction price ``lines`` of
        these orders again (all their lines when ``lines`` is None)."""
        self._accuracy_scope_add(
            ACCURACY_PRICE_SCOPE_KEY,
            lines,
            lambda line: line.id if isinstance(line.id, int) else None,
        )

    def _accuracy_restock_lines(self, lines=None):
        """Have the automatic check of this transaction forecast again the
        stock of the products of ``lines`` in these orders (of all their
        products when ``lines`` is None). Called before a line changes its
        product or goes away too: the other lines of its old product then
        need less."""
        self._accuracy_scope_add(
            ACCURACY_STOCK_SCOPE_KEY, lines, lambda line: line.product_id.id or None
        )

    def _accuracy_scope_add(self, key, lines, item):
        """Add to the scope ``key`` of this transaction's automatic check
        ``item(line)`` of each of ``lines`` (skipped when None), per order;
        ``lines`` None: everything of these orders (the order's entry None)."""
        scope = self.env.cr.precommit.data.setdefault(key, {})
        if lines is None:
            for order_id in self._ids:
                if isinstance(order_id, int):
                    scope[order_id] = None
            return
        for line in lines:
            order_id = line.order_id.id
            value = item(line)
            if not isinstance(order_id, int) or value is None:
                continue
            if order_id not in scope:
                scope[order_id] = set()
            if scope[order_id] is not None:
                scope[order_id].add(value)

    def _accuracy_pop_price_scope(self, ids):
        """``{order id: line ids to price, or None for all}`` of the orders
        ``ids``, taken out of this transaction's record (an order whose
        price inputs did not change: an empty set)."""
        scope = self.env.cr.precommit.data.get(ACCURACY_PRICE_SCOPE_KEY) or {}
        return {order_id: scope.pop(order_id, set()) for order_id in ids}

    def _accuracy_pop_stock_scope(self, ids):
        """``{order id: product ids to forecast, or None for all}`` of the
        orders ``ids``, taken out of this transaction's record (an order
        whose stock inputs did not change: an empty set)."""
        scope = self.env.cr.precommit.data.get(ACCURACY_STOCK_SCOPE_KEY) or {}
        return {order_id: scope.pop(order_id, set()) for order_id in ids}

    def _accuracy_pop_scopes(self, ids):
        """What the automatic check of the orders ``ids`` checks again:
        ``{"price": _accuracy_pop_price_scope, "stock":
        _accuracy_pop_stock_scope}`` (see ``_accuracy_run_orders``)."""
        return {
            "price": self._accuracy_pop_price_scope(ids),
            "stock": self._accuracy_pop_stock_scope(ids),
        }

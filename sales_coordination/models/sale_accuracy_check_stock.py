# One file per check type (the architecture): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from odoo import fields, models
from odoo.tools import float_compare


class SaleAccuracyRule(models.Model):
    """Stock check: the forecast at the delivery date."""

    _inherit = "sale.accuracy.rule"

    check_type = fields.Selection(
        selection_add=[
            ("stock_availability", "Stock not available at the delivery date"),
        ],
        ondelete={"stock_availability": "cascade"},
    )

    def _accuracy_check_stock_availability(self, data, order_ids, lines):
        """Forecast per warehouse and product at each line's delivery date.

        Per warehouse: one read of the on-hand quantities and one grouped read
        of the incoming and outgoing moves per day; the forecast at any date is
        then computed in memory.

        The automatic check of a save (``data.stock_scope``) forecasts only
        the products whose lines changed in quantity, unit, product or date
        in the transaction (every line of such a product in the order: they
        add up what they need), and keeps the findings of this rule on the
        other lines as they are.
        """
        lines, kept = self._accuracy_lines_in_scope(
            data, lines, data.stock_scope, "product_id"
        )
        by_warehouse = defaultdict(list)
        for line in lines:
            if line["is_storable"] and line["qty"] > 0 and line["warehouse_id"]:
                by_warehouse[line["warehouse_id"]].append(line)
        findings = []
        now = fields.Datetime.now()
        for warehouse_id, wh_lines in by_warehouse.items():
            warehouse = self.env["stock.warehouse"].sudo().browse(warehouse_id)
            dates = {
                line["id"]: max(
                    data.orders[line["order_id"]]["commitment_date"]
                    or data.expected_date(line),
                    now,
                )
                for line in wh_lines
            }
            products = (
                self.env["product.product"]
                .browse({line["product_id"] for line in wh_lines})
                .with_context(warehouse_id=warehouse_id)
            )
            forecast = self._forecast_by_day(products, max(dates.values()))
            needed = defaultdict(float)
            for line in wh_lines:
                qty = data.product_qty(line)
                key = (line["order_id"], line["product_id"])
                needed[key] += qty
                available = forecast(line["product_id"], dates[line["id"]])
                rounding = data.uom_rounding(line["product_uom_id"])
                # float_compare only when it may say "more than available"
                if (
                    needed[key] <= available
                    or float_compare(
                        needed[key], available, precision_rounding=rounding
                    )
                    <= 0
                ):
                    continue
                findings.append(
                    (
                        line["order_id"],
                        line["id"],
                        self.env._(
                            "%(product)s: %(qty)s needed on %(date)s but the "
                            "forecast of %(warehouse)s is %(available)s. "
                            "Move the delivery date or check with the "
                            "warehouse.",
                            product=data.product_name(line["product_id"]),
                            qty=data.format_qty(qty, line["product_uom_id"]),
                            date=fields.Date.to_string(dates[line["id"]].date()),
                            warehouse=warehouse.name,
                            available=data.format_qty(
                                available, line["product_uom_id"]
                            ),
                        ),
                    )
                )
        return kept + findings

    def _forecast_by_day(self, products, until):
        """Return ``forecast(product_id, date)`` for the warehouse in context."""
        quant_domain, in_domain, out_domain = products._get_domain_locations()
        Quant = self.env["stock.quant"].sudo().with_context(active_test=False)
        Move = self.env["stock.move"].sudo().with_context(active_test=False)
        on_hand = {
            product.id: quantity
            for product, quantity in Quant._read_group(
                [("product_id", "in", products.ids)] + quant_domain,
                ["product_id"],
                ["quantity:sum"],
            )
        }
        todo = [
            ("product_id", "in", products.ids),
            (
                "state",
                "in",
                ("waiting", "confirmed", "assigned", "partially_available"),
            ),
            ("date", "<=", until),
        ]
        deltas = defaultdict(list)
        for domain, sign in ((in_domain, 1), (out_domain, -1)):
            for product, day, qty in Move._read_group(
                todo + domain, ["product_id", "date:day"], ["product_qty:sum"]
            ):
                deltas[product.id].append(
                    (fields.Datetime.to_datetime(day), sign * qty)
                )

        def forecast(product_id, date):
            return on_hand.get(product_id, 0.0) + sum(
                qty for day, qty in deltas.get(product_id, ()) if day <= date
            )

        return forecast

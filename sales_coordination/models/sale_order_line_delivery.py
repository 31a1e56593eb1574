# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class SaleOrderLine(models.Model):
    """What is still to come of a line and when: the delivery update lists
    them (computed on demand from the order's open moves to the customer)."""

    _inherit = "sale.order.line"

    delivery_qty_to_come = fields.Float(
        string="Still to Come",
        compute="_compute_delivery_to_come",
        digits="Product Unit of Measure",
    )
    delivery_line_expected_date = fields.Datetime(
        string="Expected",
        compute="_compute_delivery_to_come",
        help="When the rest of the line is expected to leave; empty when "
        "nothing is forecast.",
    )

    def _compute_delivery_to_come(self):
        orders = self.order_id.filtered(lambda order: order.id)
        moves = orders._delivery_lines_to_come() if orders else {}
        quantities, dates, unknown = {}, {}, set()
        for lines in moves.values():
            for move in lines:
                line_id = move["line_id"]
                quantities[line_id] = quantities.get(line_id, 0.0) + move["quantity"]
                if not move["expected"]:
                    unknown.add(line_id)
                elif line_id not in dates or move["expected"] > dates[line_id]:
                    dates[line_id] = move["expected"]
        for line in self:
            line_id = line._origin.id
            line.delivery_qty_to_come = quantities.get(line_id, 0.0)
            line.delivery_line_expected_date = (
                False if line_id in unknown else dates.get(line_id, False)
            )

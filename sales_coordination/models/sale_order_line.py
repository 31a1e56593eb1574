from odoo import api, fields, models

from .sale_accuracy_selections import ACCURACY_SEVERITIES
from .sale_order_accuracy_scope import LINE_PRICE_FIELDS, LINE_STOCK_FIELDS

# Changing these on a line of an overridden order voids the override.
LINE_RESET_FIELDS = frozenset(
    {"product_id", "product_uom_qty", "product_uom", "price_unit", "discount"}
)


# Changing these on a line runs its quotation's checks again before the commit
# (the packaging quantity and the attributes change the quantity and the price
# that Odoo computes).
LINE_TRIGGER_FIELDS = LINE_RESET_FIELDS | {
    "product_packaging_id",
    "product_packaging_qty",
    "product_no_variant_attribute_value_ids",
    "display_type",
}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    accuracy_issue_level = fields.Selection(
        selection=ACCURACY_SEVERITIES,
        string="Accuracy",
        compute="_compute_accuracy_issue",
        help="Most severe open accuracy issue of this line.",
    )
    accuracy_issue_message = fields.Text(
        string="Accuracy Issues", compute="_compute_accuracy_issue"
    )

    # === COMPUTE METHODS ===

    @api.depends(
        "order_id.accuracy_open_issue_ids.line_id",
        "order_id.accuracy_open_issue_ids.severity",
        "order_id.accuracy_open_issue_ids.message",
    )
    def _compute_accuracy_issue(self):
        for line in self:
            issues = line.order_id.accuracy_open_issue_ids.filtered(
                lambda i, line=line: i.line_id == line
            )
            if not issues:
                line.accuracy_issue_level = False
            elif "blocking" in issues.mapped("severity"):
                line.accuracy_issue_level = "blocking"
            else:
                line.accuracy_issue_level = "warning"
            line.accuracy_issue_message = "\n".join(issues.mapped("message")) or False

    # === CRUD METHODS ===

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._accuracy_reset_override()
        lines.order_id._accuracy_reprice_lines(lines)
        lines.order_id._accuracy_restock_lines(lines)
        lines.order_id._accuracy_schedule_check()
        return lines

    def write(self, vals):
        # An override holds for the lines as they were: any change of their
        # quantity, unit, price, discount or product voids it, whichever field
        # or computation made it (a packaging quantity recomputes the quantity,
        # a pricelist rule the price).
        overridden = (
            self.browse()
            if LINE_RESET_FIELDS.intersection(vals)
            else self.filtered(
                lambda line: (
                    line.order_id.accuracy_state == "overridden"
                    and line.order_id.state in ("draft", "sent")
                )
            )
        )
        before = overridden._accuracy_reset_values()
        if LINE_STOCK_FIELDS.intersection(vals):
            # the products they have now: another product leaves them
            self.order_id._accuracy_restock_lines(self)
        res = super().write(vals)
        if LINE_RESET_FIELDS.intersection(vals):
            self.order_id._accuracy_reset_override()
        elif overridden:
            overridden.flush_recordset(list(LINE_RESET_FIELDS))
            after = overridden._accuracy_reset_values()
            overridden.filtered(
                lambda line: before[line.id] != after[line.id]
            ).order_id._accuracy_reset_override()
        if LINE_PRICE_FIELDS.intersection(vals):
            self.order_id._accuracy_reprice_lines(self)
        if "product_id" in vals:
            self.order_id._accuracy_restock_lines(self)
        if LINE_TRIGGER_FIELDS.intersection(vals):
            self.order_id._accuracy_schedule_check()
        return res

    def unlink(self):
        orders = self.order_id
        # the other lines of their products need less
        orders._accuracy_restock_lines(self)
        res = super().unlink()
        orders = orders.exists()
        orders._accuracy_reset_override()
        orders._accuracy_schedule_check()
        return res

    # === BUSINESS METHODS ===

    def _accuracy_reset_values(self):
        """``{line id: values of LINE_RESET_FIELDS}``: what an override holds."""
        fnames = sorted(LINE_RESET_FIELDS)
        return {line.id: tuple(line[fname] for fname in fnames) for line in self}

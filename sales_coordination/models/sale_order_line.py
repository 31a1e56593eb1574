from odoo import api, fields, models

from .sale_accuracy_selections import ACCURACY_SEVERITIES

# Changing these on a line of an overridden order voids the override.
LINE_RESET_FIELDS = frozenset(
    {"product_id", "product_uom_qty", "product_uom", "price_unit", "discount"}
)


# Changing these on a line runs its quotation's checks again before the commit.
LINE_TRIGGER_FIELDS = LINE_RESET_FIELDS | {"product_packaging_id", "display_type"}


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
        lines.order_id._accuracy_schedule_check()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if LINE_RESET_FIELDS.intersection(vals):
            self.order_id._accuracy_reset_override()
        if LINE_TRIGGER_FIELDS.intersection(vals):
            self.order_id._accuracy_schedule_check()
        return res

    def unlink(self):
        orders = self.order_id
        res = super().unlink()
        orders = orders.exists()
        orders._accuracy_reset_override()
        orders._accuracy_schedule_check()
        return res

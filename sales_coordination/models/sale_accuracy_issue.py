from odoo import fields, models


class SaleAccuracyIssue(models.Model):
    """A finding of an accuracy rule on an order (or one of its lines).

    Issues are written by the checks only (``sale.order._accuracy_check``);
    users read them, and the KPIs count them.
    """

    _name = "sale.accuracy.issue"
    _inherit = ["sales.coordination.source.mixin"]  # noqa: RUF012
    _description = "Order Accuracy Issue"
    _order = "date_found desc, id desc"
    _rec_name = "message"
    _check_company_auto = True
    # readable by whoever may read the order
    _sc_source_fields = ("order_id",)

    order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Order",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    line_id = fields.Many2one(
        comodel_name="sale.order.line",
        string="Order Line",
        index="btree_not_null",
        ondelete="cascade",
    )
    rule_id = fields.Many2one(
        comodel_name="sale.accuracy.rule",
        string="Rule",
        required=True,
        index=True,
        ondelete="cascade",
    )
    rule_code = fields.Char(related="rule_id.code", store=True, string="Rule Code")
    severity = fields.Selection(
        selection=[("warning", "Warning"), ("blocking", "Blocking")],
        required=True,
    )
    category = fields.Selection(
        selection=[
            ("data", "Data"),
            ("pricing", "Pricing"),
            ("fulfillment", "Fulfillment"),
            ("credit", "Credit"),
        ],
        required=True,
    )
    message = fields.Text(required=True)
    state = fields.Selection(
        selection=[
            ("open", "Open"),
            ("resolved", "Resolved"),
            ("overridden", "Overridden"),
        ],
        required=True,
        default="open",
        index=True,
    )
    date_found = fields.Datetime(
        string="Found on", required=True, default=fields.Datetime.now
    )
    date_resolved = fields.Datetime(string="Resolved on")
    date_overridden = fields.Datetime(string="Overridden on")
    overridden_by_id = fields.Many2one(comodel_name="res.users", string="Overridden by")
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, string="Company"
    )
    partner_id = fields.Many2one(
        related="order_id.partner_id", string="Customer", store=True
    )
    product_id = fields.Many2one(related="line_id.product_id", string="Product")

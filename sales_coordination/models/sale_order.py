from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # === FIELDS: OWNERSHIP ===

    coordinator_id = fields.Many2one(
        comodel_name="res.users",
        string="Coordinator",
        compute="_compute_coordinator_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Sales Coordinator following this order. Defaults to the "
        "customer's coordinator, then to the sales team's.",
    )
    administrator_id = fields.Many2one(
        comodel_name="res.users",
        string="Administrator",
        compute="_compute_administrator_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Sales Administrator processing this order. Defaults to the "
        "customer's administrator, then to the sales team's.",
    )

    # === COMPUTE METHODS ===

    @api.depends("partner_id", "team_id")
    def _compute_coordinator_id(self):
        for order in self:
            order.coordinator_id = (
                order.partner_id.commercial_partner_id.sales_coordinator_id
                or order.team_id.coordinator_id
                or order.coordinator_id
            )

    @api.depends("partner_id", "team_id")
    def _compute_administrator_id(self):
        for order in self:
            order.administrator_id = (
                order.partner_id.commercial_partner_id.sales_administrator_id
                or order.team_id.administrator_id
                or order.administrator_id
            )

    # === FIELDS: KPI TIMESTAMPS ===

    invoice_posted_date = fields.Datetime(
        string="First Invoice Posted On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the first customer invoice of this order was posted; "
        "the end of the invoice processing time.",
    )

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

    # =====================================================================
    # FOLLOW-UPS AND SUPPORT REQUESTS (issue 4)
    # Kept in one block at the end of the class.
    # =====================================================================

    quotation_sent_date = fields.Datetime(
        string="Quotation Sent On",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="When the quotation was last sent; the follow-up rules count "
        "their delay from it.",
    )
    support_request_ids = fields.One2many(
        comodel_name="sales.support.request",
        inverse_name="order_id",
        string="Support Requests",
    )
    support_request_count = fields.Integer(compute="_compute_support_request_count")

    def _compute_support_request_count(self):
        groups = self.env["sales.support.request"]._read_group(
            [("order_id", "in", self.ids)], ["order_id"], ["__count"]
        )
        counts = {order.id: count for order, count in groups}
        for order in self:
            order.support_request_count = counts.get(order.id, 0)

    def write(self, vals):
        if vals.get("state") == "sent" and "quotation_sent_date" not in vals:
            vals = dict(vals, quotation_sent_date=fields.Datetime.now())
        return super().write(vals)

    def action_view_support_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_coordination.sales_support_request_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {
            "default_order_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    def action_create_support_request(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Support Request"),
            "res_model": "sales.support.request",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_order_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_team_id": self.team_id.id,
                "default_company_id": self.company_id.id,
                "default_name": self.env._("About %(order)s", order=self.name),
            },
        }

# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class SaleOrder(models.Model):
    """Support requests: the requests about an order, its smart button and
    the dialog to file one."""

    _inherit = "sale.order"

    # === FIELDS ===

    support_request_ids = fields.One2many(
        comodel_name="sales.support.request",
        inverse_name="order_id",
        string="Support Requests",
        # warehouse and billing users read orders but not requests
        groups="sales_team.group_sale_salesman",
    )
    support_request_count = fields.Integer(compute="_compute_support_request_count")
    # === COMPUTE METHODS ===

    def _compute_support_request_count(self):
        Request = self.env["sales.support.request"]
        if not Request.has_access("read"):
            self.support_request_count = 0
            return
        groups = Request._read_group(
            [("order_id", "in", self.ids)], ["order_id"], ["__count"]
        )
        counts = {order.id: count for order, count in groups}
        for order in self:
            order.support_request_count = counts.get(order.id, 0)

    # === ACTION METHODS ===

    def action_view_support_requests(self):
        return self.env["sales.support.request"]._action_view_for(self, "order_id")

    def action_create_support_request(self):
        return self.env["sales.support.request"]._action_create_for(self, "order_id")

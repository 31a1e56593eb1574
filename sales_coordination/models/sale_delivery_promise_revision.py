from odoo import api, fields, models

from .sale_order_delivery_actions import REVISION_REASONS


class SaleDeliveryPromiseRevision(models.Model):
    """One change of an order's delivery promise: written only by
    ``sale.order.action_revise_promise``, readable by whoever reads the
    order."""

    _name = "sale.delivery.promise.revision"
    _inherit = ["sales.coordination.source.mixin"]  # noqa: RUF012
    _description = "Delivery Promise Revision"
    _sc_source_fields = ("order_id",)
    _order = "revision_date desc, id desc"
    _rec_name = "order_id"

    # === FIELDS ===

    order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Order",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    partner_id = fields.Many2one(
        related="order_id.partner_id", string="Customer", store=True
    )
    previous_date = fields.Datetime(string="Previous Promise", readonly=True)
    new_date = fields.Datetime(string="New Promise", required=True, readonly=True)
    reason = fields.Selection(selection=REVISION_REASONS, required=True, readonly=True)
    note = fields.Text(readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Revised By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    revision_date = fields.Datetime(
        string="Revised On",
        required=True,
        readonly=True,
        default=fields.Datetime.now,
    )
    customer_notified = fields.Boolean(readonly=True)

    # === BUSINESS METHODS ===

    @api.model
    def _sc_log(self, vals_list):
        """Create the revisions (users only read them: the order's write
        access was checked by the caller)."""
        user = self.env.user
        return self.sudo().create([dict(vals, user_id=user.id) for vals in vals_list])

from odoo import api, fields, models

from .res_users_coordination import ADMINISTRATORS_DOMAIN, COORDINATORS_DOMAIN


class SaleOrder(models.Model):
    """Ownership: every order names its coordinator and its administrator,
    and belongs to coordination or not (the scope mixin). The other
    capabilities of ``sale.order`` extend it in their own files:
    ``sale_order_accuracy*.py``, ``sale_order_history.py``,
    ``sale_order_support.py`` and ``sale_order_followup.py``."""

    _name = "sale.order"
    _inherit = ["sale.order", "sales.coordination.scope.mixin"]  # noqa: RUF012
    _sc_scope_owner_fields = ("coordinator_id", "administrator_id")

    # === FIELDS ===

    coordinator_id = fields.Many2one(
        comodel_name="res.users",
        string="Coordinator",
        compute="_compute_coordinator_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        domain=COORDINATORS_DOMAIN,
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
        domain=ADMINISTRATORS_DOMAIN,
        help="Sales Administrator processing this order. Defaults to the "
        "customer's administrator, then to the sales team's.",
    )

    # === COMPUTE METHODS ===

    @api.depends("partner_id", "team_id")
    def _compute_coordinator_id(self):
        for order in self:
            order.coordinator_id = (
                order.partner_id._sc_resolve_owner("coordinator", order.team_id)
                or order.coordinator_id
            )

    @api.depends("partner_id", "team_id")
    def _compute_administrator_id(self):
        for order in self:
            order.administrator_id = (
                order.partner_id._sc_resolve_owner("administrator", order.team_id)
                or order.administrator_id
            )

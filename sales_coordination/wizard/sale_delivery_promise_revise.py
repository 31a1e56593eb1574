from odoo import api, fields, models

from ..models.sale_order_delivery_actions import REVISION_REASONS


class SaleDeliveryPromiseRevise(models.TransientModel):
    """The dialog of ``sale.order.action_revise_promise``: from the order
    form and from the *Deliveries* board (one or several orders)."""

    _name = "sale.delivery.promise.revise"
    _description = "Revise a Delivery Promise"

    # === FIELDS ===

    order_ids = fields.Many2many(
        comodel_name="sale.order",
        string="Orders",
        required=True,
    )
    current_promise_date = fields.Datetime(
        string="Promised", compute="_compute_current", readonly=True
    )
    expected_date = fields.Datetime(
        string="Expected", compute="_compute_current", readonly=True
    )
    new_date = fields.Datetime(string="New Promise", required=True)
    reason = fields.Selection(
        selection=REVISION_REASONS, required=True, default="supplier_delay"
    )
    note = fields.Text(help="Required for the reason Other.")
    notify_customer = fields.Boolean(
        string="Send the customer the delivery update",
        default=True,
    )

    # === COMPUTE METHODS ===

    @api.depends("order_ids")
    def _compute_current(self):
        for wizard in self:
            orders = wizard.order_ids
            wizard.current_promise_date = (
                orders[:1].delivery_promise_date if len(orders) == 1 else False
            )
            wizard.expected_date = (
                orders[:1].delivery_expected_date if len(orders) == 1 else False
            )

    # === CRUD METHODS ===

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if (
            "order_ids" in fields_list
            and self.env.context.get("active_model") == "sale.order"
            and isinstance(self.env.context.get("active_ids"), list)
        ):
            orders = self.env["sale.order"].browse(
                [i for i in self.env.context["active_ids"] if isinstance(i, int)]
            )
            values["order_ids"] = [fields.Command.set(orders.ids)]
            if len(orders) == 1 and "new_date" in fields_list:
                values["new_date"] = (
                    orders.delivery_expected_date or orders.delivery_promise_date
                )
        return values

    # === ACTION METHODS ===

    def action_apply(self):
        """Revise the promise of the orders (and inform their customers)."""
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        self.order_ids.action_revise_promise(
            self.new_date,
            self.reason,
            note=self.note or None,
            notify_customer=self.notify_customer,
        )
        return {"type": "ir.actions.act_window_close"}

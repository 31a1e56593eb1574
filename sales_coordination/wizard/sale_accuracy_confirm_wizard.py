from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime


class SaleAccuracyConfirmWizard(models.TransientModel):
    """Shows the open accuracy issues of blocked quotations; Coordination
    Managers override them (and confirm) in one step."""

    _name = "sale.accuracy.confirm.wizard"
    _description = "Order Accuracy Issues"

    order_ids = fields.Many2many(
        comodel_name="sale.order", string="Orders", required=True
    )
    issue_ids = fields.Many2many(
        comodel_name="sale.accuracy.issue",
        string="Open Issues",
        compute="_compute_issue_ids",
    )
    confirm_after = fields.Boolean(
        string="Confirm after the override",
        help="Set when the dialog comes from a blocked confirmation.",
    )
    can_override = fields.Boolean(compute="_compute_can_override")
    override_requested = fields.Boolean(compute="_compute_override_requested")
    override_request_summary = fields.Html(
        string="Requests",
        compute="_compute_override_request_summary",
        sanitize=False,
        help="Who asked for the override of each order, when and why.",
    )
    reason = fields.Text()

    # === COMPUTE METHODS ===

    @api.depends("order_ids")
    def _compute_issue_ids(self):
        for wizard in self:
            orders = wizard.order_ids._filtered_access("read")
            wizard.issue_ids = orders.accuracy_open_issue_ids

    @api.depends("order_ids")
    @api.depends_context("uid")
    def _compute_can_override(self):
        self.can_override = self.env.user.has_group("sales_coordination.group_manager")

    @api.depends("order_ids")
    def _compute_override_requested(self):
        for wizard in self:
            orders = wizard.order_ids._filtered_access("read")
            wizard.override_requested = bool(
                orders.filtered("accuracy_override_requested_by_id")
            )

    @api.depends("order_ids")
    def _compute_override_request_summary(self):
        for wizard in self:
            requested = (
                wizard.order_ids._filtered_access("read")
                .sudo()
                .filtered("accuracy_override_requested_by_id")
            )
            wizard.override_request_summary = Markup().join(
                Markup("<p>%s</p>")
                % self.env._(
                    "%(order)s: asked by %(user)s on %(date)s: %(reason)s",
                    order=order.name,
                    user=order.accuracy_override_requested_by_id.name,
                    date=format_datetime(
                        self.env, order.accuracy_override_request_date
                    ),
                    reason=order.accuracy_override_request_reason,
                )
                for order in requested
            )

    # === CONSTRAINT METHODS ===

    @api.constrains("order_ids")
    def _check_order_ids(self):
        """The dialog shows the issues of orders its author may read only."""
        if self.env.su:
            return
        orders = self.sudo().order_ids.with_env(self.env)
        hidden = orders - orders._filtered_access("read")
        if hidden:
            raise AccessError(
                self.env._(
                    "You may not read the orders %(ids)s.",
                    ids=", ".join(str(i) for i in hidden.ids),
                )
            )

    # === ACTION METHODS ===

    def action_override(self):
        """Override the blocking issues, then confirm when asked to."""
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give a reason for the override."))
        answer = self.order_ids.with_context(
            sc_accuracy_notify=True
        ).action_accuracy_override(self.reason)
        if self.confirm_after:
            return self.order_ids.with_context(
                accuracy_confirm_dialog=True
            ).action_confirm()
        return answer

    def action_request_override(self):
        """Ask a Coordination Manager for an override (who is stopped)."""
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        return self.order_ids.with_context(
            sc_accuracy_notify=True
        ).action_accuracy_request_override(self.reason)

    def action_reject(self):
        """Refuse the pending override requests (managers)."""
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        return self.order_ids.with_context(
            sc_accuracy_notify=True
        ).action_accuracy_reject_override(self.reason)

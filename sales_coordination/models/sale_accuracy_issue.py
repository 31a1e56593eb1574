from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index

from .sale_accuracy_selections import (
    ACCURACY_CATEGORIES,
    ACCURACY_ISSUE_STATES,
    ACCURACY_SEVERITIES,
)


class SaleAccuracyIssue(models.Model):
    """A finding of an accuracy rule on an order (or one of its lines).

    Issues are written by the checks only (``sale.order._accuracy_run``);
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
        selection=ACCURACY_SEVERITIES,
        required=True,
    )
    category = fields.Selection(
        selection=ACCURACY_CATEGORIES,
        required=True,
    )
    message = fields.Text(required=True)
    state = fields.Selection(
        selection=ACCURACY_ISSUE_STATES,
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
    fix_label = fields.Char(
        string="Fix",
        compute="_compute_fix_label",
        help="What the one-click fix does (action_fix); empty when the issue "
        "has no fix, is not open or its order is no quotation any more.",
    )

    # === INIT ===

    def init(self):
        res = super().init()
        # Every check reads the open and overridden issues of its orders: one
        # index holds both conditions. With the plain order and state indexes
        # alone, a planner without fresh statistics (thousands of quotations
        # just created, before the next ANALYZE) combined them and read the
        # whole state index for the issues of a single order.
        create_index(
            self.env.cr,
            "sale_accuracy_issue_order_state_index",
            self._table,
            ["order_id", "state"],
        )
        return res

    # === COMPUTE METHODS ===

    @api.depends("state", "message", "order_id.state")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_fix_label(self):
        plans = self._accuracy_fix_plans()
        for issue in self:
            issue.fix_label = plans[issue.id][0] if issue.id in plans else False

    # === ACTION METHODS ===

    def action_fix(self):
        """Apply the one-click fix of these open issues (``fix_label``).

        The fix changes the order as the current user (who must be allowed to
        modify it), runs the order's checks again and logs a note saying who
        fixed what.

        An issue that is no longer open, or that the order no longer has
        once checked again, is "already solved": no error.

        :return: True (from the form: a notification)
        :raise UserError: when an open issue has no fix, or its order is not
            a quotation any more
        :raise AccessError: when the user may not modify the order
        """
        check = self.env["sales.coordination.rpc.check"]
        check._sc_validate_ids(self, allow_empty=True, check_exists=False)
        if not self:
            raise UserError(self.env._("Select at least one issue to fix."))
        self.check_access("read")
        orders = self.order_id
        orders.check_access("write")
        orders._accuracy_assert_fixable()
        plans = self._accuracy_fix_plans()
        # What the user clicked may be out of date (the order changed since
        # the banner was drawn): the issues without a fix are checked again
        # first; those the check resolves are "already solved", not an error.
        unplanned = self.filtered(lambda issue: issue.id not in plans)
        if unplanned:
            unplanned.order_id._accuracy_run()
            unplanned.invalidate_recordset(["state"])
        solved = unplanned.filtered(lambda issue: issue.state != "open")
        no_fix = unplanned - solved
        if no_fix:
            raise UserError(
                self.env._(
                    "These issues have no fix: %(issues)s. Correct the order by hand.",
                    issues="; ".join(no_fix.mapped("message")),
                )
            )
        to_fix = self - solved
        if not to_fix:
            return self._accuracy_fix_answer(
                self.env._(
                    "Already solved: %(issues)s. The order was checked again.",
                    issues="; ".join(solved.mapped("message")),
                )
            )
        self = to_fix  # noqa: PLW0642 - the rest fixes what is left
        orders = self.order_id
        done = {}
        for issue in self:
            label, record, vals = plans[issue.id]
            record.with_env(self.env).write(vals)
            done.setdefault(issue.order_id.id, []).append((issue, label))
        orders._accuracy_run()
        bodies = {
            order_id: Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._(
                    "Accuracy issues fixed by %(user)s:", user=self.env.user.name
                ),
                Markup().join(
                    Markup("<li>%s: %s</li>") % (label, issue.message)
                    for issue, label in fixes
                ),
            )
            for order_id, fixes in done.items()
        }
        # a logged note: it notifies nobody (the user needs no email address)
        orders.browse(list(bodies))._message_log_batch(bodies=bodies)
        return self._accuracy_fix_answer(
            self.env._(
                "%(count)s issue(s) fixed; the order was checked again.",
                count=len(self),
            )
        )

    def _accuracy_fix_answer(self, message, next_action=None):
        """What a fix (or an override request or decision) returns: True
        over RPC; from the form (context key ``sc_accuracy_notify``), Odoo's
        notification with ``message``, then ``next_action`` (by default the
        form reloaded)."""
        if self.env.context.get("sc_accuracy_notify") is not True:
            return True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success",
                "sticky": False,
                "next": next_action
                or {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # === BUSINESS METHODS ===

    def _accuracy_fix_plans(self):
        """``{issue id: (label, record, values)}`` for the open issues of
        quotations that have a fix: each check type that has one defines
        ``_accuracy_fix_<type>(issues)`` on ``sale.accuracy.rule``. Read as
        superuser; the fix itself is written as the user."""
        plans = {}
        issues = self.sudo().filtered(
            lambda i: (
                i.state == "open"
                and i.order_id.state in ("draft", "sent")
                and isinstance(i.id, int)
            )
        )
        for rule, rule_issues in issues.grouped("rule_id").items():
            method = getattr(rule, f"_accuracy_fix_{rule.check_type}", None)
            if method:
                plans.update(method(rule_issues))
        return {
            issue_id: plan
            for issue_id, plan in plans.items()
            if self._accuracy_fix_readable(plan)
        }

    def _accuracy_fix_readable(self, plan):
        """Whether the user may read what a fix names and sets: a fix that
        would name a contact, a term or a product of another company is no
        fix for them (its label would leak it)."""
        _label, record, vals = plan
        for fname, value in vals.items():
            field = record._fields.get(fname)
            if field and field.type == "many2one" and value:
                target = self.env[field.comodel_name].browse(value)
                if not target._filtered_access("read"):
                    return False
        return True

# One file per trigger family (see sales_followup_rule.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class SalesFollowupRule(models.Model):
    """The invoice trigger: a customer invoice overdue."""

    _inherit = "sales.followup.rule"

    trigger = fields.Selection(
        selection_add=[("invoice_overdue", "Invoice overdue")],
        ondelete={"invoice_overdue": "cascade"},
    )

    # === BUSINESS METHODS: THE TRIGGERS' CONTRACT ===

    def _followup_triggers(self):
        return {
            **super()._followup_triggers(),
            "invoice_overdue": {
                "model": "account.move",
                "activity_type": (
                    "sales_coordination.mail_activity_type_payment_followup"
                ),
                "find": self._followup_find_invoice_overdue,
                "resolve": self._followup_resolved_invoice_overdue,
            },
        }

    @api.model
    def _close_reasons(self):
        return {
            **super()._close_reasons(),
            "paid": self.env._("Closed automatically: the invoice was paid."),
            "reversed": self.env._(
                "Closed automatically: the invoice was reversed or cancelled."
            ),
        }

    # === BUSINESS METHODS: FINDER AND RESOLVER ===

    def _followup_find_invoice_overdue(self, today):
        return SQL(
            "rec.move_type = 'out_invoice' AND rec.state = 'posted' "
            "AND rec.payment_state IN ('not_paid', 'partial') "
            "AND rec.invoice_date_due <= %s",
            today - timedelta(days=self.delay_days),
        )

    def _followup_resolved_invoice_overdue(self, today):
        return SQL(
            """CASE WHEN rec.payment_state IN ('paid', 'in_payment') THEN 'paid'
                    WHEN rec.payment_state = 'reversed' OR rec.state = 'cancel'
                    THEN 'reversed' END"""
        )

# Cover beside the override requests (sale_order_accuracy_override.py).
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class SaleOrder(models.Model):
    """Cover: an override request for a Coordination Manager who is away goes
    to whoever covers for them, when that person is a Coordination Manager
    of the order's company too (only a manager can decide), and its activity
    says so."""

    _inherit = "sale.order"

    # === ACTION METHODS ===

    def action_accuracy_request_override(self, reason=None):
        """See ``sale_order_accuracy_override.py``: the same, with the cover
        of an approver who is away."""
        result = super().action_accuracy_request_override(reason=reason)
        self._sc_note_override_cover()
        return result

    # === BUSINESS METHODS ===

    def _accuracy_override_approver(self):
        approver = super()._accuracy_override_approver()
        backup = self._sc_override_cover(approver)
        return backup or approver

    def _sc_override_cover(self, approver):
        """Who covers for ``approver`` today, when that one may decide on
        this order's override (else an empty recordset)."""
        self.ensure_one()
        if not approver:
            return approver
        day = fields.Date.context_today(self)
        backup = approver._sc_cover_map(day).get(approver.id, {}).get("user")
        if backup and backup in self.company_id._sc_coordination_managers():
            return backup
        return approver.browse()

    def _sc_note_override_cover(self):
        """Say on the "Override request" activities given to a backup whom
        the backup covers for."""
        activity_type = self.env.ref(
            "sales_coordination.mail_activity_type_override_request"
        )
        Users = self.env["res.users"]
        for order in self.sudo():
            approver = super(SaleOrder, order)._accuracy_override_approver()
            backup = order._sc_override_cover(approver)
            if not backup:
                continue
            activities = order.activity_ids.filtered(
                lambda a, backup=backup: (
                    a.activity_type_id == activity_type and a.user_id == backup
                )
            )
            for activity in activities:
                activity.with_context(mail_activity_quick_update=True).write(
                    {
                        "summary": self.env._(
                            "%(summary)s (%(cover)s)",
                            summary=activity.summary or activity_type.name,
                            cover=Users._sc_covering_note(approver),
                        )
                    }
                )
        return True

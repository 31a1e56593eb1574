# Cover beside the override requests (sale_order_accuracy_override.py).
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models
from odoo.tools import format_date


class SaleOrder(models.Model):
    """Cover: an override request for a Coordination Manager who is away goes
    to whoever covers for them when that person is a Coordination Manager of
    the order's company too (only a manager can decide), else to another
    Coordination Manager of the company who is not away; its activity says
    so. When no manager of the company is there, it waits with the absent
    one, and its activity says until when."""

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
        cover = self._sc_override_cover(approver)
        return (cover and cover["user"]) or approver

    def _sc_override_cover(self, approver):
        """Who decides on this order's override today instead of
        ``approver`` when that one is away.

        The one covering for them when a Coordination Manager of the order's
        company (only a manager can decide), else the first other manager of
        the company who is not away (Odoo administrators last), else nobody.

        :return: ``None`` when ``approver`` is not away, else ``{"user": the
            manager who decides (empty: nobody, it waits for the approver),
            "until": the last day of the absence}``
        """
        self.ensure_one()
        if not approver:
            return None
        day = fields.Date.context_today(self)
        entry = approver._sc_cover_map(day).get(approver.id)
        if not entry:
            return None
        managers = self.company_id._sc_coordination_managers()
        backup = entry["user"]
        if not (backup and backup in managers):
            others = managers - approver
            away = others._sc_cover_map(day)
            backup = others.filtered(lambda user: user.id not in away).sorted(
                lambda user: (user._is_admin(), user.id)
            )[:1]
        return {"user": backup.with_env(self.env), "until": entry["until"]}

    def _sc_note_override_cover(self):
        """Say on the "Override request" activities of an approver who is
        away whom the manager who got them covers for, or, when nobody
        could, that the approver is away and until when."""
        activity_type = self.env.ref(
            "sales_coordination.mail_activity_type_override_request"
        )
        Users = self.env["res.users"]
        for order in self.sudo():
            approver = super(SaleOrder, order)._accuracy_override_approver()
            cover = order._sc_override_cover(approver)
            if cover is None:
                continue
            if cover["user"]:
                note = Users._sc_covering_note(approver)
            else:
                note = self.env._(
                    "%(name)s is away until %(until)s, and no other "
                    "Coordination Manager is available",
                    name=approver.name,
                    until=format_date(self.env, cover["until"]),
                )
            holder = cover["user"] or approver
            activities = order.activity_ids.filtered(
                lambda a, holder=holder: (
                    a.activity_type_id == activity_type and a.user_id == holder
                )
            )
            for activity in activities:
                activity.with_context(mail_activity_quick_update=True).write(
                    {
                        "summary": self.env._(
                            "%(summary)s (%(cover)s)",
                            summary=activity.summary or activity_type.name,
                            cover=note,
                        )
                    }
                )
        return True

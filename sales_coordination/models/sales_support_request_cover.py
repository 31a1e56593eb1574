# Cover beside the request itself (sales_support_request.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models


class SalesSupportRequest(models.Model):
    """Cover: a request that would go by default to someone away goes to
    whoever covers for them, and says so. A request assigned by hand keeps
    its assignee."""

    _inherit = "sales.support.request"

    # === COMPUTE METHODS ===

    @api.depends("partner_id", "team_id")
    def _compute_assigned_to_id(self):
        unassigned = self.filtered(lambda r: not r.assigned_to_id)
        super()._compute_assigned_to_id()
        defaulted = unassigned.filtered("assigned_to_id")
        if not defaulted:
            return
        day = fields.Date.context_today(self)
        cover = defaulted.assigned_to_id._sc_cover_map(day)
        for request in defaulted:
            backup = cover.get(request.assigned_to_id.id, {}).get("user")
            company = request.company_id
            if backup and (not company or company in backup.company_ids):
                request.assigned_to_id = backup

    # === BUSINESS METHODS ===

    def _notify_assignee(self):
        result = super()._notify_assignee()
        absent = self._sc_covered_user()
        if absent:
            self.sudo()._message_log(
                body=self.env._(
                    "Assigned to %(backup)s, %(cover)s.",
                    backup=self.assigned_to_id.name,
                    cover=self.env["res.users"]._sc_covering_note(absent),
                )
            )
        return result

    def _sc_covered_user(self):
        """The user away for whom this request's assignee covers, when the
        request would be theirs by default (else an empty recordset)."""
        self.ensure_one()
        owner = (
            self.partner_id.commercial_partner_id.sales_coordinator_id
            or self.team_id.coordinator_id
        )
        if not owner or owner == self.assigned_to_id:
            return self.env["res.users"]
        day = fields.Date.context_today(self)
        entry = owner._sc_cover_map(day).get(owner.id)
        if entry and entry["user"] == self.assigned_to_id:
            return owner
        return self.env["res.users"]

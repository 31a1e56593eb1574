from odoo import fields, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "sales.coordination.scope.mixin"]  # noqa: RUF012
    # in coordination through their sales team only
    _sc_scope_owner_fields = ()

    # === FIELDS ===

    support_request_ids = fields.One2many(
        comodel_name="sales.support.request",
        inverse_name="lead_id",
        string="Support Requests",
        # the requests' access rights are the Sales groups'
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
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
        )
        counts = {lead.id: count for lead, count in groups}
        for lead in self:
            lead.support_request_count = counts.get(lead.id, 0)

    # === ACTION METHODS ===

    def action_view_support_requests(self):
        return self.env["sales.support.request"]._action_view_for(self, "lead_id")

    def action_create_support_request(self):
        return self.env["sales.support.request"]._action_create_for(self, "lead_id")

    # === CRUD METHODS ===

    def write(self, vals):
        if "active" in vals and not vals["active"]:
            self._close_followups_before_archive()
        return super().write(vals)

    def toggle_active(self):
        # reached over RPC with any ids: checked before the follow-ups read
        # them (Odoo's own action_unarchive calls it on an empty set)
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(
            self, allow_empty=True
        )
        self._close_followups_before_archive()
        return super().toggle_active()

    # === BUSINESS METHODS ===

    def _close_followups_before_archive(self):
        """Odoo deletes the open activities of archived records: the
        follow-ups of opportunities being lost are closed first, and kept."""
        self.env["sales.followup.rule"]._close_followups_of(
            self.filtered("active"), reason="lost"
        )

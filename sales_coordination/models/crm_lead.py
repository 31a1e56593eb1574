from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # === FIELDS ===

    support_request_ids = fields.One2many(
        comodel_name="sales.support.request",
        inverse_name="lead_id",
        string="Support Requests",
    )
    support_request_count = fields.Integer(compute="_compute_support_request_count")

    # === COMPUTE METHODS ===

    def _compute_support_request_count(self):
        groups = self.env["sales.support.request"]._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
        )
        counts = {lead.id: count for lead, count in groups}
        for lead in self:
            lead.support_request_count = counts.get(lead.id, 0)

    # === ACTION METHODS ===

    def action_view_support_requests(self):
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_coordination.sales_support_request_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {
            "default_lead_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    def action_create_support_request(self):
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Support Request"),
            "res_model": "sales.support.request",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_lead_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_team_id": self.team_id.id,
                "default_company_id": self.company_id.id or self.env.company.id,
                "default_name": self.env._("About %(lead)s", lead=self.name),
            },
        }

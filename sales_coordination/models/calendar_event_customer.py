# calendar.event split by capability (see calendar_event.py).
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models


class CalendarEvent(models.Model):
    """The customer a meeting is about, for the meetings that link neither an
    order nor an opportunity: the follow-up of a held meeting lands on it."""

    _inherit = "calendar.event"

    # === FIELDS ===

    coordination_partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        compute="_compute_coordination_partner_id",
        store=True,
        index="btree_not_null",
        help="The company the meeting is with: its order's or opportunity's "
        "customer, else the contact it was planned from, else the one "
        "company among its outside attendees.",
    )

    # === COMPUTE METHODS ===

    @api.depends(
        "sale_order_id.partner_id",
        "opportunity_id.partner_id",
        "res_model",
        "res_id",
        "partner_ids",
    )
    def _compute_coordination_partner_id(self):
        for event in self:
            event.coordination_partner_id = event.sudo()._sc_meeting_customer()

    # === BUSINESS METHODS ===

    def _sc_meeting_customer(self):
        """The commercial partner this meeting (sudo) is with, or empty."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        partner = self.sale_order_id.partner_id or self.opportunity_id.partner_id
        if not partner and self.res_model == "res.partner" and self.res_id:
            partner = Partner.browse(self.res_id).exists()
        if not partner:
            # the attendees from outside: not the partner of an internal user
            outside = self.partner_ids.filtered(
                lambda p: not p.user_ids.filtered(lambda user: not user.share)
            )
            companies = outside.commercial_partner_id
            partner = companies if len(companies) == 1 else Partner
        return partner.commercial_partner_id

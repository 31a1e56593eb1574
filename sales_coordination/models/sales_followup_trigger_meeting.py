# One file per trigger family (see sales_followup_rule.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.tools import SQL


class SalesFollowupRule(models.Model):
    """The meeting trigger: a meeting held on an order or an opportunity gets
    one follow-up on that order or opportunity; a meeting held with a
    customer only (``coordination_partner_id``) gets it on the customer. It
    is done by its assignee, never closed automatically (no ``resolve``)."""

    _inherit = "sales.followup.rule"

    trigger = fields.Selection(
        selection_add=[("meeting_done", "Meeting held")],
        ondelete={"meeting_done": "cascade"},
    )

    # === BUSINESS METHODS: THE TRIGGERS' CONTRACT ===

    def _followup_triggers(self):
        return {
            **super()._followup_triggers(),
            "meeting_done": {
                "model": "calendar.event",
                "activity_type": (
                    "sales_coordination.mail_activity_type_meeting_followup"
                ),
                "find": self._followup_find_meeting_done,
                "targets": ("sale.order", "crm.lead", "res.partner"),
                "plan": self._followup_plan_meeting_done,
            },
        }

    # === BUSINESS METHODS: FINDER AND PLANNING ===

    def _followup_find_meeting_done(self, today):
        # A meeting has no company nor team of its own: its order's or
        # opportunity's are the rule's; a meeting with a customer only takes
        # its organizer's team, and its customer's company (else, a customer
        # of every company, its organizer's).
        teams = SQL("TRUE")
        if self.team_ids:
            teams = SQL(
                "COALESCE(so.team_id, lead.team_id, organizer.sale_team_id) IN %s",
                tuple(self.team_ids.ids),
            )
        company = SQL("TRUE")
        if self.company_id:
            company = SQL(
                "COALESCE(so.company_id, lead.company_id, cp.company_id, "
                "organizer.company_id) = %s",
                self.company_id.id,
            )
        return SQL(
            """rec.coordination_outcome = 'held' AND rec.active
               AND NOT COALESCE(rec.coordination_followup_done, FALSE)
               AND rec.stop < %(limit)s
               AND EXISTS (
                   SELECT 1 FROM calendar_event ev
                     LEFT JOIN sale_order so ON so.id = ev.sale_order_id
                     LEFT JOIN crm_lead lead ON lead.id = ev.opportunity_id
                     LEFT JOIN res_partner cp ON cp.id = ev.coordination_partner_id
                     LEFT JOIN res_users organizer ON organizer.id = ev.user_id
                    WHERE ev.id = rec.id
                      AND (so.id IS NOT NULL OR lead.id IS NOT NULL
                           OR cp.id IS NOT NULL)
                      AND %(teams)s AND %(company)s
               )""",
            limit=self._day_after(today),
            teams=teams,
            company=company,
        )

    def _followup_plan_meeting_done(self, events, today):
        """One follow-up per order, opportunity or else customer of the
        meetings held, unless it has an open one of this rule already; the
        meetings are marked followed up either way."""
        targets = {
            event: event.sale_order_id
            or event.opportunity_id
            or event.coordination_partner_id
            for event in events
        }
        # One open follow-up per (rule, lead or order): meetings whose
        # target already has one are covered by it.
        open_keys = self._open_followup_keys(list(targets.values()))
        unique = {}
        for target in targets.values():
            if (target._name, target.id) not in open_keys:
                unique.setdefault((target._name, target.id), target)
        created = self._create_followups(list(unique.values()), today)
        events.write({"coordination_followup_done": True})
        return created

    @api.model
    def _followup_owner_fields(self, model):
        # a customer's own coordinator and administrator
        if model == "res.partner":
            return {
                "coordinator": "sales_coordinator_id",
                "administrator": "sales_administrator_id",
                "salesperson": "user_id",
            }
        return super()._followup_owner_fields(model)

# One file per trigger family (see sales_followup_rule.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.tools import SQL


class SalesFollowupRule(models.Model):
    """The opportunity trigger: an opportunity idle (no stage change, no
    activity, no message) for the rule's delay."""

    _inherit = "sales.followup.rule"

    trigger = fields.Selection(
        selection_add=[("lead_idle", "Opportunity idle")],
        ondelete={"lead_idle": "cascade"},
    )

    # === BUSINESS METHODS: THE TRIGGERS' CONTRACT ===

    def _followup_triggers(self):
        return {
            **super()._followup_triggers(),
            "lead_idle": {
                "model": "crm.lead",
                "activity_type": "sales_coordination.mail_activity_type_lead_followup",
                "find": self._followup_find_lead_idle,
                "resolve": self._followup_resolved_lead_idle,
            },
        }

    @api.model
    def _close_reasons(self):
        return {
            **super()._close_reasons(),
            "stage_moved": self.env._(
                "Closed automatically: the opportunity moved stage."
            ),
            "won": self.env._("Closed automatically: the opportunity was won."),
            "lost": self.env._("Closed automatically: the opportunity was lost."),
        }

    # === BUSINESS METHODS: FINDER AND RESOLVER ===

    def _followup_find_lead_idle(self, today):
        limit = self._day_after(today)
        return SQL(
            """rec.type = 'opportunity' AND rec.active
               AND COALESCE(rec.probability, 0) < 100
               AND NOT EXISTS (SELECT 1 FROM crm_stage stage
                                WHERE stage.id = rec.stage_id AND stage.is_won)
               AND COALESCE(rec.date_last_stage_update, rec.create_date) < %(limit)s
               AND (SELECT 1 FROM mail_activity lact
                     WHERE lact.res_id = rec.id
                       AND lact.res_model || '' = 'crm.lead'
                       AND (lact.active OR lact.date_done >= %(day)s)
                     LIMIT 1) IS NULL
               AND NOT EXISTS (SELECT 1 FROM mail_message msg
                                WHERE msg.model = 'crm.lead'
                                  AND msg.res_id = rec.id
                                  AND msg.message_type IN ('comment', 'email')
                                  AND msg.date >= %(limit)s)""",
            limit=limit,
            day=limit.date(),
        )

    def _followup_resolved_lead_idle(self, today):
        return SQL(
            """CASE WHEN NOT rec.active THEN 'lost'
                    WHEN COALESCE(rec.probability, 0) >= 100
                      OR EXISTS (SELECT 1 FROM crm_stage stage
                                  WHERE stage.id = rec.stage_id AND stage.is_won)
                    THEN 'won'
                    WHEN rec.date_last_stage_update >= act.create_date
                    THEN 'stage_moved' END"""
        )

# One file per trigger family (see sales_followup_rule.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.tools import SQL


class SalesFollowupRule(models.Model):
    """The delivery trigger: a confirmed order turned at risk or late, whose
    customer leaves the updates to the coordinator, and who was not informed
    since. Closed when the order is back on track, delivered or cancelled,
    or the customer was informed after the risk arose."""

    _inherit = "sales.followup.rule"

    trigger = fields.Selection(
        selection_add=[("delivery_at_risk", "Delivery at risk: inform the customer")],
        ondelete={"delivery_at_risk": "cascade"},
    )

    # === BUSINESS METHODS: THE TRIGGERS' CONTRACT ===

    def _followup_triggers(self):
        return {
            **super()._followup_triggers(),
            "delivery_at_risk": {
                "model": "sale.order",
                "activity_type": (
                    "sales_coordination.mail_activity_type_inform_customer"
                ),
                "find": self._followup_find_delivery_at_risk,
                "resolve": self._followup_resolved_delivery_at_risk,
            },
        }

    @api.model
    def _close_reasons(self):
        return {
            **super()._close_reasons(),
            "back_on_track": self.env._(
                "Closed automatically: the delivery is back on track."
            ),
            "customer_informed": self.env._(
                "Closed automatically: the customer received a delivery update."
            ),
        }

    # === BUSINESS METHODS: FINDER AND RESOLVER ===

    def _followup_find_delivery_at_risk(self, today):
        return SQL(
            """rec.state = 'sale'
               AND rec.delivery_risk IN ('at_risk', 'late')
               AND rec.delivery_risk_date < %(limit)s
               AND (rec.delivery_customer_notified_date IS NULL
                    OR rec.delivery_customer_notified_date < rec.delivery_risk_date)
               AND EXISTS (
                   SELECT 1 FROM res_partner sc_p
                    WHERE sc_p.id = rec.partner_id
                      AND COALESCE(sc_p.delivery_update_policy, 'coordinator')
                          = 'coordinator')""",
            limit=self._day_after(today),
        )

    def _followup_resolved_delivery_at_risk(self, today):
        return SQL(
            """CASE WHEN rec.state = 'cancel' THEN 'order_cancelled'
                    WHEN rec.delivery_risk IN ('delivered_on_time', 'delivered_late')
                    THEN 'delivered'
                    WHEN rec.delivery_risk NOT IN ('at_risk', 'late')
                         OR rec.delivery_risk IS NULL
                    THEN 'back_on_track'
                    WHEN rec.delivery_customer_notified_date
                         >= rec.delivery_risk_date
                    THEN 'customer_informed'
               END"""
        )

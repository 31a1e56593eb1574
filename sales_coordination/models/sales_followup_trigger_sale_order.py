# One file per trigger family (see sales_followup_rule.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# An outgoing delivery of the order (alias ``rec``) still to do.
OPEN_DELIVERY = """
    SELECT 1 FROM stock_picking pick
      JOIN stock_picking_type ptype ON ptype.id = pick.picking_type_id
     WHERE pick.sale_id = rec.id
       AND ptype.code = 'outgoing'
       AND pick.state NOT IN ('done', 'cancel')"""


class SalesFollowupRule(models.Model):
    """The sale order triggers: a quotation sent without reply, a quotation
    about to expire, an order whose delivery is late."""

    _inherit = "sales.followup.rule"

    trigger = fields.Selection(
        selection_add=[
            ("quote_no_reply", "Quotation sent, no reply"),
            ("quote_expiring", "Quotation about to expire"),
            ("order_late", "Order delivery late"),
        ],
        ondelete={
            "quote_no_reply": "cascade",
            "quote_expiring": "cascade",
            "order_late": "cascade",
        },
        default="quote_no_reply",
    )

    # === BUSINESS METHODS: THE TRIGGERS' CONTRACT ===

    def _followup_triggers(self):
        return {
            **super()._followup_triggers(),
            "quote_no_reply": {
                "model": "sale.order",
                "activity_type": "sales_coordination.mail_activity_type_quote_followup",
                "find": self._followup_find_quote_no_reply,
                "resolve": self._followup_resolved_quote,
            },
            "quote_expiring": {
                "model": "sale.order",
                "activity_type": "sales_coordination.mail_activity_type_quote_expiring",
                "find": self._followup_find_quote_expiring,
                "resolve": self._followup_resolved_quote,
            },
            "order_late": {
                "model": "sale.order",
                "activity_type": (
                    "sales_coordination.mail_activity_type_delivery_update"
                ),
                "find": self._followup_find_order_late,
                "resolve": self._followup_resolved_order_late,
            },
        }

    @api.model
    def _close_reasons(self):
        return {
            **super()._close_reasons(),
            "confirmed": self.env._(
                "Closed automatically: the quotation was confirmed."
            ),
            "cancelled": self.env._(
                "Closed automatically: the quotation was cancelled."
            ),
            "expired": self.env._("Closed automatically: the quotation expired."),
            "delivered": self.env._("Closed automatically: the delivery was done."),
            "delivery_cancelled": self.env._(
                "Closed automatically: the late delivery was cancelled."
            ),
            "order_cancelled": self.env._(
                "Closed automatically: the order was cancelled."
            ),
        }

    # === BUSINESS METHODS: FINDERS ===

    def _followup_find_quote_no_reply(self, today):
        return SQL(
            "rec.state = 'sent' "
            "AND COALESCE(rec.quotation_sent_date, rec.date_order) < %s",
            self._day_after(today),
        )

    def _followup_find_quote_expiring(self, today):
        return SQL(
            "rec.state = 'sent' AND rec.validity_date >= %s "
            "AND rec.validity_date <= %s",
            today,
            today + timedelta(days=self.delay_days),
        )

    def _followup_find_order_late(self, today):
        limit = self._day_after(today)
        return SQL(
            """rec.state = 'sale' AND EXISTS (
                %(open_delivery)s
                   AND (pick.scheduled_date < %(limit)s
                        OR rec.commitment_date < %(limit)s)
            )""",
            open_delivery=SQL(OPEN_DELIVERY),
            limit=limit,
        )

    # === BUSINESS METHODS: RESOLVERS ===

    def _followup_resolved_quote(self, today):
        return SQL(
            """CASE WHEN rec.state = 'sale' THEN 'confirmed'
                    WHEN rec.state = 'cancel' THEN 'cancelled'
                    WHEN rec.validity_date < %s THEN 'expired' END""",
            today,
        )

    def _followup_resolved_order_late(self, today):
        return SQL(
            """CASE WHEN rec.state = 'cancel' THEN 'order_cancelled'
                    WHEN NOT EXISTS (%(open_delivery)s)
                    THEN CASE WHEN EXISTS (
                        SELECT 1 FROM stock_picking pick
                          JOIN stock_picking_type ptype
                            ON ptype.id = pick.picking_type_id
                         WHERE pick.sale_id = rec.id
                           AND ptype.code = 'outgoing'
                           AND pick.state = 'done')
                         THEN 'delivered' ELSE 'delivery_cancelled' END
               END""",
            open_delivery=SQL(OPEN_DELIVERY),
        )

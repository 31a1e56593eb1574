from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .common import SENT_AT, FollowupCase


@tagged("post_install", "-at_install")
class TestFollowupTriggers(FollowupCase):
    """Each trigger fires on the day it should, not a day earlier."""

    def test_quote_no_reply_fires_after_delay(self):
        order = self._sent_quote()
        self.assertEqual(order.quotation_sent_date, SENT_AT)
        self.assertEqual(self._run(SENT_AT + timedelta(days=2, hours=13)), 0)
        self.assertFalse(self._followups(order))
        self.assertEqual(self._run(SENT_AT + timedelta(days=3)), 1)
        activity = self._followups(order)
        self.assertEqual(activity.activity_type_id, self.quote_type)
        self.assertEqual(activity.user_id, self.coordinator)
        self.assertEqual(activity.date_deadline, fields.Date.to_date("2026-03-06"))
        self.assertEqual(activity.summary, self.quote_type.summary)
        self.assertTrue(activity.automated)

    def test_quote_not_followed_when_confirmed_cancelled_or_draft(self):
        confirmed = self._sent_quote()
        confirmed.action_confirm()
        cancelled = self._sent_quote()
        cancelled.with_context(disable_cancel_warning=True).action_cancel()
        draft = self._create_order(team=self.team)
        self._run(SENT_AT + timedelta(days=10))
        self.assertFalse(self._followups(confirmed | cancelled | draft))

    def test_quote_without_sent_date_uses_order_date(self):
        with freeze_time(SENT_AT):
            order = self._create_order(team=self.team)
        order.flush_recordset()
        # A quotation marked sent before this module: no sent date.
        self.env.cr.execute(
            "UPDATE sale_order SET state = 'sent', quotation_sent_date = NULL "
            "WHERE id = %s",
            [order.id],
        )
        order.invalidate_recordset()
        self._run(SENT_AT + timedelta(days=2))
        self.assertFalse(self._followups(order))
        self._run(SENT_AT + timedelta(days=3))
        self.assertTrue(self._followups(order))

    def test_order_late(self):
        rule = self._create_rule(
            name="Late",
            trigger="order_late",
            delay_days=1,
            activity_type_id=self.env.ref(
                "sales_coordination.mail_activity_type_delivery_update"
            ).id,
        )
        with freeze_time(SENT_AT):
            order = self._create_order(team=self.team)
            order.action_confirm()
        picking = order.picking_ids
        self.assertEqual(picking.picking_type_id.code, "outgoing")
        picking.scheduled_date = datetime(2026, 3, 5, 15, 0)
        self._run(datetime(2026, 3, 5, 23, 0), rule)
        self.assertFalse(self._followups(order, rule))
        self._run(datetime(2026, 3, 6, 8, 0), rule)
        self.assertEqual(len(self._followups(order, rule)), 1)

    def test_order_late_by_commitment_date(self):
        rule = self._create_rule(
            name="Late",
            trigger="order_late",
            delay_days=1,
            activity_type_id=self.env.ref(
                "sales_coordination.mail_activity_type_delivery_update"
            ).id,
        )
        with freeze_time(SENT_AT):
            order = self._create_order(team=self.team)
            order.action_confirm()
        order.commitment_date = datetime(2026, 3, 10, 9, 0)
        order.picking_ids.scheduled_date = datetime(2026, 4, 1)
        self._run(datetime(2026, 3, 10, 20, 0), rule)
        self.assertFalse(self._followups(order, rule))
        self._run(datetime(2026, 3, 11, 8, 0), rule)
        self.assertTrue(self._followups(order, rule))

    def test_order_delivered_is_not_late(self):
        rule = self._create_rule(
            name="Late",
            trigger="order_late",
            delay_days=1,
            activity_type_id=self.env.ref(
                "sales_coordination.mail_activity_type_delivery_update"
            ).id,
        )
        with freeze_time(SENT_AT):
            order = self._create_order(team=self.team)
            order.action_confirm()
        order.picking_ids.action_cancel()
        self._run(SENT_AT + timedelta(days=30), rule)
        self.assertFalse(self._followups(order, rule))

    def _invoice(self, due, **values):
        vals = {
            "move_type": "out_invoice",
            "partner_id": self.customer.id,
            "invoice_date": due,
            "invoice_date_due": due,
            "team_id": self.team.id,
            "invoice_line_ids": [
                Command.create(
                    {"product_id": self.product.id, "quantity": 1, "price_unit": 100}
                )
            ],
        }
        vals.update(values)
        move = self.env["account.move"].create(vals)
        move.action_post()
        return move

    def test_invoice_overdue(self):
        rule = self._create_rule(
            name="Overdue",
            trigger="invoice_overdue",
            delay_days=7,
            assign_to="administrator",
            activity_type_id=self.env.ref(
                "sales_coordination.mail_activity_type_payment_followup"
            ).id,
        )
        with freeze_time("2026-03-01"):
            invoice = self._invoice(fields.Date.to_date("2026-03-01"))
            draft = invoice.copy()
        self.assertEqual(invoice.invoice_date_due, fields.Date.to_date("2026-03-01"))
        self._run("2026-03-07", rule)
        self.assertFalse(self._followups(invoice, rule))
        self._run("2026-03-08", rule)
        activity = self._followups(invoice | draft, rule)
        self.assertEqual(activity.res_id, invoice.id)
        self.assertEqual(activity.user_id, self.administrator)

    def _opportunity(self, when, **values):
        with freeze_time(when):
            lead = self.env["crm.lead"].create(
                dict(
                    {
                        "name": "Kibble listing",
                        "type": "opportunity",
                        "partner_id": self.customer.id,
                        "team_id": self.team.id,
                        "user_id": self.salesperson.id,
                    },
                    **values,
                )
            )
            # Odoo stamps the creation with the database clock.
            lead.date_last_stage_update = fields.Datetime.now()
            return lead

    def test_lead_idle(self):
        rule = self._create_rule(
            name="Idle",
            trigger="lead_idle",
            delay_days=14,
            assign_to="salesperson",
            activity_type_id=self.env.ref(
                "sales_coordination.mail_activity_type_lead_followup"
            ).id,
        )
        lead = self._opportunity(SENT_AT)
        busy = self._opportunity(SENT_AT)
        busy.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.salesperson.id
        )
        talked = self._opportunity(SENT_AT)
        with freeze_time(SENT_AT + timedelta(days=10)):
            talked.message_post(body="Called them", message_type="comment")
        self._run(SENT_AT + timedelta(days=13, hours=12), rule)
        self.assertFalse(self._followups(lead, rule))
        self._run(SENT_AT + timedelta(days=14), rule)
        self.assertEqual(self._followups(lead | busy | talked, rule).res_id, lead.id)
        self.assertEqual(self._followups(lead, rule).user_id, self.salesperson)

    def test_lead_stage_change_resets_idle_clock(self):
        rule = self._create_rule(
            name="Idle",
            trigger="lead_idle",
            delay_days=14,
            activity_type_id=self.env.ref(
                "sales_coordination.mail_activity_type_lead_followup"
            ).id,
        )
        lead = self._opportunity(SENT_AT)
        stage = self.env["crm.stage"].search(
            [("is_won", "=", False), ("id", "!=", lead.stage_id.id)], limit=1
        )
        with freeze_time(SENT_AT + timedelta(days=10)):
            lead.stage_id = stage
            lead.date_last_stage_update = fields.Datetime.now()
        self._run(SENT_AT + timedelta(days=20), rule)
        self.assertFalse(self._followups(lead, rule))
        self._run(SENT_AT + timedelta(days=24), rule)
        self.assertTrue(self._followups(lead, rule))

    def test_domain_trigger(self):
        rule = self._create_rule(
            name="Big quotes",
            trigger="domain",
            model_id=self.env["ir.model"]._get_id("sale.order"),
            domain="[('state', '=', 'draft'), ('amount_untaxed', '>', 1000)]",
            delay_days=0,
            activity_type_id=self.env.ref(
                "sales_coordination.mail_activity_type_document_request"
            ).id,
        )
        big = self._create_order(team=self.team)
        big.order_line.product_uom_qty = 100
        small = self._create_order(team=self.team)
        self.assertEqual(self._run(SENT_AT, rule), 1)
        self.assertEqual(self._followups(big | small, rule).res_id, big.id)

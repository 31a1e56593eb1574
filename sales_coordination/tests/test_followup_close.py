from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .common import SENT_AT, FollowupCase

LATER = SENT_AT + timedelta(days=3)


@tagged("post_install", "-at_install")
class TestFollowupClose(FollowupCase):
    """A follow-up whose reason is gone is closed as done, with feedback
    saying why: at once where the event passes through the addon's code, at
    the latest at the next run; never reopened, never closed twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.late_rule = cls._create_rule(
            name="Late",
            trigger="order_late",
            delay_days=1,
            activity_type_id=cls.env.ref(
                "sales_coordination.mail_activity_type_delivery_update"
            ).id,
        )
        cls.overdue_rule = cls._create_rule(
            name="Overdue",
            trigger="invoice_overdue",
            delay_days=7,
            assign_to="administrator",
            activity_type_id=cls.env.ref(
                "sales_coordination.mail_activity_type_payment_followup"
            ).id,
        )
        cls.idle_rule = cls._create_rule(
            name="Idle",
            trigger="lead_idle",
            delay_days=14,
            assign_to="salesperson",
            activity_type_id=cls.env.ref(
                "sales_coordination.mail_activity_type_lead_followup"
            ).id,
        )
        cls.expiring_rule = cls._create_rule(
            name="Expiring",
            trigger="quote_expiring",
            delay_days=3,
            activity_type_id=cls.env.ref(
                "sales_coordination.mail_activity_type_quote_expiring"
            ).id,
        )

    # --- helpers ---

    def _followup(self, record, rule):
        """The one follow-up of ``rule`` on ``record``, open or done."""
        activity = self._followups(record, rule, active_test=False)
        self.assertEqual(len(activity), 1)
        return activity

    def _assert_closed(self, activity, reason):
        """Done the Odoo 18 way: archived (kept), a done date, and the
        record's chatter says why, from OdooBot."""
        self.assertFalse(activity.active)
        self.assertTrue(activity.date_done)
        messages = self.env["mail.message"].search(
            [
                ("model", "=", activity.res_model),
                ("res_id", "=", activity.res_id),
                ("mail_activity_type_id", "=", activity.activity_type_id.id),
                ("subtype_id", "=", self.env.ref("mail.mt_activities").id),
            ]
        )
        self.assertEqual(len(messages), 1, "one done message, never two")
        self.assertIn(f"Closed automatically: {reason}", str(messages.body))
        self.assertIn(activity.activity_type_id.name, str(messages.body))
        self.assertEqual(messages.author_id, self.env.ref("base.partner_root"))

    def _planned_quote(self, **values):
        order = self._sent_quote(**values)
        self._run(LATER, self.quote_rule)
        activity = self._followup(order, self.quote_rule)
        self.assertTrue(activity.active)
        return order, activity

    def _late_order(self):
        with freeze_time(SENT_AT):
            order = self._create_order(team=self.team)
            order.action_confirm()
        order.picking_ids.scheduled_date = datetime(2026, 3, 3, 9, 0)
        self._run(datetime(2026, 3, 5, 8, 0), self.late_rule)
        activity = self._followup(order, self.late_rule)
        self.assertTrue(activity.active)
        return order, activity

    def _overdue_invoice(self):
        with freeze_time("2026-03-01"):
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": "2026-03-01",
                    "invoice_date_due": "2026-03-01",
                    "team_id": self.team.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "quantity": 1,
                                "price_unit": 100,
                            }
                        )
                    ],
                }
            )
            invoice.action_post()
        self._run("2026-03-08", self.overdue_rule)
        activity = self._followup(invoice, self.overdue_rule)
        self.assertTrue(activity.active)
        return invoice, activity

    def _idle_lead(self):
        with freeze_time(SENT_AT):
            lead = self.env["crm.lead"].create(
                {
                    "name": "Kibble listing",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "team_id": self.team.id,
                    "user_id": self.salesperson.id,
                }
            )
            lead.date_last_stage_update = fields.Datetime.now()
        self._run(SENT_AT + timedelta(days=14), self.idle_rule)
        activity = self._followup(lead, self.idle_rule)
        self.assertTrue(activity.active)
        return lead, activity

    # --- quotation sent, no reply ---

    def test_quote_confirmed_closes_at_once(self):
        order, activity = self._planned_quote()
        order.action_confirm()
        self._assert_closed(activity, "the quotation was confirmed.")

    def test_quote_cancelled_closes_at_once(self):
        order, activity = self._planned_quote()
        order.with_context(disable_cancel_warning=True).action_cancel()
        self._assert_closed(activity, "the quotation was cancelled.")

    def test_quote_expired_closes_at_next_run(self):
        __, activity = self._planned_quote(
            validity_date=fields.Date.to_date("2026-03-06")
        )
        self._run(datetime(2026, 3, 6, 12, 0), self.quote_rule)
        self.assertTrue(activity.active, "valid until the end of its last day")
        self._run(datetime(2026, 3, 7, 8, 0), self.quote_rule)
        self._assert_closed(activity, "the quotation expired.")

    def test_confirmed_elsewhere_closes_at_next_run(self):
        """A state changed behind the addon's back (SQL, another addon) is
        caught by the next run."""
        order, activity = self._planned_quote()
        order.flush_recordset()
        self.env.cr.execute(
            "UPDATE sale_order SET state = 'sale' WHERE id = %s", [order.id]
        )
        order.invalidate_recordset()
        self.assertTrue(activity.active)
        self._run(LATER + timedelta(days=1), self.quote_rule)
        self._assert_closed(activity, "the quotation was confirmed.")

    # --- order delivery late ---

    def test_delivery_done_closes_at_once(self):
        order, activity = self._late_order()
        picking = order.picking_ids
        picking.move_ids.quantity = picking.move_ids.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self._assert_closed(activity, "the delivery was done.")

    def test_delivery_cancelled_closes_at_next_run(self):
        order, activity = self._late_order()
        order.picking_ids.action_cancel()
        self.assertTrue(activity.active)
        self._run(datetime(2026, 3, 6, 8, 0), self.late_rule)
        self._assert_closed(activity, "the late delivery was cancelled.")

    def test_order_cancelled_closes_its_late_delivery(self):
        order, activity = self._late_order()
        order.with_context(disable_cancel_warning=True).action_cancel()
        self._assert_closed(activity, "the order was cancelled.")

    # --- invoice overdue ---

    def test_invoice_paid_closes_at_once(self):
        invoice, activity = self._overdue_invoice()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": "2026-03-09"})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self._assert_closed(activity, "the invoice was paid.")

    def test_invoice_reversed_closes(self):
        invoice, activity = self._overdue_invoice()
        # a full credit note, posted and reconciled with the invoice
        invoice._reverse_moves(cancel=True)
        self.assertEqual(invoice.payment_state, "reversed")
        self._run("2026-03-10", self.overdue_rule)
        self._assert_closed(activity, "the invoice was reversed or cancelled.")

    # --- opportunity idle ---

    def test_lead_stage_moved_closes(self):
        lead, activity = self._idle_lead()
        stage = self.env["crm.stage"].search(
            [("is_won", "=", False), ("id", "!=", lead.stage_id.id)], limit=1
        )
        # (at the real time: the follow-up was created at the database's)
        lead.stage_id = stage
        self._run(SENT_AT + timedelta(days=15, hours=1), self.idle_rule)
        self._assert_closed(activity, "the opportunity moved stage.")

    def test_lead_won_closes(self):
        lead, activity = self._idle_lead()
        lead.action_set_won()
        self._run(SENT_AT + timedelta(days=15), self.idle_rule)
        self._assert_closed(activity, "the opportunity was won.")

    def test_lead_lost_closes(self):
        lead, activity = self._idle_lead()
        lead.action_set_lost()
        self.assertFalse(lead.active)
        self._assert_closed(activity, "the opportunity was lost.")

    # --- domain rules ---

    def test_domain_rule_closes_when_record_no_longer_matches(self):
        rule = self._create_rule(
            name="Quotes without PO number",
            trigger="domain",
            model_id=self.env["ir.model"]._get_id("sale.order"),
            domain="[('state', '=', 'draft'), ('client_order_ref', '=', False)]",
            delay_days=0,
            activity_type_id=self.env.ref(
                "sales_coordination.mail_activity_type_document_request"
            ).id,
        )
        order = self._create_order(team=self.team)
        still = self._create_order(team=self.team)
        self._run(SENT_AT, rule)
        activity = self._followup(order, rule)
        order.client_order_ref = "PO-4711"
        self._run(SENT_AT + timedelta(days=1), rule)
        self._assert_closed(activity, "the record no longer matches the rule.")
        self.assertTrue(self._followup(still, rule).active)

    # --- never reopened, idempotent ---

    def test_closed_by_hand_is_never_reopened(self):
        order, activity = self._planned_quote()
        activity.with_user(self.coordinator).action_feedback(feedback="Called")
        self.assertFalse(activity.active)
        date_done = activity.date_done
        order.action_confirm()
        self._run(LATER + timedelta(days=1), self.quote_rule)
        self.assertFalse(activity.active)
        self.assertEqual(activity.date_done, date_done)
        bodies = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("subtype_id", "=", self.env.ref("mail.mt_activities").id),
            ]
        )
        self.assertEqual(len(bodies), 1)
        self.assertNotIn("Closed automatically", str(bodies.body))
        self.assertIn("Called", str(bodies.body))

    def test_closing_pass_is_idempotent(self):
        order, activity = self._planned_quote()
        order.flush_recordset()
        self.env.cr.execute(
            "UPDATE sale_order SET state = 'cancel' WHERE id = %s", [order.id]
        )
        order.invalidate_recordset()
        today = fields.Date.to_date("2026-03-06")
        rules = self.quote_rule
        self.assertEqual(rules._close_resolved_followups(today), 1)
        self.assertEqual(rules._close_resolved_followups(today), 0)
        self.assertEqual(self.env["sales.followup.rule"]._close_followups_of(order), 0)
        self._run(LATER + timedelta(days=1), self.quote_rule)
        self._assert_closed(activity, "the quotation was cancelled.")

    def test_closing_queries_do_not_grow(self):
        def close(count):
            orders = self.env["sale.order"]
            for __ in range(count):
                orders |= self._sent_quote()
            self._run(LATER, self.quote_rule)
            self.assertEqual(len(self._followups(orders)), count)
            orders.flush_recordset()
            self.env.cr.execute(
                "UPDATE sale_order SET state = 'cancel' WHERE id IN %s",
                [tuple(orders.ids)],
            )
            self.env.cr.flush()  # the planning's own bus notifications
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            closed = self.quote_rule._close_resolved_followups(
                fields.Date.to_date("2026-03-06")
            )
            self.env.flush_all()
            self.assertEqual(closed, count)
            return self.cr.sql_log_count - start

        close(1)  # warm the caches
        one = close(1)
        self.assertLessEqual(close(30), one)

    def test_closing_pass_in_batches_closes_each_once(self):
        """Batch after batch (each one starting after the last id of the
        previous one), every follow-up whose reason is gone is closed once,
        with its own message; those whose reason holds stay open."""
        count, batch_size = 7, 3
        orders = self.env["sale.order"]
        for __ in range(count):
            orders |= self._sent_quote()
        kept = self._sent_quote()
        self._run(LATER, self.quote_rule)
        activities = self._followups(orders)
        self.assertEqual(len(activities), count)
        orders.flush_recordset()
        self.env.cr.execute(
            "UPDATE sale_order SET state = 'cancel' WHERE id IN %s",
            [tuple(orders.ids)],
        )
        self.env.invalidate_all()
        today = fields.Date.to_date("2026-03-06")
        closed = self.quote_rule._close_resolved_followups(today, batch_size=batch_size)
        self.assertEqual(closed, count)
        for activity in activities:
            self._assert_closed(activity, "the quotation was cancelled.")
        self.assertEqual(len(self._followups(kept)), 1)
        self.assertTrue(self._followups(kept).active)
        self.assertEqual(
            self.quote_rule._close_resolved_followups(today, batch_size=batch_size),
            0,
        )

    def test_sql_path_is_the_default(self):
        rule = self.env["sales.followup.rule"]
        params = self.env["ir.config_parameter"]
        params.set_param("sales_coordination.followup_insert", False)
        self.assertEqual(rule._followup_insert_mode(), "sql")
        params.set_param("sales_coordination.followup_insert", "orm")
        self.assertEqual(rule._followup_insert_mode(), "orm")
        params.set_param("sales_coordination.followup_insert", "anything")
        self.assertEqual(rule._followup_insert_mode(), "sql")

    # --- quotation about to expire ---

    def test_quote_expiring_planned_and_closed(self):
        soon = self._sent_quote(validity_date=fields.Date.to_date("2026-03-12"))
        later = self._sent_quote(validity_date=fields.Date.to_date("2026-03-20"))
        draft = self._create_order(
            team=self.team, validity_date=fields.Date.to_date("2026-03-12")
        )
        self._run("2026-03-08", self.expiring_rule)
        self.assertFalse(self._followups(soon | later | draft, self.expiring_rule))
        self._run("2026-03-09", self.expiring_rule)
        activity = self._followup(soon, self.expiring_rule)
        self.assertEqual(activity.user_id, self.coordinator)
        self.assertFalse(self._followups(later | draft, self.expiring_rule))
        self._run("2026-03-10", self.expiring_rule)
        self.assertEqual(len(self._followups(soon, self.expiring_rule)), 1)
        self._run("2026-03-13", self.expiring_rule)
        self._assert_closed(activity, "the quotation expired.")

    def test_quote_expiring_closed_on_confirmation(self):
        order = self._sent_quote(validity_date=fields.Date.to_date("2026-03-12"))
        self._run("2026-03-10", self.expiring_rule)
        activity = self._followup(order, self.expiring_rule)
        order.action_confirm()
        self._assert_closed(activity, "the quotation was confirmed.")

    def test_quote_expiring_is_shipped(self):
        rule = self.env.ref("sales_coordination.sales_followup_rule_quote_expiring")
        self.assertEqual((rule.trigger, rule.delay_days), ("quote_expiring", 3))
        self.assertEqual(rule.activity_type_id.res_model, "sale.order")

    def test_our_types_that_keep_done_have_a_model(self):
        types = self.env["mail.activity.type"].browse(
            self.env["ir.model.data"]
            .search(
                [
                    ("module", "=", "sales_coordination"),
                    ("model", "=", "mail.activity.type"),
                ]
            )
            .mapped("res_id")
        )
        self.assertTrue(types)
        for activity_type in types.filtered("keep_done"):
            self.assertTrue(activity_type.res_model, activity_type.name)

    # --- created through the ORM (system parameter), cheaply ---

    def test_created_through_the_orm_without_mail(self):
        self.env["ir.config_parameter"].set_param(
            "sales_coordination.followup_insert", "orm"
        )
        orders = self._sent_quote() | self._sent_quote()
        self.env["mail.mail"].search([]).unlink()
        messages_before = self.env["mail.message"].search_count([])
        self.env.cr.precommit.run()
        self.env["bus.bus"].sudo().search([]).unlink()
        self._run(LATER, self.quote_rule)
        activities = self._followups(orders)
        self.assertEqual(len(activities), 2)
        # Odoo's create ran: the computed fields and the followers are set.
        self.assertEqual(set(activities.mapped("res_name")), set(orders.mapped("name")))
        for order in orders:
            self.assertIn(self.coordinator.partner_id, order.message_partner_ids)
        self.assertFalse(self.env["mail.mail"].search([]))
        self.assertEqual(self.env["mail.message"].search_count([]), messages_before)
        # One summary for the assignee, for both follow-ups.
        self.env.cr.precommit.run()
        summaries = (
            self.env["bus.bus"]
            .sudo()
            .search([("message", "like", "simple_notification")])
        )
        self.assertEqual(len(summaries), 1)
        self.assertIn("2 new follow-ups", summaries.message)
        self.assertIn(str(self.coordinator.partner_id.id), summaries.channel)

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_delivery import NOW, DeliveryCase


@tagged("post_install", "-at_install")
class TestDeliveryUpdate(DeliveryCase):
    """Customers hear about a delay from us first: the delivery update (by
    hand, or by itself for customers who want it, at most once per
    interval), and the coordinator's follow-up until the customer knows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env.ref(
            "sales_coordination.sales_followup_rule_delivery_at_risk"
        )
        cls.inform_type = cls.env.ref(
            "sales_coordination.mail_activity_type_inform_customer"
        )

    def _updates(self, order):
        return order.message_ids.filtered(
            lambda message: "delivery update" in (message.subject or "")
        )

    def _at_risk_order(self, partner=None):
        """An order promised in 3 days for kibble in stock and litter that
        arrives in 6."""
        self._put_in_stock(self.kibble, 2)
        order = self._confirmed_order(
            [(self.litter, 5), (self.kibble, 2)],
            promise=self._days(3),
            partner=partner,
        )
        self._plan_receipt(self.litter, 40, self._days(6, hour=10))
        with freeze_time(NOW):
            order._delivery_refresh()
        self.assertEqual(order.delivery_risk, "at_risk")
        return order

    def _followups(self, order):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("followup_rule_id", "=", self.rule.id),
            ]
        )

    def test_the_update_tells_dates_what_is_to_come_and_what_left(self):
        order = self._at_risk_order(partner=self.branch)
        self._ship(self._deliveries(order), {self.kibble: 2}, at=NOW)
        with freeze_time(NOW + timedelta(hours=1)):
            result = order.with_user(self.coordinator).action_send_delivery_update()
        self.assertIs(result, True)
        update = self._updates(order)
        self.assertEqual(len(update), 1)
        # to the delivery contact, who has an email address
        self.assertEqual(update.partner_ids, self.branch)
        body = str(update.body)
        self.assertIn("Clumping Cat Litter 10 L", body)
        self.assertIn("Still to come", body)
        self.assertIn("Already shipped", body)
        self.assertIn(
            order.picking_ids.filtered(lambda p: p.state == "done").name, body
        )
        self.assertEqual(
            order.delivery_customer_notified_date, NOW + timedelta(hours=1)
        )
        self.assertTrue(order.delivery_informed_in_time)

    def test_to_the_customer_when_the_delivery_contact_has_no_email(self):
        self.branch.email = False
        self._put_in_stock(self.kibble, 10)
        order = self._confirmed_order(
            [(self.kibble, 2)],
            promise=self._days(3),
            partner_shipping_id=self.branch.id,
        )
        with freeze_time(NOW):
            order.action_send_delivery_update()
        self.assertEqual(self._updates(order).partner_ids, self.customer)

    def test_no_email_address_is_a_clear_error_and_nothing_is_sent(self):
        self.customer.email = False
        self.branch.email = False
        order = self._at_risk_order()
        with self.assertRaisesRegex(UserError, "no email address"):
            order.action_send_delivery_update()
        self.assertFalse(self._updates(order))
        self.assertFalse(order.delivery_customer_notified_date)

    def test_from_the_form_it_opens_the_composer_with_the_template(self):
        order = self._at_risk_order()
        action = order.with_context(
            sc_delivery_update_composer=True
        ).action_send_delivery_update()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(
            action["context"]["default_template_id"],
            self.env.ref("sales_coordination.mail_template_delivery_update").id,
        )
        composer = (
            self.env["mail.compose.message"]
            .with_context(**action["context"])
            .create({})
        )
        with freeze_time(NOW):
            composer._action_send_mail()
        self.assertEqual(order.delivery_customer_notified_date, NOW)
        self.assertEqual(len(self._updates(order)), 1)

    def test_the_composer_key_alone_does_not_mark_the_customer_informed(self):
        """Anyone may set the composer's context key over RPC: an internal
        note, or a message that does not reach the customer, is no update."""
        order = self._at_risk_order()
        as_key = order.with_context(sc_delivery_update_sent=True)
        with freeze_time(NOW):
            as_key.message_post(body="Told them", subtype_xmlid="mail.mt_note")
            as_key.message_post(
                body="To a colleague",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.coordinator.partner_id.ids,
            )
        self.assertFalse(order.delivery_customer_notified_date)
        self.assertFalse(order.delivery_informed_in_time)
        with freeze_time(NOW):
            as_key.message_post(
                body="Your delivery moves",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=order._delivery_recipient().ids,
            )
        self.assertEqual(order.delivery_customer_notified_date, NOW)

    def test_a_user_who_may_not_write_the_order_cannot_send(self):
        order = self._at_risk_order()
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson).action_send_delivery_update()

    def test_coordinator_policy_plans_a_followup_closed_when_informed(self):
        order = self._at_risk_order()
        with freeze_time(NOW):
            self.rule.with_user(self.manager).run_followups(self.rule.ids)
        followup = self._followups(order)
        self.assertEqual(len(followup), 1)
        self.assertEqual(followup.user_id, self.coordinator)
        self.assertEqual(followup.activity_type_id, self.inform_type)
        with freeze_time(NOW + timedelta(hours=2)):
            order.action_send_delivery_update()
        self.assertFalse(self._followups(order).filtered("active"))
        # informed: not planned again while the risk lasts
        with freeze_time(NOW + timedelta(hours=3)):
            self.rule.with_user(self.manager).run_followups(self.rule.ids)
        self.assertFalse(self._followups(order).filtered("active"))

    def test_followup_closed_when_the_order_is_back_on_track(self):
        order = self._at_risk_order()
        with freeze_time(NOW):
            self.rule.with_user(self.manager).run_followups(self.rule.ids)
            self.assertTrue(self._followups(order))
            order.action_revise_promise(self._days(7), "supplier_delay")
            self.assertEqual(order.delivery_risk, "on_track")
            self.env["sale.order"]._cron_delivery_risk()
        self.assertFalse(self._followups(order).filtered("active"))

    def test_automatic_policy_sends_by_itself_at_most_once_per_interval(self):
        self.customer.delivery_update_policy = "automatic"
        self.company.delivery_update_interval_days = 5
        self.assertEqual(self.branch.delivery_update_policy, "automatic")
        order = self._at_risk_order()
        with freeze_time(NOW):
            self.env.cr.precommit.run()
        self.assertEqual(len(self._updates(order)), 1)
        self.assertEqual(order.delivery_customer_notified_date, NOW)
        # no follow-up for the coordinator: the customer was told
        with freeze_time(NOW):
            self.rule.with_user(self.manager).run_followups(self.rule.ids)
        self.assertFalse(self._followups(order))
        # late two days later: within the 5 days, nothing more
        with freeze_time(self._days(4)):
            order._delivery_refresh()
            self.assertEqual(order.delivery_risk, "late")
            order._delivery_automatic_updates()
        self.assertEqual(len(self._updates(order)), 1)
        with freeze_time(NOW + timedelta(days=5, hours=1)):
            order._delivery_automatic_updates()
        self.assertEqual(len(self._updates(order)), 2)

    def test_automatic_policy_tells_the_backorder(self):
        self.customer.delivery_update_policy = "automatic"
        self._put_in_stock(self.kibble, 10)
        self._put_in_stock(self.litter, 2)
        order = self._confirmed_order(
            [(self.kibble, 5), (self.litter, 5)], promise=self._days(3)
        )
        self._ship(self._deliveries(order), {self.kibble: 5, self.litter: 2})
        with freeze_time(NOW):
            self.env.cr.precommit.run()
        update = self._updates(order)
        self.assertEqual(len(update), 1)
        self.assertIn("Clumping Cat Litter 10 L", str(update.body))

    def test_none_policy_plans_and_sends_nothing(self):
        self.customer.delivery_update_policy = "none"
        order = self._at_risk_order()
        with freeze_time(NOW):
            self.env.cr.precommit.run()
            self.rule.with_user(self.manager).run_followups(self.rule.ids)
        self.assertFalse(self._updates(order))
        self.assertFalse(self._followups(order))

    def test_informed_after_the_promise_passed_is_not_proactive(self):
        order = self._at_risk_order()
        with freeze_time(self._days(5)):
            order._delivery_refresh()
            self.assertEqual(order.delivery_risk, "late")
            order.action_send_delivery_update()
        self.assertFalse(order.delivery_informed_in_time)

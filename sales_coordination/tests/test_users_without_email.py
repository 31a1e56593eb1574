from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .common import SalesCoordinationCase


@tagged("post_install", "-at_install", "sc_plain")
class TestUsersWithoutEmail(SalesCoordinationCase):
    """Warehouse and office staff often log in with a username and have no
    email address: every path of the addon that writes to the chatter,
    notifies, subscribes or plans activities works for them.

    Mail is enabled here (tracking, logging, notifications), unlike in the
    other fixtures: these are the code paths that require a sender address.
    Tagged ``sc_plain`` too, so that it also runs on the database installed
    without demo data.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context={
                key: value
                for key, value in cls.env.context.items()
                if key not in DISABLED_MAIL_CONTEXT
            }
        )

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                email=False,
                groups=f"base.group_user,{groups}",
                context=DISABLED_MAIL_CONTEXT,
            )

        cls.nomail_manager = user(
            "sc_nomail_manager", "sales_coordination.group_manager"
        )
        cls.nomail_coordinator = user(
            "sc_nomail_coordinator", "sales_coordination.group_coordinator"
        )
        cls.nomail_administrator = user(
            "sc_nomail_administrator", "sales_coordination.group_administrator"
        )
        cls.nomail_salesperson = user(
            "sc_nomail_salesperson", "sales_team.group_sale_salesman"
        )
        cls.nomail_internal = user("sc_nomail_internal", "base.group_user")
        cls.customer.write(
            {
                "sales_coordinator_id": cls.nomail_coordinator.id,
                "sales_administrator_id": cls.nomail_administrator.id,
            }
        )
        cls.company.accuracy_mode = "enforce"
        # the sender of their notifications (Settings › Companies)
        cls.company.email = "orders@pawsome.example"

    def test_users_have_no_email(self):
        for user in (
            self.nomail_manager,
            self.nomail_coordinator,
            self.nomail_administrator,
            self.nomail_salesperson,
            self.nomail_internal,
        ):
            self.assertFalse(user.email)
            self.assertFalse(user.partner_id.email_formatted)

    def _blocked_order(self, user):
        order = (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "client_order_ref": f"PO-{user.login}",
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 12}
                        )
                    ],
                }
            )
        )
        order.order_line.with_user(user).product_uom_qty = 0  # blocking
        order.with_user(user).action_check_accuracy()
        self.assertEqual(order.accuracy_state, "blocked")
        return order

    def test_manager_overrides_with_a_logged_note(self):
        order = self._blocked_order(self.nomail_salesperson)
        order.with_user(self.nomail_manager).action_accuracy_override("Sample order")
        self.assertEqual(order.accuracy_state, "overridden")
        note = order.message_ids.filtered(lambda m: "Sample order" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.nomail_manager.partner_id)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertFalse(note.notification_ids)
        order.with_user(self.nomail_salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_manager_overrides_and_confirms_from_the_dialog(self):
        order = self._blocked_order(self.nomail_administrator)
        wizard = (
            self.env["sale.accuracy.confirm.wizard"]
            .with_user(self.nomail_manager)
            .create(
                {
                    "order_ids": [Command.set(order.ids)],
                    "confirm_after": True,
                    "reason": "Customer collects",
                }
            )
        )
        wizard.action_override()
        self.assertEqual(order.state, "sale")

    def test_confirm_and_check_as_every_role(self):
        for qty, user in (
            (12, self.nomail_salesperson),
            (24, self.nomail_coordinator),
            (36, self.nomail_administrator),
        ):
            with self.subTest(user=user.login):
                order = (
                    self.env["sale.order"]
                    .with_user(user)
                    .create(
                        {
                            "partner_id": self.customer.id,
                            "client_order_ref": f"PO-OK-{user.login}",
                            "payment_term_id": self.env.ref(
                                "account.account_payment_term_30days"
                            ).id,
                            "order_line": [
                                Command.create(
                                    {
                                        "product_id": self.product.id,
                                        "product_uom_qty": qty,
                                    }
                                )
                            ],
                        }
                    )
                )
                order.with_user(user).action_confirm()
                self.assertEqual(order.state, "sale")
                self.assertEqual(order.accuracy_state, "passed")

    def test_salesperson_creates_a_request_that_notifies_the_coordinator(self):
        Request = self.env["sales.support.request"]
        request = Request.with_user(self.nomail_salesperson).create(
            {"name": "Pallet labels", "partner_id": self.customer.id}
        )
        self.assertEqual(request.assigned_to_id, self.nomail_coordinator)
        notified = self.env["mail.message"].search(
            [
                ("model", "=", request._name),
                ("res_id", "=", request.id),
                ("partner_ids", "in", self.nomail_coordinator.partner_id.ids),
            ]
        )
        self.assertEqual(len(notified), 1)
        self.assertEqual(notified.author_id, self.nomail_salesperson.partner_id)
        self.assertIn("orders@pawsome.example", notified.email_from)
        self.assertIn(
            self.nomail_coordinator.partner_id, request.sudo().message_partner_ids
        )
        # the coordinator hands it over, works on it and closes it
        request.with_user(
            self.nomail_coordinator
        ).assigned_to_id = self.nomail_administrator
        as_administrator = request.with_user(self.nomail_administrator)
        as_administrator.action_start()
        as_administrator.action_done()
        as_administrator.action_reopen()
        as_administrator.action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertTrue(request.first_response_date)

    def test_requests_from_an_order_and_a_lead(self):
        order = self._blocked_order(self.nomail_salesperson)
        lead = (
            self.env["crm.lead"]
            .with_user(self.nomail_salesperson)
            .create({"name": "Litter listing", "partner_id": self.customer.id})
        )
        for record in (order, lead):
            action = record.with_user(
                self.nomail_salesperson
            ).action_create_support_request()
            request = (
                self.env["sales.support.request"]
                .with_user(self.nomail_salesperson)
                .with_context(**action["context"])
                .create({})
            )
            self.assertEqual(request.partner_id, self.customer)

    def test_manager_runs_followups_for_others(self):
        self.env["sales.followup.rule"].search([]).active = False
        rule = self.env["sales.followup.rule"].create(
            {
                "name": "Quote follow-up",
                "trigger": "quote_no_reply",
                "delay_days": 3,
                "deadline_days": 1,
                "escalate_after_days": 2,
                "team_ids": [Command.set(self.team.ids)],
                "activity_type_id": self.env.ref(
                    "sales_coordination.mail_activity_type_quote_followup"
                ).id,
                "fallback_user_id": self.nomail_coordinator.id,
            }
        )
        sent = datetime(2026, 3, 2, 10, 0)
        with freeze_time(sent):
            order = self._create_order(team=self.team)
            order.write({"state": "sent"})
        with freeze_time(sent + timedelta(days=4)):
            created = (
                self.env["sales.followup.rule"]
                .with_user(self.nomail_manager)
                .run_followups(rule.ids)
            )
        self.assertEqual(created, 1)
        activity = order.activity_ids
        self.assertEqual(activity.user_id, self.nomail_coordinator)
        self.assertIn(self.nomail_coordinator.partner_id, order.message_partner_ids)
        # escalation, once overdue
        with freeze_time(sent + timedelta(days=9)):
            self.env["sales.followup.rule"].with_user(
                self.nomail_manager
            ).run_followups(rule.ids)
        activity.with_user(self.nomail_coordinator).action_feedback("Called them")
        self.assertNotIn(activity, order.activity_ids)

    def test_coordinator_records_meeting_outcomes(self):
        start = datetime(2026, 3, 2, 9, 0)
        event = (
            self.env["calendar.event"]
            .with_user(self.nomail_coordinator)
            .create(
                {
                    "name": "Range review",
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "partner_ids": [
                        Command.set(
                            [
                                self.nomail_coordinator.partner_id.id,
                                self.nomail_salesperson.partner_id.id,
                            ]
                        )
                    ],
                }
            )
        )
        as_coordinator = event.with_user(self.nomail_coordinator)
        with freeze_time(start + timedelta(hours=2)):
            as_coordinator.action_outcome_held()
            as_coordinator.action_outcome_reset()
            action = as_coordinator.action_outcome_rescheduled()
        self.assertEqual(event.coordination_outcome, "rescheduled")
        self.assertEqual(action["res_id"], event.rescheduled_event_id.id)

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.sales_coordination.tests.common import SENT_AT, FollowupCase

REASON = "Closed automatically: the customer has an e-mail address."


@tagged("post_install", "-at_install")
class TestFollowupTriggerFromAnotherAddon(FollowupCase):
    """A follow-up trigger added by another addon through the hooks only
    (``_followup_triggers``, ``_close_reasons``) runs like a built-in one:
    the daily cron and ``run_followups`` plan its follow-ups, assigned
    through the assignee chain, and close them automatically with its own
    reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.email_type = cls.env.ref(
            "sales_coordination_test_followup_trigger.mail_activity_type_customer_email"
        )
        cls.rule = cls._create_rule(
            name="Customers without e-mail",
            trigger="test_customer_no_email",
            delay_days=2,
            assign_to="salesperson",
            activity_type_id=cls.email_type.id,
            company_id=False,
        )
        cls.silent, cls.reachable = cls.env["res.partner"].create(
            [
                {
                    "name": "Quiet Kennels",
                    "is_company": True,
                    "user_id": cls.salesperson.id,
                },
                {
                    "name": "Chatty Cattery",
                    "is_company": True,
                    "email": "orders@chatty-cattery.example.com",
                    "user_id": cls.salesperson.id,
                },
            ]
        )
        # Odoo stamps the creation with the database clock: created on SENT_AT.
        customers = cls.silent | cls.reachable
        customers.flush_recordset()
        cls.env.cr.execute(
            SQL(
                "UPDATE res_partner SET create_date = %s WHERE id IN %s",
                SENT_AT,
                tuple(customers.ids),
            )
        )
        customers.invalidate_recordset(["create_date"])

    def _assert_closed(self, activity):
        self.assertFalse(activity.active)
        self.assertTrue(activity.date_done)
        message = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.silent.id),
                ("mail_activity_type_id", "=", self.email_type.id),
                ("subtype_id", "=", self.env.ref("mail.mt_activities").id),
            ]
        )
        self.assertEqual(len(message), 1)
        self.assertIn(REASON, str(message.body))

    def test_trigger_is_declared_through_the_hooks(self):
        values = dict(self.Rule._fields["trigger"]._description_selection(self.env))
        self.assertIn("test_customer_no_email", values)
        self.assertIn("quote_no_reply", values)
        self.assertEqual(self.rule._target_models(), ["res.partner"])
        self.assertIn("test_email_added", self.Rule._close_reasons())
        proposed = self.Rule.new({"trigger": "test_customer_no_email"})
        proposed._onchange_trigger()
        self.assertEqual(proposed.activity_type_id, self.email_type)
        with self.assertRaises(ValidationError):
            self.rule.activity_type_id = self.quote_type

    def test_cron_plans_and_closes(self):
        # (the customers of other tests and of the demo data, created when
        # the database was, are no concern of these assertions)
        with freeze_time(SENT_AT + timedelta(days=1)):
            self.Rule._cron_run_followups()
        self.assertFalse(self._followups(self.silent, self.rule))
        with freeze_time(SENT_AT + timedelta(days=2)):
            self.Rule._cron_run_followups()
            self.Rule._cron_run_followups()
        activity = self._followups(self.silent | self.reachable, self.rule)
        self.assertEqual(activity.res_id, self.silent.id)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(activity.activity_type_id, self.email_type)
        self.assertEqual(activity.summary, self.email_type.summary)
        self.silent.email = "hello@quiet-kennels.example.com"
        with freeze_time(SENT_AT + timedelta(days=3)):
            self.Rule._cron_run_followups()
        self._assert_closed(activity)

    def test_run_followups_and_close_at_once(self):
        self._run(SENT_AT + timedelta(days=2), self.rule)
        activity = self._followups(self.silent | self.reachable, self.rule)
        self.assertEqual(activity.res_id, self.silent.id)
        self.assertTrue(activity.active)
        self.silent.email = "hello@quiet-kennels.example.com"
        # where an addon sees the event, it closes them at once
        self.assertEqual(self.Rule._close_followups_of(self.silent), 1)
        self._assert_closed(activity)

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import MissingError, UserError
from odoo.tests import tagged

from .common import FollowupCase

MEETING_AT = datetime(2026, 3, 4, 14, 0)


@tagged("post_install", "-at_install")
class TestCalendarEvent(FollowupCase):
    """Meeting outcomes, rescheduling and the meeting follow-up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Aquarium range",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "team_id": cls.team.id,
                "user_id": cls.salesperson.id,
            }
        )
        cls.meeting_rule = cls._create_rule(
            name="After the meeting",
            trigger="meeting_done",
            delay_days=0,
            activity_type_id=cls.env.ref(
                "sales_coordination.mail_activity_type_meeting_followup"
            ).id,
        )

    def _meeting(self, **values):
        vals = {
            "name": "Range review",
            "start": MEETING_AT,
            "stop": MEETING_AT + timedelta(hours=1),
            "opportunity_id": self.lead.id,
            "user_id": self.coordinator.id,
        }
        vals.update(values)
        return self.env["calendar.event"].with_user(self.coordinator).create(vals)

    def test_outcome_default_and_held(self):
        meeting = self._meeting()
        self.assertEqual(meeting.coordination_outcome, "planned")
        with freeze_time(MEETING_AT - timedelta(hours=1)), self.assertRaises(UserError):
            meeting.action_outcome_held()
        with freeze_time(MEETING_AT + timedelta(hours=1)):
            meeting.action_outcome_held()
        self.assertEqual(meeting.coordination_outcome, "held")
        with self.assertRaises(UserError):
            meeting.action_outcome_no_show()

    def test_no_show_cancel_and_reset(self):
        meeting = self._meeting()
        meeting.action_outcome_no_show()
        self.assertEqual(meeting.coordination_outcome, "no_show")
        meeting.action_outcome_reset()
        meeting.action_outcome_cancelled()
        self.assertEqual(meeting.coordination_outcome, "cancelled")

    def test_outcome_buttons_refuse_bad_ids(self):
        """Over RPC: malformed ids get a UserError, unknown ones a
        MissingError, several for a one-meeting action a UserError; nothing
        changes."""
        meeting = self._meeting()
        Event = self.env["calendar.event"].with_user(self.coordinator)
        actions = (
            "action_outcome_held",
            "action_outcome_no_show",
            "action_outcome_cancelled",
            "action_outcome_reset",
            "action_outcome_rescheduled",
            "action_open_rescheduled",
        )
        for action in actions:
            for bad in ("abc", None, 0, [1], True):
                with (
                    self.subTest(action=action, bad=bad),
                    self.assertRaisesRegex(UserError, "positive whole numbers"),
                ):
                    getattr(Event.browse([meeting.id, bad]), action)()
            with (
                self.subTest(action=action),
                self.assertRaisesRegex(MissingError, "do not exist"),
            ):
                getattr(Event.browse([999999999]), action)()
        with self.assertRaisesRegex(UserError, "exactly one"):
            (meeting | self._meeting()).with_user(
                self.coordinator
            ).action_outcome_rescheduled()
        self.assertEqual(meeting.coordination_outcome, "planned")

    def test_reschedule_links_the_new_meeting(self):
        meeting = self._meeting(sale_order_id=self._create_order(team=self.team).id)
        action = meeting.action_outcome_rescheduled()
        new = self.env["calendar.event"].browse(action["res_id"])
        self.assertEqual(meeting.coordination_outcome, "rescheduled")
        self.assertEqual(meeting.rescheduled_event_id, new)
        self.assertEqual(new.start, MEETING_AT + timedelta(days=7))
        self.assertEqual(new.stop - new.start, timedelta(hours=1))
        self.assertEqual(new.coordination_outcome, "planned")
        self.assertEqual(new.opportunity_id, self.lead)
        self.assertEqual(new.sale_order_id, meeting.sale_order_id)
        self.assertEqual(meeting.action_open_rescheduled()["res_id"], new.id)
        other = self._meeting()
        action = other.action_outcome_rescheduled(start="2026-03-20 10:00:00")
        self.assertEqual(
            self.env["calendar.event"].browse(action["res_id"]).start,
            datetime(2026, 3, 20, 10, 0),
        )
        with self.assertRaises(UserError):
            self._meeting().action_outcome_rescheduled(start="next tuesday-ish")

    def test_held_meeting_gets_one_followup(self):
        meeting = self._meeting()
        second = self._meeting(
            start=MEETING_AT + timedelta(hours=2), stop=MEETING_AT + timedelta(hours=3)
        )
        planned = self._meeting()
        unlinked = self._meeting(opportunity_id=False)
        with freeze_time(MEETING_AT + timedelta(hours=4)):
            (meeting | second | unlinked).action_outcome_held()
        self.assertEqual(
            self._run(MEETING_AT + timedelta(hours=5), self.meeting_rule), 1
        )
        activity = self._followups(self.lead, self.meeting_rule)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.coordinator)
        self.assertTrue(meeting.coordination_followup_done)
        self.assertTrue(second.coordination_followup_done)
        self.assertFalse(planned.coordination_followup_done)
        self.assertFalse(unlinked.coordination_followup_done)
        self.assertEqual(
            self._run(MEETING_AT + timedelta(days=1), self.meeting_rule), 0
        )
        with self.assertRaises(UserError):
            meeting.action_outcome_reset()

    def test_meeting_on_order_followed_on_the_order(self):
        order = self._create_order(team=self.team)
        meeting = self._meeting(opportunity_id=False, sale_order_id=order.id)
        with freeze_time(MEETING_AT + timedelta(hours=2)):
            meeting.action_outcome_held()
        self._run(MEETING_AT + timedelta(hours=3), self.meeting_rule)
        self.assertEqual(len(self._followups(order, self.meeting_rule)), 1)

    def test_coordination_meetings_action(self):
        action = self.env.ref("sales_coordination.calendar_event_action_coordination")
        menu = self.env.ref("sales_coordination.menu_coordinator_meetings")
        self.assertEqual(menu.action, action)
        self.assertIn("search_default_no_outcome", action.context)
        past = self._meeting()
        future = self._meeting(
            start=datetime(2026, 4, 1, 9), stop=datetime(2026, 4, 1, 10)
        )
        done = self._meeting()
        done.action_outcome_no_show()
        with freeze_time("2026-03-10"):
            found = self.env["calendar.event"].search(
                self.env["calendar.event"]._coordination_meeting_domain()
                + [("id", "in", (past | future | done).ids)]
            )
        self.assertEqual(found, past | future)

from datetime import datetime, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import FollowupCase

MEETING_AT = datetime(2026, 3, 4, 14, 0)


@tagged("post_install", "-at_install")
class TestMeetingDailyUse(FollowupCase):
    """Meetings without surprises: rescheduling asks for the new date and
    invites nobody unless asked, a meeting held with a customer gets its
    follow-up on the customer, and a meeting with an outcome is never among
    those waiting for one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Lotte Buyer",
                "parent_id": cls.customer.id,
                "email": "lotte@happypaws.example.com",
            }
        )
        # a meeting with a customer only is its organizer's team's
        cls.team.write({"member_ids": [Command.link(cls.coordinator.id)]})
        cls.meeting_rule = cls._create_rule(
            name="After the meeting",
            trigger="meeting_done",
            delay_days=0,
            activity_type_id=cls.env.ref(
                "sales_coordination.mail_activity_type_meeting_followup"
            ).id,
        )

    def _meeting(self, start=MEETING_AT, **values):
        vals = {
            "name": "Autumn range with Happy Paws",
            "start": start,
            "stop": start + timedelta(hours=1),
            "user_id": self.coordinator.id,
            "partner_ids": [
                Command.set([self.coordinator.partner_id.id, self.buyer.id])
            ],
        }
        vals.update(values)
        return self.env["calendar.event"].with_user(self.coordinator).create(vals)

    def _invitations(self, event):
        return self.env["mail.message"].search(
            [
                ("model", "=", "calendar.event"),
                ("res_id", "=", event.id),
                ("partner_ids", "in", self.buyer.ids),
            ]
        )

    def _reschedule(self, meeting, start, notify=None):
        dialog = Form(
            self.env["calendar.event.reschedule"]
            .with_user(self.coordinator)
            .with_context(active_model="calendar.event", active_id=meeting.id)
        )
        # it asks for the new date and time, a week later by default, and
        # invites nobody unless told to
        self.assertEqual(dialog.start, meeting.start + timedelta(days=7))
        self.assertFalse(dialog.notify_attendees)
        dialog.start = start
        if notify is not None:
            dialog.notify_attendees = notify
        action = dialog.save().action_apply()
        return self.env["calendar.event"].browse(action["res_id"])

    @freeze_time(MEETING_AT - timedelta(days=2))
    def test_reschedule_asks_and_invites_only_when_asked(self):
        meeting = self._meeting()
        new_start = datetime(2026, 3, 9, 10, 0)
        new = self._reschedule(meeting, new_start)
        self.assertEqual(meeting.coordination_outcome, "rescheduled")
        self.assertEqual(meeting.rescheduled_event_id, new)
        self.assertEqual(
            (new.start, new.stop), (new_start, new_start + timedelta(hours=1))
        )
        self.assertEqual(new.partner_ids, meeting.partner_ids)
        self.assertFalse(self._invitations(new))
        # asked: the attendees get Odoo's invitation to the new meeting
        other = self._meeting()
        new = self._reschedule(other, new_start, notify=True)
        self.assertTrue(self._invitations(new))
        # the meeting form's Reschedule button opens the dialog
        dialog = self.env.ref("sales_coordination.calendar_event_reschedule_action")
        arch = self.env["calendar.event"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        self.assertIn(f'name="{dialog.id}"', arch)

    def test_meeting_held_with_a_customer_only_is_followed_up_on_the_customer(self):
        with_customer = self._meeting()
        planned_from_customer = self._meeting(
            partner_ids=[Command.set([self.coordinator.partner_id.id])],
            res_model_id=self.env["ir.model"]._get_id("res.partner"),
            res_id=self.branch.id,
        )
        internal = self._meeting(
            partner_ids=[Command.set([self.coordinator.partner_id.id])]
        )
        self.assertEqual(with_customer.coordination_partner_id, self.customer)
        self.assertEqual(planned_from_customer.coordination_partner_id, self.customer)
        self.assertFalse(internal.coordination_partner_id)
        with freeze_time(MEETING_AT + timedelta(hours=2)):
            (with_customer | planned_from_customer | internal).action_outcome_held()
        self.assertEqual(
            self._run(MEETING_AT + timedelta(hours=3), self.meeting_rule), 1
        )
        activity = self._followups(self.customer, self.meeting_rule)
        self.assertEqual(len(activity), 1)
        # the customer's own coordinator
        self.assertEqual(activity.user_id, self.coordinator)
        self.assertTrue(with_customer.coordination_followup_done)
        self.assertTrue(planned_from_customer.coordination_followup_done)
        self.assertFalse(internal.coordination_followup_done)
        # the customer is computed, never written
        with self.assertRaises(AccessError):
            internal.with_user(self.coordinator).write(
                {"coordination_partner_id": self.customer.id}
            )

    def _listed_by_default(self, events):
        """The meetings the coordinator's *Meetings* list shows: its action's
        domain and default filters, as the web client combines them."""
        action = self.env.ref("sales_coordination.calendar_event_action_coordination")
        context = safe_eval(action.context)
        arch = self.env["calendar.event"].get_views([(False, "search")])["views"][
            "search"
        ]["arch"]
        filters = {
            node.get("name"): node.get("domain")
            for node in etree.fromstring(arch).iter("filter")
        }
        names = [key[len("search_default_") :] for key in context]
        evaluated = [
            safe_eval(filters[name], {"context_today": lambda: datetime.now().date()})
            for name in names
        ]
        domain = ["|"] * (len(evaluated) - 1)
        for part in evaluated:
            domain += part
        return self.env["calendar.event"].search(
            safe_eval(action.domain) + domain + [("id", "in", events.ids)]
        )

    def test_a_meeting_with_an_outcome_is_never_waiting_for_one(self):
        now = MEETING_AT + timedelta(hours=6)
        past_planned = self._meeting()
        past_held = self._meeting()
        this_morning_held = self._meeting(start=now - timedelta(hours=4))
        future_cancelled = self._meeting(start=now + timedelta(days=1))
        future_planned = self._meeting(start=now + timedelta(days=2))
        with freeze_time(now):
            (past_held | this_morning_held).action_outcome_held()
            future_cancelled.action_outcome_cancelled()
            all_meetings = (
                past_planned
                | past_held
                | this_morning_held
                | future_cancelled
                | future_planned
            )
            Event = self.env["calendar.event"]
            self.assertEqual(
                Event.search(
                    [
                        ("coordination_agenda", "=", "outcome_due"),
                        ("id", "in", all_meetings.ids),
                    ]
                ),
                past_planned,
            )
            self.assertEqual(
                Event.search(
                    [
                        ("coordination_agenda", "=", "upcoming"),
                        ("id", "in", all_meetings.ids),
                    ]
                ),
                future_planned,
            )
            self.assertEqual(past_planned.coordination_agenda, "outcome_due")
            self.assertFalse(past_held.coordination_agenda)
            self.assertEqual(
                self._listed_by_default(all_meetings), past_planned | future_planned
            )
            self.assertEqual(
                Event.search(
                    Event._coordination_meeting_domain()
                    + [("id", "in", all_meetings.ids)]
                ),
                past_planned | future_planned,
            )

    def test_agenda_search_refuses_malformed_values(self):
        Event = self.env["calendar.event"]
        for domain in (
            [("coordination_agenda", "=", {"upcoming": 1})],
            [("coordination_agenda", "like", "up")],
            [("coordination_agenda", "in", [["upcoming"]])],
        ):
            with self.subTest(domain=domain), self.assertRaises(UserError):
                Event.search(domain)
        self.assertEqual(
            Event.search(
                [
                    ("coordination_agenda", "not in", ["upcoming", "outcome_due"]),
                    ("coordination_outcome", "=", "planned"),
                ]
            ),
            Event.browse(),
        )

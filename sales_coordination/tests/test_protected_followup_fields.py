from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SENT_AT, FollowupCase

MEETING_AT = datetime(2026, 3, 4, 14, 0)
SOME_DATE = "2026-01-01 00:00:00"

REQUEST_FIELDS = {
    "state": "done",
    "request_date": SOME_DATE,
    "first_response_date": SOME_DATE,
    "done_date": SOME_DATE,
    "response_hours": 0.5,
    "resolution_hours": 1.0,
}
EVENT_FIELDS = {
    "coordination_outcome": "held",
    "coordination_followup_done": True,
}


@tagged("post_install", "-at_install")
class TestProtectedFollowupFields(FollowupCase):
    """Support requests, meetings and follow-up activities: what the addon
    sets is refused to create and write, for requesters, assignees and
    managers alike; the buttons and the follow-up engine still set it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["sales.support.request"]

    # --- sales.support.request ---

    def _request(self, user=None, **values):
        vals = {
            "name": "Proposal for 40 pallets",
            "assigned_to_id": self.coordinator.id,
        }
        vals.update(values)
        return self.Request.with_user(user or self.salesperson).create(vals)

    def test_request_fields_refused_on_create(self):
        for user in (self.salesperson, self.coordinator, self.manager):
            for name, value in REQUEST_FIELDS.items():
                with self.assertRaises(AccessError, msg=name):
                    self._request(user, **{name: value})
        self.assertFalse(
            self.Request.search([("name", "=", "Proposal for 40 pallets")])
        )

    def test_request_fields_refused_on_write(self):
        request = self._request()
        before = request.read(list(REQUEST_FIELDS))
        for user in (self.salesperson, self.coordinator, self.manager):
            for name, value in REQUEST_FIELDS.items():
                with self.assertRaises(AccessError, msg=name):
                    request.with_user(user).write({name: value})
        self.assertEqual(request.read(list(REQUEST_FIELDS)), before)

    def test_request_context_defaults_are_ignored(self):
        context = {f"default_{name}": value for name, value in REQUEST_FIELDS.items()}
        with freeze_time("2026-03-02 09:00:00"):
            request = (
                self.Request.with_user(self.salesperson)
                .with_context(**context)
                .create({"name": "Samples"})
            )
        self.assertEqual(request.state, "new")
        self.assertEqual(request.request_date, datetime(2026, 3, 2, 9, 0))
        self.assertFalse(request.first_response_date)
        self.assertFalse(request.done_date)

    def test_request_buttons_still_move_the_state(self):
        request = self._request()
        with freeze_time("2026-03-02 10:00:00"):
            request.with_user(self.coordinator).action_start()
        self.assertEqual(request.state, "in_progress")
        self.assertEqual(request.first_response_date, datetime(2026, 3, 2, 10, 0))
        with freeze_time("2026-03-02 12:00:00"):
            request.with_user(self.coordinator).action_done()
        self.assertEqual(request.state, "done")
        self.assertEqual(request.done_date, datetime(2026, 3, 2, 12, 0))
        request.with_user(self.salesperson).action_reopen()
        self.assertEqual(request.state, "in_progress")
        self.assertFalse(request.done_date)
        request.with_user(self.salesperson).action_cancel()
        self.assertEqual(request.state, "cancelled")

    def test_request_trust_is_per_record(self):
        """A trusted write covers the records of the action, not others."""
        mine = self._request()
        other = self._request()
        guard = self.env["sales.coordination.field.guard"]
        trusted = guard._sc_trusted(mine.with_user(self.salesperson), ["state"])
        with self.assertRaises(AccessError):
            (trusted | other.with_env(trusted.env)).write({"state": "done"})
        self.assertEqual((mine | other).mapped("state"), ["new", "new"])

    # --- calendar.event ---

    def _meeting(self, user=None, **values):
        vals = {
            "name": "Range review",
            "start": MEETING_AT,
            "stop": MEETING_AT + timedelta(hours=1),
            "user_id": self.coordinator.id,
        }
        vals.update(values)
        return (
            self.env["calendar.event"].with_user(user or self.coordinator).create(vals)
        )

    def test_meeting_fields_refused(self):
        meeting = self._meeting()
        other = self._meeting()
        values = dict(EVENT_FIELDS, rescheduled_event_id=other.id)
        for user in (self.coordinator, self.manager):
            for name, value in values.items():
                with self.assertRaises(AccessError, msg=name):
                    self._meeting(user, **{name: value})
                with self.assertRaises(AccessError, msg=name):
                    meeting.with_user(user).write({name: value})
        self.assertEqual(meeting.coordination_outcome, "planned")
        self.assertFalse(meeting.coordination_followup_done)
        self.assertFalse(meeting.rescheduled_event_id)

    def test_meeting_context_defaults_are_ignored(self):
        meeting = self._meeting().with_context(
            default_coordination_outcome="held", default_coordination_followup_done=True
        )
        meeting = meeting.create(
            {"name": "Again", "start": MEETING_AT, "stop": MEETING_AT}
        )
        self.assertEqual(meeting.coordination_outcome, "planned")
        self.assertFalse(meeting.coordination_followup_done)

    def test_meeting_outcome_buttons_still_work(self):
        meeting = self._meeting().with_user(self.coordinator)
        with freeze_time(MEETING_AT + timedelta(hours=2)):
            meeting.action_outcome_held()
        self.assertEqual(meeting.coordination_outcome, "held")
        meeting.action_outcome_reset()
        self.assertEqual(meeting.coordination_outcome, "planned")
        meeting.action_outcome_rescheduled(start="2026-03-11 14:00:00")
        self.assertEqual(meeting.coordination_outcome, "rescheduled")
        new = meeting.rescheduled_event_id
        self.assertEqual(new.coordination_outcome, "planned")
        self.assertFalse(new.rescheduled_event_id)

    # --- mail.activity ---

    def _planned_followup(self):
        order = self._sent_quote()
        self._run(SENT_AT + timedelta(days=3))
        followup = self._followups(order)
        self.assertEqual(followup.user_id, self.coordinator)
        return order, followup

    def test_nobody_takes_a_rule_slot(self):
        order = self._sent_quote()
        Activity = self.env["mail.activity"]
        vals = {
            "res_model_id": self.env["ir.model"]._get_id("sale.order"),
            "res_id": order.id,
            "activity_type_id": self.quote_type.id,
            "user_id": self.coordinator.id,
        }
        for user in (self.coordinator, self.manager):
            for name, value in (
                ("followup_rule_id", self.quote_rule.id),
                ("followup_escalated", True),
            ):
                with self.assertRaises(AccessError, msg=name):
                    Activity.with_user(user).create(dict(vals, **{name: value}))
        squatter = (
            Activity.with_user(self.coordinator)
            .with_context(default_followup_rule_id=self.quote_rule.id)
            .create(vals)
        )
        self.assertFalse(squatter.followup_rule_id)
        self.assertEqual(self._run(SENT_AT + timedelta(days=3)), 1)
        self.assertTrue(self._followups(order))

    def test_assignee_cannot_stop_the_escalation(self):
        order, followup = self._planned_followup()
        for vals in (
            {"followup_escalated": True},
            {"followup_rule_id": False},
            {"followup_escalation_of_id": followup.id},
        ):
            for user in (self.coordinator, self.manager):
                with self.assertRaises(AccessError, msg=str(vals)):
                    followup.with_user(user).write(vals)
        self.assertFalse(followup.followup_escalated)
        self.assertEqual(followup.res_id, order.id)
        self._run(datetime(2026, 3, 8, 8, 0))
        self.assertTrue(followup.followup_escalated)
        escalation = self.env["mail.activity"].search(
            [("followup_escalation_of_id", "=", followup.id)], limit=1
        )
        with self.assertRaises(AccessError):
            escalation.with_user(self.manager).write(
                {"followup_escalation_of_id": False}
            )
        # the assignee still works the follow-up as usual
        followup.with_user(self.coordinator).write({"note": "Called, no answer"})

    def test_copied_followup_carries_no_marker(self):
        __, followup = self._planned_followup()
        copied = followup.with_user(self.coordinator).copy()
        self.assertFalse(copied.followup_rule_id)
        self.assertFalse(copied.followup_escalated)

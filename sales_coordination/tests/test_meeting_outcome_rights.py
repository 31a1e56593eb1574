from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SalesCoordinationCase

MEETING_AT = datetime(2026, 3, 2, 10, 0)


@tagged("post_install", "-at_install")
class TestMeetingOutcomeRights(SalesCoordinationCase):
    """A meeting's outcome is recorded by its organizer, its attendees and,
    for a meeting that is not private to others, the coordination roles;
    anyone else gets a clear error, never a server error, and nothing
    changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_rep = cls._new_user(
            "sc_other_rep", "sales_team.group_sale_salesman", name="Olga Other-Rep"
        )

    def _meeting(self, **values):
        vals = {
            "name": "Range review",
            "start": MEETING_AT,
            "stop": MEETING_AT + timedelta(hours=1),
            "user_id": self.salesperson.id,
            "partner_ids": [Command.set(self.salesperson.partner_id.ids)],
        }
        vals.update(values)
        return self.env["calendar.event"].create(vals)

    def test_organizer_and_attendees_record_the_outcome(self):
        meeting = self._meeting(
            partner_ids=[
                Command.set((self.salesperson | self.other_rep).partner_id.ids)
            ]
        )
        meeting.with_user(self.other_rep).action_outcome_no_show()
        self.assertEqual(meeting.coordination_outcome, "no_show")
        meeting.with_user(self.salesperson).action_outcome_reset()
        self.assertEqual(meeting.coordination_outcome, "planned")

    def test_coordination_roles_record_a_public_meeting(self):
        for user in (self.coordinator, self.administrator, self.manager):
            with self.subTest(user=user.login):
                meeting = self._meeting()
                meeting.with_user(user).action_outcome_cancelled()
                self.assertEqual(meeting.coordination_outcome, "cancelled")

    def test_someone_else_cannot_record_a_public_meeting(self):
        meeting = self._meeting()
        with self.assertRaises(UserError):
            meeting.with_user(self.other_rep).action_outcome_cancelled()
        self.assertEqual(meeting.coordination_outcome, "planned")

    def test_private_meeting_of_someone_else_is_a_clear_error(self):
        meeting = self._meeting(privacy="private")
        for user in (self.other_rep, self.coordinator, self.manager):
            for action in (
                "action_outcome_held",
                "action_outcome_no_show",
                "action_outcome_reset",
            ):
                with self.subTest(user=user.login, action=action):
                    with self.assertRaises(UserError) as caught:
                        getattr(meeting.with_user(user), action)()
                    self.assertNotIsInstance(caught.exception, KeyError)
        self.assertEqual(meeting.coordination_outcome, "planned")
        # its organizer still can
        meeting.with_user(self.salesperson).action_outcome_no_show()
        self.assertEqual(meeting.coordination_outcome, "no_show")

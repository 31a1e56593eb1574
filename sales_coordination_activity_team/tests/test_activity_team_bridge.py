from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.sales_coordination.tests.common import SENT_AT, FollowupCase

PLANNED_AT = SENT_AT + timedelta(days=4)


@tagged("sc_activity_team", "post_install", "-at_install")
class TestActivityTeamBridge(FollowupCase):
    """With OCA's mail_activity_team installed, the follow-ups carry its
    activity team: the rule's own, else the one of the sales team whose
    coordination queue they wait in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.member_ids = [Command.set(cls.coordinator.ids)]
        cls.ActivityTeam = cls.env["mail.activity.team"]
        cls.queue_activity_team = cls.ActivityTeam.create(
            {
                "name": "Pet Shops North coordination",
                "member_ids": [
                    Command.set((cls.coordinator | cls.team_coordinator).ids)
                ],
            }
        )
        cls.rule_activity_team = cls.ActivityTeam.create(
            {
                "name": "Quote chasers",
                "member_ids": [Command.set(cls.coordinator.ids)],
            }
        )

    def test_rule_activity_team(self):
        """A rule's own activity team, whoever the assignee is."""
        self.quote_rule.activity_team_id = self.rule_activity_team
        order = self._sent_quote()
        self.assertEqual(self._run(PLANNED_AT), 1)
        activity = self._followups(order)
        self.assertEqual(activity.team_id, self.rule_activity_team)
        self.assertEqual(activity.user_id, self.coordinator)

    def test_team_queue_mapped_to_activity_team(self):
        self.team.activity_team_id = self.queue_activity_team
        self.quote_rule.assign_to = "team_queue"
        order = self._sent_quote()
        self._run(PLANNED_AT)
        activity = self._followups(order)
        self.assertEqual(activity.coordination_team_id, self.team)
        self.assertEqual(activity.team_id, self.queue_activity_team)
        self.assertEqual(activity.user_id, self.team_coordinator)
        # their team views list it for the members of the activity team
        Activity = self.env["mail.activity"].with_user(self.coordinator)
        self.assertIn(
            activity,
            Activity.search([("team_id.member_ids", "in", self.coordinator.ids)]),
        )
        # taken by a coordinator of the team, a member of the activity team:
        # it stays in the activity team, assigned to them
        activity.with_user(self.coordinator).action_take_followup()
        self.assertEqual(activity.user_id, self.coordinator)
        self.assertFalse(activity.coordination_team_id)
        self.assertEqual(activity.team_id, self.queue_activity_team)

    def test_rule_team_wins_over_the_queue_mapping(self):
        self.team.activity_team_id = self.queue_activity_team
        self.quote_rule.write(
            {"assign_to": "team_queue", "activity_team_id": self.rule_activity_team.id}
        )
        order = self._sent_quote()
        self._run(PLANNED_AT)
        self.assertEqual(self._followups(order).team_id, self.rule_activity_team)

    def test_orm_insert_path(self):
        """Through mail.activity.create (and mail_activity_team's override)
        too."""
        self.env["ir.config_parameter"].set_param(
            "sales_coordination.followup_insert", "orm"
        )
        self.team.activity_team_id = self.queue_activity_team
        self.quote_rule.assign_to = "team_queue"
        order = self._sent_quote()
        self._run(PLANNED_AT)
        activity = self._followups(order)
        self.assertEqual(activity.coordination_team_id, self.team)
        self.assertEqual(activity.team_id, self.queue_activity_team)

    def test_rule_activity_team_set_by_rule_writers_only(self):
        with self.assertRaises(AccessError):
            self.quote_rule.with_user(self.coordinator).write(
                {"activity_team_id": self.rule_activity_team.id}
            )

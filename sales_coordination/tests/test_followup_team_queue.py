from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SENT_AT, FollowupCase

PLANNED_AT = SENT_AT + timedelta(days=4)
# the follow-ups are due a day after they are planned: in My Day from then on
MY_DAY_AT = PLANNED_AT + timedelta(days=2)


@tagged("post_install", "-at_install")
class TestFollowupTeamQueue(FollowupCase):
    """A rule that assigns to the sales team's coordination queue: every
    coordinator of the team sees the follow-up until one of them takes it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second_coordinator = cls._new_user(
            "sc_queue_second", "sales_coordination.group_coordinator"
        )
        # members of the team: two coordinators and a plain salesperson
        cls.team.member_ids = [
            Command.set(
                (cls.coordinator | cls.second_coordinator | cls.salesperson).ids
            )
        ]
        cls.outsider = cls.fallback  # a coordinator of no team
        cls.quote_rule.assign_to = "team_queue"

    def _my_day_activity_ids(self, user):
        with freeze_time(MY_DAY_AT):
            day = self.env["sales.coordination.my.day"].with_user(user).get_my_day()
        return {record["activity_id"] for record in day["followups"]["records"]}

    def test_planned_to_the_team_queue(self):
        order = self._sent_quote()
        self.assertEqual(self._run(PLANNED_AT), 1)
        activity = self._followups(order)
        self.assertEqual(activity.coordination_team_id, self.team)
        # held by the team's coordinator until someone takes it
        self.assertEqual(activity.user_id, self.team_coordinator)

    def test_customer_team_when_the_record_has_none(self):
        vet_rep = self._new_user("sc_queue_vet_rep", "sales_team.group_sale_salesman")
        team = self.env["crm.team"].create(
            {"name": "Vet Clinics", "member_ids": [Command.set(vet_rep.ids)]}
        )
        self.customer.user_id = vet_rep
        rule = self._create_rule(
            name="Queue without team scope",
            trigger="quote_no_reply",
            activity_type_id=self.quote_type.id,
            assign_to="team_queue",
            fallback_user_id=self.fallback.id,
            team_ids=[Command.clear()],
        )
        order = self._sent_quote()
        order.team_id = False
        self._run(PLANNED_AT, rules=rule)
        activity = self._followups(order, rule=rule)
        self.assertEqual(activity.coordination_team_id, team)
        self.assertEqual(activity.user_id, self.fallback, "no coordinator, no leader")

    def test_visible_to_each_coordinator_of_the_team(self):
        order = self._sent_quote()
        self._run(PLANNED_AT)
        activity = self._followups(order)
        for user in (self.coordinator, self.second_coordinator, self.team_coordinator):
            self.assertIn(activity.id, self._my_day_activity_ids(user), user.name)
            Activity = self.env["mail.activity"].with_user(user)
            self.assertIn(
                activity, Activity.search([("followup_in_my_queue", "=", True)])
            )
            self.assertTrue(activity.with_user(user).followup_in_my_queue)
        self.assertNotIn(activity.id, self._my_day_activity_ids(self.outsider))
        self.assertFalse(activity.with_user(self.outsider).followup_in_my_queue)

    def test_taken_by_one_coordinator(self):
        order = self._sent_quote()
        self._run(PLANNED_AT)
        activity = self._followups(order)
        self.assertTrue(
            activity.with_user(self.second_coordinator).action_take_followup()
        )
        self.assertEqual(activity.user_id, self.second_coordinator)
        self.assertFalse(activity.coordination_team_id)
        self.assertIn(activity.id, self._my_day_activity_ids(self.second_coordinator))
        for user in (self.coordinator, self.team_coordinator):
            self.assertNotIn(activity.id, self._my_day_activity_ids(user))
        with self.assertRaisesRegex(UserError, "no team queue"):
            activity.with_user(self.coordinator).action_take_followup()

    def test_refused_to_a_non_member(self):
        order = self._sent_quote()
        self._run(PLANNED_AT)
        activity = self._followups(order)
        with self.assertRaisesRegex(AccessError, "Pet Shops North"):
            activity.with_user(self.outsider).action_take_followup()
        # a member of the team who is no coordinator
        with self.assertRaises(AccessError):
            activity.with_user(self.salesperson).action_take_followup()
        self.assertEqual(activity.user_id, self.team_coordinator)
        self.assertEqual(activity.coordination_team_id, self.team)

    def test_bad_ids(self):
        Activity = self.env["mail.activity"].with_user(self.coordinator)
        with self.assertRaises(UserError):
            Activity.browse().action_take_followup()
        with self.assertRaises(UserError):
            Activity.browse([0]).action_take_followup()

    def test_queue_is_set_by_the_rules_only(self):
        order = self._sent_quote()
        self._run(PLANNED_AT)
        activity = self._followups(order).with_user(self.coordinator)
        with self.assertRaises(AccessError):
            activity.write({"coordination_team_id": False})
        with self.assertRaises(AccessError):
            self.env["mail.activity"].with_user(self.coordinator).create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("sale.order"),
                    "res_id": order.id,
                    "activity_type_id": self.quote_type.id,
                    "user_id": self.coordinator.id,
                    "coordination_team_id": self.team.id,
                }
            )
        # the rule option is set by whoever may write rules: managers only
        with self.assertRaises(AccessError):
            self.quote_rule.with_user(self.coordinator).write(
                {"assign_to": "coordinator"}
            )

    def test_queue_costs_the_same_for_more_records(self):
        """Queueing the follow-ups of a batch takes a fixed number of
        queries, whatever the number of records: those of a batch of two
        (after a first batch that warms the caches up) for a batch of six
        (other installed addons may add their own fixed cost)."""
        queries = None
        for size in (1, 2, 6):
            orders = self.env["sale.order"]
            for __ in range(size):
                orders |= self._sent_quote()
            # the orders' own pending work (their checks) is done first
            self.env.flush_all()
            self.env.cr.flush()
            self.env.invalidate_all()
            with freeze_time(PLANNED_AT):
                if size < 6:
                    before = self.cr.sql_log_count
                    self.quote_rule._plan_followups(orders, PLANNED_AT.date())
                    self.env.flush_all()
                    queries = self.cr.sql_log_count - before
                else:
                    with self.assertQueryCount(queries):
                        self.quote_rule._plan_followups(orders, PLANNED_AT.date())
            self.assertEqual(
                self._followups(orders).coordination_team_id, self.team, size
            )

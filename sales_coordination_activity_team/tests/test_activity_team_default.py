from odoo import Command
from odoo.tests import tagged

from odoo.addons.sales_coordination.tests.common import SalesCoordinationCase


@tagged("sc_activity_team", "post_install", "-at_install")
class TestActivityTeamDefaultBatch(SalesCoordinationCase):
    """Follow-ups given to someone else in one go (the hand-over's SQL move,
    then ``modified``) take mail_activity_team's default team of their new
    assignee: the same teams as its record-by-record lookup, for the same
    number of queries whatever the number of follow-ups."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ActivityTeam = cls.env["mail.activity.team"]
        order_model = cls.env["ir.model"]._get("sale.order")
        # created in this order: the lowest id is their first choice
        cls.any_model_team = ActivityTeam.create({"name": "Colleague, any document"})
        cls.order_team = ActivityTeam.create(
            {
                "name": "Colleague, orders",
                "res_model_ids": [Command.set(order_model.ids)],
            }
        )
        cls.colleague = cls._new_user(
            "sc_team_colleague", "sales_coordination.group_coordinator"
        )
        (cls.any_model_team | cls.order_team).member_ids = [
            Command.set(cls.colleague.ids)
        ]
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")

    def _followups(self, size, login):
        """``size`` follow-ups on orders and ``size`` on customers, assigned
        to a user of no activity team."""
        owner = self._new_user(login, "sales_coordination.group_coordinator")
        orders = self.env["sale.order"]
        partners = self.env["res.partner"]
        for index in range(size):
            partner = self.env["res.partner"].create(
                {"name": f"Customer {login} {index}"}
            )
            partners |= partner
            orders |= self._create_order(partner=partner)
        activities = self.env["mail.activity"]
        for records in (orders, partners):
            activities |= self.env["mail.activity"].create(
                [
                    {
                        "res_model_id": self.env["ir.model"]._get_id(record._name),
                        "res_id": record.id,
                        "activity_type_id": self.todo.id,
                        "user_id": owner.id,
                        "summary": "Call back",
                    }
                    for record in records
                ]
            )
        self.assertFalse(activities.team_id)
        self.env.flush_all()
        self.env.invalidate_all()
        return activities

    def _give(self, activities, user):
        self.env["sales.coordination.reassign"]._sc_reassign(
            activities, "user_id", user
        )
        self.env.flush_all()

    def test_same_teams_as_their_lookup(self):
        activities = self._followups(3, "sc_team_owner_same")
        self._give(activities, self.colleague)
        for activity in activities:
            expected = activity._get_default_team_id(
                activity.user_id.id, activity.res_model_id.id
            )
            self.assertEqual(activity.team_id, expected)
        on_orders = activities.filtered(lambda a: a.res_model == "sale.order")
        self.assertEqual(on_orders.team_id, self.order_team)
        self.assertEqual((activities - on_orders).team_id, self.any_model_team)
        # given back to someone of no team: no team (theirs is incompatible)
        self._give(activities, self.coordinator)
        self.assertFalse(activities.team_id)

    def test_move_is_flat(self):
        """2 follow-ups or 16 (the user's, the models' and the teams' caches
        warm): the same queries."""
        counts = []
        for size in (1, 8):
            activities = self._followups(size, f"sc_team_owner_{size}")
            before = self.env.cr.sql_log_count
            self._give(activities, self.colleague)
            self.env.cr.flush()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(activities.team_id, self.order_team | self.any_model_team)
        self.assertEqual(counts[0], counts[1], f"queries for 2 and 16: {counts}")
        activities = self._followups(4, "sc_team_owner_4")
        with self.assertQueryCount(counts[0]):
            self._give(activities, self.colleague)

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyOverrideRequest(AccuracyCase):
    """Whoever is stopped asks for an override; a Coordination Manager
    approves or refuses it from the queue; the requester is told."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nowhere = cls.env["res.partner"].create({"name": "Depot Without Street"})
        cls.activity_type = cls.env.ref(
            "sales_coordination.mail_activity_type_override_request"
        )

    def _blocked(self, qty=60, **values):
        order = self._clean_order(
            lines=[{"product_id": self.product.id, "product_uom_qty": qty}],
            **{
                "partner_shipping_id": self.nowhere.id,
                "user_id": self.salesperson.id,
                **values,
            },
        )
        order.action_check_accuracy()
        self.assertEqual(order.accuracy_state, "blocked")
        return order

    def _activities(self, order, active=True):
        return (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", order.id),
                    ("activity_type_id", "=", self.activity_type.id),
                    ("active", "=", active),
                ]
            )
        )

    def test_request_records_who_why_when_and_schedules_the_manager(self):
        order = self._blocked()
        with freeze_time("2026-03-02 09:00:00"):
            order.with_user(self.salesperson).action_accuracy_request_override(
                "  Customer picks up at the dock  "
            )
        self.assertEqual(order.accuracy_override_requested_by_id, self.salesperson)
        self.assertEqual(
            order.accuracy_override_request_reason, "Customer picks up at the dock"
        )
        self.assertEqual(
            str(order.accuracy_override_request_date), "2026-03-02 09:00:00"
        )
        activity = self._activities(order)
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group("sales_coordination.group_manager"))
        self.assertIn(self.company, activity.user_id.company_ids)
        self.assertIn("Customer picks up at the dock", order.message_ids[0].body)

    def test_the_team_leader_gets_the_request_when_he_is_a_manager(self):
        leader = new_test_user(
            self.env,
            login="sc_leader_manager",
            groups="base.group_user,sales_coordination.group_manager",
        )
        team = self.env["crm.team"].create({"name": "Vets", "user_id": leader.id})
        order = self._blocked(team_id=team.id)
        order.with_user(self.salesperson).action_accuracy_request_override("Vet chain")
        self.assertEqual(self._activities(order).user_id, leader)

    def test_bad_requests(self):
        order = self._blocked()
        as_rep = order.with_user(self.salesperson)
        for reason in ("", "   ", None, 42, ["why"]):
            with self.assertRaises(UserError):
                as_rep.action_accuracy_request_override(reason)
        clean = self._clean_order(user_id=self.salesperson.id)
        with self.assertRaisesRegex(UserError, "blocked"):
            clean.with_user(self.salesperson).action_accuracy_request_override("x")
        others = self._blocked(qty=72, user_id=self.coordinator.id)
        with self.assertRaises(AccessError):
            others.with_user(self.salesperson).action_accuracy_request_override("x")
        self.assertFalse(order.accuracy_override_requested_by_id)
        self.assertFalse(self._activities(order))

    def test_manager_approves_and_the_requester_is_told(self):
        order = self._blocked()
        order.with_user(self.salesperson).action_accuracy_request_override("Dock")
        order.with_user(self.manager).action_accuracy_override("Regular customer")
        self.assertEqual(order.accuracy_state, "overridden")
        self.assertFalse(order.accuracy_override_requested_by_id)
        self.assertFalse(order.accuracy_override_request_reason)
        self.assertFalse(order.accuracy_override_request_date)
        self.assertFalse(self._activities(order))
        done = self._activities(order, active=False)
        self.assertEqual(len(done), 1)  # kept done, with the decision
        note = order.message_ids.filtered(lambda m: "approved by" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn(self.salesperson.partner_id, note.partner_ids)
        self.assertIn("Regular customer", note.body)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_manager_refuses(self):
        order = self._blocked()
        order.with_user(self.salesperson).action_accuracy_request_override("Dock")
        order.with_user(self.manager).action_accuracy_reject_override(
            "Get the street first"
        )
        self.assertEqual(order.accuracy_state, "blocked")
        self.assertEqual(order.accuracy_open_issue_ids.mapped("state"), ["open"])
        self.assertFalse(order.accuracy_override_requested_by_id)
        self.assertFalse(self._activities(order))
        self.assertEqual(len(self._activities(order, active=False)), 1)
        note = order.message_ids.filtered(lambda m: "refused by" in (m.body or ""))
        self.assertIn(self.salesperson.partner_id, note.partner_ids)
        self.assertIn("Get the street first", note.body)
        with self.assertRaisesRegex(UserError, "No override was requested"):
            order.with_user(self.manager).action_accuracy_reject_override("again")

    def test_salesperson_may_not_decide(self):
        order = self._blocked()
        as_rep = order.with_user(self.salesperson)
        as_rep.action_accuracy_request_override("Dock")
        with self.assertRaises(AccessError):
            as_rep.action_accuracy_override("I approve myself")
        with self.assertRaises(AccessError):
            as_rep.action_accuracy_reject_override("No")
        self.assertEqual(order.accuracy_override_requested_by_id, self.salesperson)
        self.assertEqual(order.accuracy_state, "blocked")
        self.assertEqual(len(self._activities(order)), 1)

    def test_request_fields_are_set_by_the_actions_only(self):
        order = self._blocked()
        for vals in (
            {"accuracy_override_requested_by_id": self.salesperson.id},
            {"accuracy_override_request_reason": "forged"},
            {"accuracy_override_request_date": "2026-01-01 00:00:00"},
        ):
            with self.assertRaises(AccessError):
                order.with_user(self.salesperson).write(vals)

    def test_a_new_request_replaces_the_pending_one(self):
        order = self._blocked()
        as_rep = order.with_user(self.salesperson)
        as_rep.action_accuracy_request_override("First")
        as_rep.action_accuracy_request_override("Second")
        self.assertEqual(order.accuracy_override_request_reason, "Second")
        self.assertEqual(len(self._activities(order)), 1)

    def test_queue_oldest_first(self):
        action = self.env.ref("sales_coordination.sale_order_action_override_request")
        newer, older = self._blocked(qty=84), self._blocked(qty=96)
        with freeze_time("2026-03-01 08:00:00"):
            older.with_user(self.salesperson).action_accuracy_request_override("Old")
        with freeze_time("2026-03-03 08:00:00"):
            newer.with_user(self.salesperson).action_accuracy_request_override("New")
        view = self.env.ref("sales_coordination.sale_order_view_list_override_request")
        self.assertIn('default_order="accuracy_override_request_date asc', view.arch)
        waiting = self.env["sale.order"].search(
            safe_eval(action.domain),
            order="accuracy_override_request_date asc",
        )
        self.assertEqual((waiting & (older | newer)).ids, (older | newer).ids)
        with freeze_time("2026-03-05 08:00:00"):
            older.invalidate_recordset(["accuracy_override_request_age"])
            self.assertEqual(older.accuracy_override_request_age, 4)

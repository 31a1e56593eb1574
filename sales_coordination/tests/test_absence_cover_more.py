from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common_accuracy import AccuracyCase
from .common_delivery import NOW, DeliveryCase


def _absence(env, user, backup, first, last):
    return env["sales.coordination.absence"].create(
        {
            "user_id": user.id,
            "backup_user_id": backup.id,
            "date_from": first,
            "date_to": last,
        }
    )


@tagged("post_install", "-at_install")
class TestAbsenceOverrideCover(AccuracyCase):
    """An override request for a manager who is away goes to the manager
    who covers for them."""

    def _blocked(self, qty=60, **values):
        nowhere = self.env["res.partner"].create({"name": "Depot Without Street"})
        order = self._clean_order(
            lines=[{"product_id": self.product.id, "product_uom_qty": qty}],
            partner_shipping_id=nowhere.id,
            user_id=self.salesperson.id,
            **values,
        )
        order.action_check_accuracy()
        self.assertEqual(order.accuracy_state, "blocked")
        return order

    def _activities(self, order):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref(
                        "sales_coordination.mail_activity_type_override_request"
                    ).id,
                ),
            ]
        )

    def test_override_request_goes_to_the_covering_manager(self):
        leader = new_test_user(
            self.env,
            login="sc_leader_away",
            name="Liam Leader",
            groups="base.group_user,sales_coordination.group_manager",
        )
        backup = new_test_user(
            self.env,
            login="sc_backup_manager",
            name="Bea Backup",
            groups="base.group_user,sales_coordination.group_manager",
        )
        team = self.env["crm.team"].create({"name": "Vets", "user_id": leader.id})
        _absence(self.env, leader, backup, "2026-03-02", "2026-03-06")
        order = self._blocked(team_id=team.id)
        with freeze_time("2026-03-03 09:00:00"):
            order.with_user(self.salesperson).action_accuracy_request_override(
                "Vet chain"
            )
        activity = self._activities(order)
        self.assertEqual(activity.user_id, backup)
        self.assertIn("covering for Liam Leader", activity.summary)
        # a backup who is not a manager cannot decide: the leader keeps it
        other = self._blocked(qty=72, team_id=team.id)
        _absence(self.env, leader, self.coordinator, "2026-03-09", "2026-03-13")
        with freeze_time("2026-03-10 09:00:00"):
            other.with_user(self.salesperson).action_accuracy_request_override("x")
        self.assertEqual(self._activities(other).user_id, leader)
        self.assertNotIn("covering", self._activities(other).summary)


@tagged("post_install", "-at_install")
class TestAbsenceDeliveryCover(DeliveryCase):
    """The delivery-at-risk follow-up of a coordinator who is away goes to
    the backup."""

    def test_delivery_followup_goes_to_the_backup(self):
        rule = self.env.ref("sales_coordination.sales_followup_rule_delivery_at_risk")
        backup = self._new_user(
            "sc_delivery_backup",
            "sales_coordination.group_coordinator",
            name="Bart Backup",
        )
        day = NOW.date()
        _absence(
            self.env, self.coordinator, backup, day - timedelta(1), day + timedelta(1)
        )
        self._put_in_stock(self.kibble, 2)
        order = self._confirmed_order(
            [(self.litter, 5), (self.kibble, 2)], promise=self._days(3)
        )
        self._plan_receipt(self.litter, 40, self._days(6, hour=10))
        with freeze_time(NOW):
            order._delivery_refresh()
            self.assertEqual(order.delivery_risk, "at_risk")
            rule.with_user(self.manager).run_followups(rule.ids)
        followup = self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("followup_rule_id", "=", rule.id),
            ]
        )
        self.assertEqual(followup.user_id, backup)
        self.assertIn("covering for Cora Coordinator", followup.summary)

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
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


class OverrideCoverCase(AccuracyCase):
    """Blocked orders and their "Override request" activities."""

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

    def _away_but(self, managers, first, last):
        """Every other Coordination Manager of the company away from ``first``
        to ``last`` (covered by a coordinator, who cannot decide)."""
        for user in self.company._sc_coordination_managers() - managers:
            _absence(self.env, user, self.coordinator, first, last)


@tagged("post_install", "-at_install")
class TestAbsenceOverrideCover(OverrideCoverCase):
    """An override request for a manager who is away goes to the manager
    who covers for them."""

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
        # a backup who is not a manager cannot decide: another manager of the
        # company who is here gets it (the other managers are away)
        other = self._blocked(qty=72, team_id=team.id)
        _absence(self.env, leader, self.coordinator, "2026-03-09", "2026-03-13")
        self._away_but(leader | backup, "2026-03-09", "2026-03-13")
        with freeze_time("2026-03-10 09:00:00"):
            other.with_user(self.salesperson).action_accuracy_request_override("x")
        self.assertEqual(self._activities(other).user_id, backup)
        self.assertIn("covering for Liam Leader", self._activities(other).summary)


@tagged("post_install", "-at_install")
class TestAbsenceOverrideFallback(OverrideCoverCase):
    """When the backup of the manager who would get an override request
    cannot decide (not a Coordination Manager of the order's company, gone,
    or away too), another manager of the company who is not away gets it,
    its activity saying whom they cover for; when none is there, it waits
    with the manager away, its activity saying so."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        manager = "base.group_user,sales_coordination.group_manager"
        cls.leader = new_test_user(
            cls.env, login="sc_fb_leader", name="Liam Leader", groups=manager
        )
        cls.deputy = new_test_user(
            cls.env, login="sc_fb_deputy", name="Dana Deputy", groups=manager
        )
        cls.colleague = new_test_user(
            cls.env, login="sc_fb_colleague", name="Cleo Colleague", groups=manager
        )
        cls.vets = cls.env["crm.team"].create(
            {"name": "Vets", "user_id": cls.leader.id}
        )

    def _request(self, day="2026-03-10 09:00:00"):
        order = self._blocked(team_id=self.vets.id)
        with freeze_time(day):
            order.with_user(self.salesperson).action_accuracy_request_override(
                "Vet chain"
            )
        activity = self._activities(order)
        self.assertEqual(len(activity), 1)
        return order, activity

    def test_backup_not_a_manager(self):
        _absence(self.env, self.leader, self.coordinator, "2026-03-09", "2026-03-13")
        self._away_but(self.leader | self.colleague, "2026-03-09", "2026-03-13")
        order, activity = self._request()
        self.assertEqual(activity.user_id, self.colleague)
        self.assertIn("covering for Liam Leader", activity.summary)
        self.assertIn("Cleo Colleague", order.message_ids[:1].body)

    def test_backup_of_another_company(self):
        company_b = self.env["res.company"].create({"name": "Aquarium Supplies BV"})
        self.deputy.write({"company_ids": [Command.link(company_b.id)]})
        _absence(self.env, self.leader, self.deputy, "2026-03-09", "2026-03-13")
        self.deputy.write(
            {"company_id": company_b.id, "company_ids": [Command.set(company_b.ids)]}
        )
        self._away_but(self.leader | self.colleague, "2026-03-09", "2026-03-13")
        __, activity = self._request()
        self.assertEqual(activity.user_id, self.colleague)

    def test_no_backup_left(self):
        """The leader's backup has left (archived): nobody covers; the other
        manager here gets it."""
        _absence(self.env, self.leader, self.deputy, "2026-03-09", "2026-03-13")
        self.deputy.active = False
        self._away_but(self.leader | self.colleague, "2026-03-09", "2026-03-13")
        __, activity = self._request()
        self.assertEqual(activity.user_id, self.colleague)
        self.assertIn("covering for Liam Leader", activity.summary)

    def test_backup_away_too(self):
        """The leader's backup, a manager, is away too, covered by a
        coordinator (who cannot decide): the other manager here gets it."""
        _absence(self.env, self.leader, self.deputy, "2026-03-09", "2026-03-13")
        self._away_but(self.leader | self.colleague, "2026-03-09", "2026-03-13")
        __, activity = self._request()
        self.assertEqual(activity.user_id, self.colleague)
        self.assertIn("covering for Liam Leader", activity.summary)

    def test_first_manager_here(self):
        """Of the managers who are here, the first (by id, Odoo
        administrators last); the ones away are passed over."""
        _absence(self.env, self.leader, self.coordinator, "2026-03-09", "2026-03-13")
        self._away_but(
            self.leader | self.deputy | self.colleague, "2026-03-09", "2026-03-13"
        )
        _absence(self.env, self.deputy, self.coordinator, "2026-03-09", "2026-03-10")
        __, activity = self._request()
        self.assertEqual(activity.user_id, self.colleague)
        # the day after, the deputy is back: first by id
        __, activity = self._request(day="2026-03-11 09:00:00")
        self.assertEqual(activity.user_id, self.deputy)

    def test_no_other_manager_here(self):
        """Every other manager away: the request stays with the leader, and
        its activity says that the leader is away, until when, and that no
        other manager could take it."""
        _absence(self.env, self.leader, self.coordinator, "2026-03-09", "2026-03-13")
        self._away_but(self.leader, "2026-03-09", "2026-03-13")
        order, activity = self._request()
        self.assertEqual(activity.user_id, self.leader)
        self.assertNotIn("covering", activity.summary)
        self.assertIn("Liam Leader is away until 03/13/2026", activity.summary)
        self.assertIn("no other Coordination Manager is available", activity.summary)
        self.assertIn("Liam Leader", order.message_ids[:1].body)

    def test_not_away(self):
        """The leader here: the leader, with no note."""
        _absence(self.env, self.leader, self.deputy, "2026-03-02", "2026-03-06")
        __, activity = self._request()
        self.assertEqual(activity.user_id, self.leader)
        self.assertEqual(activity.summary, "Override requested by Sam Salesperson")


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

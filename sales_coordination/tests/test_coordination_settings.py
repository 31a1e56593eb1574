from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import SalesCoordinationCase


@tagged("post_install", "-at_install")
class TestCoordinationSettings(SalesCoordinationCase):
    """A Coordination Manager configures coordination without being a
    Settings administrator: the mode, the delivery promises and the digest
    of their companies; Odoo's own settings stay closed to them."""

    def _settings(self, user, **values):
        return self.env["sales.coordination.settings"].with_user(user).create(values)

    def test_the_manager_saves_the_company_and_the_digest(self):
        self.assertFalse(self.manager.has_group("base.group_system"))
        settings = self._settings(self.manager)
        self.assertEqual(settings.accuracy_mode, self.company.accuracy_mode)
        settings.write(
            {
                "accuracy_mode": "enforce",
                "delivery_risk_days": 4,
                "delivery_update_interval_days": 7,
                "digest_active": True,
                "digest_periodicity": "monthly",
            }
        )
        answer = settings.action_save()
        self.assertEqual(answer["tag"], "display_notification")
        self.assertEqual(self.company.accuracy_mode, "enforce")
        self.assertTrue(self.company.accuracy_mode_date)
        self.assertEqual(self.company.delivery_risk_days, 4)
        self.assertEqual(self.company.delivery_update_interval_days, 7)
        digest = self.env.ref("sales_coordination.digest_digest_coordination")
        self.assertEqual((digest.state, digest.periodicity), ("activated", "monthly"))
        # the next opening shows what was saved
        again = self._settings(self.manager)
        self.assertEqual(
            (again.accuracy_mode, again.delivery_risk_days, again.digest_active),
            ("enforce", 4, True),
        )

    def test_odoo_settings_stay_closed_and_others_cannot_save(self):
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.manager).create({})
        for user in (self.coordinator, self.administrator, self.salesperson):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._settings(user)

    def test_only_the_companies_the_manager_works_in(self):
        other = self.env["res.company"].create({"name": "Other Wholesale"})
        settings = self._settings(self.manager)
        settings.sudo().company_id = other
        with self.assertRaises(AccessError):
            settings.action_save()
        self.assertEqual(other.accuracy_mode, "observe")

    def test_bad_values_are_refused_and_nothing_is_saved(self):
        settings = self._settings(self.manager, delivery_risk_days=400)
        with self.assertRaises(ValidationError):
            settings.action_save()
        self.assertEqual(self.company.delivery_risk_days, 2)

    def test_the_menu_opens_the_coordination_settings(self):
        menu = self.env.ref("sales_coordination.menu_manager_configuration_settings")
        self.assertEqual(
            menu.action,
            self.env.ref("sales_coordination.sales_coordination_settings_action"),
        )
        self.manager.write(
            {"groups_id": [Command.link(self.env.ref("base.group_user").id)]}
        )
        visible = self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids()
        self.assertIn(menu.id, visible)

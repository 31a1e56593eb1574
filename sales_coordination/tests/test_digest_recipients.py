import importlib.util
from datetime import datetime
from pathlib import Path

from freezegun import freeze_time
from lxml import etree, html

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_coordination.models.digest_digest import DIGEST_KPIS

from .common_kpi import KpiCase

MANAGER = "sales_coordination.group_manager"


@tagged("post_install", "-at_install")
class TestDigestRecipients(KpiCase):
    """The shipped coordination digest is on, shows the coordination KPIs on
    its form and in its mail, and reaches the Coordination Managers: joining
    the group subscribes, Odoo's unsubscribe holds until the next joining."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.digest = cls.env.ref("sales_coordination.digest_digest_coordination")
        cls.group = cls.env.ref(MANAGER)

    def _employee(self, login):
        return new_test_user(
            self.env,
            login=login,
            email=f"{login}@example.com",
            groups="base.group_user",
        )

    def test_shipped_digest_is_on_and_the_settings_agree(self):
        self.assertEqual(self.digest.state, "activated")
        settings = self.env["sales.coordination.settings"].with_user(self.manager)
        wizard = settings.create({})
        self.assertTrue(wizard.digest_active)
        wizard.digest_active = False
        wizard.action_save()
        self.assertEqual(self.digest.state, "deactivated")
        self.assertFalse(settings.create({}).digest_active)

    def test_update_switches_it_on_for_the_managers(self):
        """An existing database (digest off, the administrator its only
        recipient) gets it on, sent to its managers, at the update."""
        self.digest.write({"state": "deactivated", "user_ids": [Command.clear()]})
        path = Path(__file__).parents[1] / "migrations/18.0.1.4.0/post-digest.py"
        spec = importlib.util.spec_from_file_location("sc_post_digest", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.3.0")
        self.digest.invalidate_recordset()
        self.assertEqual(self.digest.state, "activated")
        self.assertIn(self.manager, self.digest.user_ids)

    def test_form_shows_the_coordination_kpis(self):
        admin = new_test_user(
            self.env,
            login="sc_digest_form_admin",
            groups=f"base.group_system,{MANAGER}",
        )
        arch = self.digest.with_user(admin).get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        shown = set(etree.fromstring(arch).xpath("//field/@name"))
        for definition in DIGEST_KPIS:
            self.assertIn(f"kpi_sc_{definition.key}", shown)

    def test_joining_the_group_subscribes_every_way(self):
        by_create = new_test_user(
            self.env, login="sc_dg_create", groups=f"base.group_user,{MANAGER}"
        )
        by_user_write = self._employee("sc_dg_user_write")
        by_group_write = self._employee("sc_dg_group_write")
        self.assertNotIn(by_user_write, self.digest.user_ids)
        by_user_write.write({"groups_id": [Command.link(self.group.id)]})
        self.group.write({"users": [Command.link(by_group_write.id)]})
        # the user form writes the role as a reified field: a check box per
        # group of the category (a selection when they imply each other)
        by_user_form = self._employee("sc_dg_user_form")
        reified = self.env["res.users"].fields_get()
        boolean = f"in_group_{self.group.id}"
        if boolean in reified:
            by_user_form.write({boolean: True})
        else:
            role = next(
                name
                for name in reified
                if name.startswith("sel_groups_")
                and str(self.group.id) in name.split("_")[2:]
            )
            by_user_form.write({role: self.group.id})
        self.assertTrue(by_user_form.has_group(MANAGER))
        self.assertLessEqual(
            by_create | by_user_write | by_group_write | by_user_form,
            self.digest.user_ids,
        )

    def test_unsubscribe_holds_until_joining_again(self):
        manager = self._employee("sc_dg_leaver")
        manager.write({"groups_id": [Command.link(self.group.id)]})
        self.digest.with_user(manager).action_unsubscribe()
        self.assertNotIn(manager, self.digest.user_ids)
        # other changes of groups, of the manager or of the group, keep him out
        sales = self.env.ref("sales_team.group_sale_salesman")
        manager.write({"groups_id": [Command.link(sales.id)]})
        self.group.write({"users": [Command.link(self.coordinator.id)]})
        self.assertNotIn(manager, self.digest.user_ids)
        # leaving and joining again subscribes him again
        manager.write({"groups_id": [Command.unlink(self.group.id)]})
        self.assertFalse(manager.has_group(MANAGER))
        manager.write({"groups_id": [Command.link(self.group.id)]})
        self.assertIn(manager, self.digest.user_ids)

    def test_the_mail_carries_the_kpis_with_their_values(self):
        manager = new_test_user(
            self.env,
            login="sc_dg_reader",
            email="sc_dg_reader@example.com",
            groups=f"base.group_user,{MANAGER}",
        )
        self.digest.user_ids = manager
        expected = self.kpi.with_user(manager).get_kpis("2026-03-01", "2026-03-31")
        self.assertEqual(expected["orders_confirmed"], 2)
        with freeze_time(datetime(2026, 4, 1, 12, 0)):
            self.digest._action_send(update_periodicity=False)
        mail = self.env["mail.mail"].search(
            [("email_to", "ilike", "sc_dg_reader@example.com")]
        )
        self.assertEqual(len(mail), 1)
        body = html.fromstring(mail.body_html)
        shown = [
            definition
            for definition in DIGEST_KPIS
            if self.digest[f"kpi_sc_{definition.key}"]
        ]
        self.assertEqual(len(shown), 10)
        for definition in shown:
            field = f"kpi_sc_{definition.key}"
            values = body.xpath(
                f'//table[@data-field="{field}"]//*[hasclass("kpi_value")]/text()'
            )
            # last 24 hours, last 7 days, last 30 days (March)
            self.assertEqual(len(values), 3, field)
            month = expected[definition.key] or 0
            if definition.unit != "count":
                month = f"{month:.2f}"
            self.assertEqual(values[2].strip(), str(month), field)
        self.assertIn(definition.label, mail.body_html)

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SalesCoordinationCase

# Roles that Odoo lets read orders without being sales users.
READERS = {
    "warehouse": "base.group_user,stock.group_stock_user",
    "billing": "base.group_user,account.group_account_invoice",
    "auditor": "base.group_user,account.group_account_readonly",
}


@tagged("post_install", "-at_install")
class TestRolesRead(SalesCoordinationCase):
    """Warehouse, billing and audit users open orders, lines, customers,
    teams and invoices without an AccessError caused by the addon."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.readers = {
            role: new_test_user(cls.env, login=f"sc_read_{role}", groups=groups)
            for role, groups in READERS.items()
        }
        cls.order = cls._create_order(team=cls.team, user_id=cls.salesperson.id)
        cls.order._accuracy_run()
        cls.env["sales.support.request"].create(
            {"name": "Pallet labels", "order_id": cls.order.id}
        )
        cls.order.action_confirm()
        cls.invoice = cls.order._create_invoices()
        cls.records = {
            "sale.order": cls.order,
            "sale.order.line": cls.order.order_line,
            "res.partner": cls.customer,
            "crm.team": cls.team,
            "account.move": cls.invoice,
        }

    def _addon_fields(self, model):
        """The fields the addon adds to ``model``."""
        return [
            name
            for name, field in self.env[model]._fields.items()
            if field._module == "sales_coordination"
        ]

    def test_fixture_has_issues_and_requests(self):
        self.assertTrue(self.order.accuracy_issue_ids)
        self.assertEqual(self.order.support_request_count, 1)

    def test_readers_read_every_field_of_the_addon(self):
        for role, user in self.readers.items():
            for model, records in self.records.items():
                records = records.with_user(user)
                if not records.has_access("read"):
                    continue
                # the fields this user may see (fields_get leaves out the
                # fields reserved to other groups, as the web client does)
                visible = records.fields_get()
                names = [n for n in self._addon_fields(model) if n in visible]
                if not names:  # the addon adds no field to invoices
                    continue
                with self.subTest(role=role, model=model):
                    records.invalidate_recordset()
                    values = records.read(names)
                    self.assertEqual(len(values), len(records))

    def test_readers_see_the_issues_but_not_the_requests(self):
        for user in self.readers.values():
            order = self.order.with_user(user)
            self.assertEqual(
                order.accuracy_issue_ids.ids, self.order.accuracy_issue_ids.ids
            )
            self.assertEqual(order.support_request_count, 0)
            self.assertNotIn("support_request_ids", order.fields_get())

    def test_readers_open_the_forms_and_lists(self):
        """What the web client does: load the views, then read the records
        with the fields those views show to this user. Some of Odoo's own
        fields are not readable by these roles (quotation templates, options,
        invoices...); none of the addon's fields fails, and no failure comes
        from a model of the addon."""
        ours = {
            name
            for name, Model in self.env.registry.items()
            if Model._original_module == "sales_coordination"
        }
        for role, user in self.readers.items():
            for model, records in self.records.items():
                records = records.with_user(user)
                if not records.has_access("read"):
                    continue
                views = records.get_views([(False, "form"), (False, "list")])
                addon_fields = set(self._addon_fields(model))
                shown = views["models"][model]["fields"]
                with self.subTest(role=role, model=model):
                    records.invalidate_recordset()
                    records.web_read({key: {} for key in addon_fields & set(shown)})
                    for name in shown:
                        records.invalidate_recordset()
                        try:
                            records.web_read({name: {}})
                        except AccessError as error:
                            self.assertNotIn(name, addon_fields)
                            message = str(error)
                            for addon_model in ours:
                                self.assertNotIn(f"({addon_model})", message)

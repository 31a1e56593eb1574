from odoo import Command
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyFlow(AccuracyCase):
    """Checking, confirming in observe and enforce mode, overriding, and the
    first-time-right flag."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nowhere = cls.env["res.partner"].create({"name": "Depot Without Street"})

    def _blocked_order(self, **values):
        """An order whose delivery address is incomplete (a blocking issue),
        with other quantities than the clean orders (no duplicate)."""
        values.setdefault(
            "lines", [{"product_id": self.product.id, "product_uom_qty": 60}]
        )
        return self._clean_order(partner_shipping_id=self.nowhere.id, **values)

    def _enforce(self):
        self.company.accuracy_mode = "enforce"

    # --- checking ---

    def test_recheck_creates_no_duplicate_and_resolves(self):
        order = self._blocked_order(client_order_ref=False)
        order.action_check_accuracy()
        issues = order.accuracy_issue_ids
        self.assertEqual(len(issues), 2)
        self.assertEqual(order.accuracy_state, "blocked")
        order.action_check_accuracy()
        self.assertEqual(order.accuracy_issue_ids, issues)
        order.client_order_ref = "PO-77"
        order.action_check_accuracy()
        self.assertEqual(order.accuracy_issue_ids, issues)
        fixed = issues.filtered(lambda i: i.rule_code == "missing_client_ref")
        self.assertEqual(fixed.state, "resolved")
        self.assertTrue(fixed.date_resolved)
        self.assertEqual(
            order.accuracy_open_issue_ids.rule_code, "incomplete_delivery_address"
        )
        order.partner_shipping_id = self.customer
        order.action_check_accuracy()
        self.assertEqual(order.accuracy_state, "passed")
        self.assertFalse(order.accuracy_open_issue_ids)
        # The problem comes back: a new issue, the history stays.
        order.client_order_ref = False
        order.action_check_accuracy()
        self.assertEqual(len(order.accuracy_issue_ids), 3)

    def test_check_many_orders_at_once(self):
        orders = (
            self._clean_order()
            | self._blocked_order()
            | self._clean_order(
                client_order_ref=False,
                lines=[{"product_id": self.product.id, "product_uom_qty": 36}],
            )
        )
        self.assertIs(orders.action_check_accuracy(), True)
        self.assertEqual(
            orders.mapped("accuracy_state"), ["passed", "blocked", "warning"]
        )

    def test_cancelled_orders_are_not_checked(self):
        order = self._blocked_order()
        order.action_cancel()
        order.action_check_accuracy()
        self.assertEqual(order.accuracy_state, "unchecked")

    def test_server_action_checks_selected_orders(self):
        orders = self._clean_order() | self._blocked_order()
        action = self.env.ref(
            "sales_coordination.sale_order_action_server_check_accuracy"
        )
        action.with_context(active_model="sale.order", active_ids=orders.ids).with_user(
            self.administrator
        ).run()
        self.assertEqual(orders.mapped("accuracy_state"), ["passed", "blocked"])

    def test_salesperson_can_check_and_read_issues(self):
        order = self._blocked_order(user_id=self.salesperson.id)
        order.with_user(self.salesperson).action_check_accuracy()
        issues = order.with_user(self.salesperson).accuracy_issue_ids
        self.assertTrue(issues.read(["message", "severity"]))
        with self.assertRaises(AccessError):
            issues.with_user(self.salesperson).write({"state": "resolved"})

    # --- confirming ---

    def test_observe_mode_records_but_never_blocks(self):
        self.assertEqual(self.company.accuracy_mode, "observe")
        order = self._blocked_order()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.accuracy_state, "blocked")
        self.assertTrue(order.accuracy_open_issue_ids)
        self.assertFalse(order.first_time_right)

    def test_enforce_mode_blocks_on_blocking_issues(self):
        self._enforce()
        order = self._blocked_order()
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        self.assertIn("Depot Without Street", str(error.exception))
        self.assertIn(order.name, str(error.exception))
        self.assertIn("street", str(error.exception))
        self.assertEqual(order.state, "draft")

    def test_enforce_mode_warnings_never_block(self):
        self._enforce()
        order = self._clean_order(client_order_ref=False, payment_term_id=False)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.accuracy_state, "warning")

    def test_enforce_mode_clean_order_confirms(self):
        self._enforce()
        order = self._clean_order()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.accuracy_state, "passed")

    def test_enforce_mode_never_blocks_customers_online(self):
        self._enforce()
        portal = new_test_user(self.env, login="sc_portal", groups="base.group_portal")
        order = self._blocked_order()
        # what the portal does when the customer signs or pays
        order.with_user(portal).sudo().action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.accuracy_state, "blocked")

    def test_enforce_mode_applies_per_company(self):
        company_b = self.env["res.company"].create({"name": "Aquarium Supplies BV"})
        company_b.accuracy_mode = "enforce"
        order = self._blocked_order()  # main company observes
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_form_button_returns_a_dialog(self):
        self._enforce()
        order = self._blocked_order()
        action = order.with_context(accuracy_confirm_dialog=True).action_confirm()
        self.assertEqual(action["res_model"], "sale.accuracy.confirm.wizard")
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.accuracy_state, "blocked")
        wizard = (
            self.env["sale.accuracy.confirm.wizard"]
            .with_user(self.administrator)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.issue_ids, order.accuracy_open_issue_ids)
        self.assertFalse(wizard.can_override)
        line_issue_order = self._clean_order()
        line_issue_order.order_line.discount = 30
        line_issue_order.action_check_accuracy()
        self.assertEqual(line_issue_order.order_line.accuracy_issue_level, "blocking")
        self.assertIn("30", line_issue_order.order_line.accuracy_issue_message)

    def test_manager_overrides_and_confirms_in_one_step(self):
        self._enforce()
        order = self._blocked_order()
        action = order.with_context(accuracy_confirm_dialog=True).action_confirm()
        wizard_form = Form(
            self.env["sale.accuracy.confirm.wizard"]
            .with_user(self.manager)
            .with_context(**action["context"])
        )
        self.assertTrue(wizard_form.can_override)
        wizard_form.reason = "Customer collects at our dock"
        wizard = wizard_form.save()
        wizard.action_override()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.accuracy_state, "overridden")

    # --- overriding ---

    def test_override_requires_a_manager(self):
        self._enforce()
        order = self._blocked_order()
        order.action_check_accuracy()
        for user in (self.administrator, self.coordinator, self.salesperson):
            with self.assertRaises(AccessError):
                order.with_user(user).action_accuracy_override("Because")
        self.assertEqual(order.accuracy_state, "blocked")
        self.assertEqual(order.accuracy_open_issue_ids.state, "open")

    def test_override_audit_and_confirmation(self):
        self._enforce()
        order = self._blocked_order(client_order_ref=False)
        order.action_check_accuracy()
        blocking = order.accuracy_open_issue_ids.filtered(
            lambda i: i.severity == "blocking"
        )
        warning = order.accuracy_open_issue_ids - blocking
        self.assertIs(
            order.with_user(self.manager).action_accuracy_override(
                "Customer collects at our dock"
            ),
            True,
        )
        self.assertEqual(blocking.state, "overridden")
        self.assertEqual(blocking.overridden_by_id, self.manager)
        self.assertTrue(blocking.date_overridden)
        self.assertEqual(warning.state, "open")
        self.assertEqual(order.accuracy_state, "overridden")
        note = order.message_ids[:1]
        self.assertIn("Customer collects at our dock", note.body)
        self.assertIn("Mona Manager", note.body)
        self.assertEqual(note.author_id, self.manager.partner_id)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.accuracy_state, "overridden")
        self.assertEqual(len(order.accuracy_issue_ids), 2)

    def test_changes_after_override_need_a_new_check(self):
        self._enforce()
        for change in (
            lambda o: o.order_line.write({"product_uom_qty": 24}),
            lambda o: o.order_line.write({"price_unit": 41.0}),
            lambda o: o.write({"partner_id": self.customer.copy().id}),
            lambda o: o.write(
                {
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 1}
                        )
                    ]
                }
            ),
        ):
            order = self._blocked_order()
            order.with_user(self.manager).action_accuracy_override("Dock pickup")
            change(order)
            self.assertEqual(order.accuracy_state, "unchecked")
            if order.partner_shipping_id == self.nowhere:
                with self.assertRaises(UserError):
                    order.action_confirm()
                self.assertEqual(order.state, "draft")

    def test_other_changes_keep_the_override(self):
        order = self._blocked_order()
        order.with_user(self.manager).action_accuracy_override("Dock pickup")
        order.note = "Ring twice"
        order.order_line.name = "Dry dog food, 15 kg bags"
        self.assertEqual(order.accuracy_state, "overridden")

    # --- first time right ---

    def test_first_time_right_set_once_when_clean(self):
        order = self._clean_order()
        self.assertFalse(order.first_time_right)
        order.action_check_accuracy()
        self.assertTrue(order.first_time_right)
        order.client_order_ref = False
        order.action_check_accuracy()
        self.assertTrue(order.first_time_right)

    def test_first_time_right_false_for_good(self):
        order = self._clean_order(client_order_ref=False)  # only a warning
        order.action_check_accuracy()
        self.assertFalse(order.first_time_right)
        order.client_order_ref = "PO-88"
        order.action_check_accuracy()
        self.assertEqual(order.accuracy_state, "passed")
        self.assertFalse(order.first_time_right)
        copy = order.copy()
        self.assertEqual(copy.accuracy_state, "unchecked")
        self.assertFalse(copy.accuracy_issue_ids)
        self.assertFalse(copy.accuracy_checked_date)

    # --- bad input ---

    def test_bad_input(self):
        Order = self.env["sale.order"]
        missing = Order.browse([999999999])
        with self.assertRaises(MissingError):
            missing.action_check_accuracy()
        with self.assertRaises(UserError):
            Order.browse().action_check_accuracy()
        order = self._blocked_order()
        self.env.cr.flush()  # the automatic check before the commit
        before = (order.accuracy_state, order.accuracy_issue_ids.mapped("state"))
        manager_order = order.with_user(self.manager)
        with self.assertRaises(MissingError):
            (order | missing).with_user(self.manager).action_accuracy_override("x")
        for reason in ("", "   ", None, 42, ["why"], {"reason": "x"}):
            with self.assertRaises(UserError):
                manager_order.action_accuracy_override(reason)
        self.assertEqual(
            (order.accuracy_state, order.accuracy_issue_ids.mapped("state")), before
        )
        self.assertEqual(before, ("blocked", ["open"]))
        with self.assertRaisesRegex(UserError, "Give a reason"):
            # over RPC the reason may be left out: a clear error, not TypeError
            manager_order.action_accuracy_override()

    def test_malformed_ids_are_refused_before_anything_is_read(self):
        """Over RPC, any JSON value can reach ``browse()``: the public methods
        answer with a UserError naming the bad id, or a MissingError for ids
        that cannot exist, and write nothing."""
        Order = self.env["sale.order"].with_user(self.manager)
        order = self._blocked_order()
        for bad in ("abc", "1; DROP TABLE sale_order", [1], {"id": 1}, True, 0, -1):
            for method, args in (
                ("action_check_accuracy", ()),
                ("action_confirm", ()),
                ("action_accuracy_override", ("ok",)),
            ):
                with self.subTest(bad=bad, method=method):
                    records = Order.browse([order.id, bad])
                    with self.assertRaisesRegex(UserError, "positive whole numbers"):
                        getattr(records, method)(*args)
        for huge in (2**31, 2**63, 10**30):
            for method, args in (
                ("action_check_accuracy", ()),
                ("action_confirm", ()),
                ("action_accuracy_override", ("ok",)),
            ):
                with (
                    self.subTest(huge=huge, method=method),
                    self.assertRaisesRegex(MissingError, "do not exist"),
                ):
                    getattr(Order.browse([huge]), method)(*args)
        self.assertEqual(order.accuracy_state, "unchecked")
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.accuracy_issue_ids)

    def test_nothing_half_written_on_failed_override(self):
        clean = self._clean_order()
        blocked = self._blocked_order()
        confirmed = self._clean_order(
            lines=[{"product_id": self.product.id, "product_uom_qty": 48}]
        )
        confirmed.action_confirm()
        with self.assertRaises(UserError):
            (blocked | confirmed).with_user(self.manager).action_accuracy_override(
                "Dock pickup"
            )
        # checked before the commit, but not overridden
        self.assertEqual(blocked.accuracy_state, "blocked")
        self.assertEqual(blocked.accuracy_issue_ids.mapped("state"), ["open"])
        with self.assertRaises(UserError):
            clean.with_user(self.manager).action_accuracy_override("Nothing to do")

    def test_accuracy_fields_cannot_be_written(self):
        order = self._blocked_order()
        self.env.cr.flush()  # the automatic check before the commit
        for vals in (
            {"accuracy_state": "passed"},
            {"first_time_right": True},
            {"accuracy_checked_date": "2026-01-01 00:00:00"},
        ):
            with self.assertRaises(AccessError):
                order.with_user(self.administrator).write(vals)
        self.assertEqual(order.accuracy_state, "blocked")

    def test_settings_expose_the_mode(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.accuracy_mode, "observe")
        settings.accuracy_mode = "enforce"
        settings.execute()
        self.assertEqual(self.company.accuracy_mode, "enforce")
        fresh = self.env["res.company"].create({"name": "Fresh Install Ltd"})
        self.assertEqual(fresh.accuracy_mode, "observe")

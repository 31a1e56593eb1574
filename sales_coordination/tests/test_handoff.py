from odoo import Command
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import new_test_user, tagged

from .common import SalesCoordinationCase


@tagged("post_install", "-at_install")
class TestHandoff(SalesCoordinationCase):
    """A manager hands a coordinator's portfolio to a colleague: customers,
    open quotations and orders, open follow-ups, open requests and the
    followers move; what is done stays."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = cls._new_user(
            "sc_handoff_colleague",
            "sales_coordination.group_coordinator",
            name="Colin Colleague",
        )
        cls.followup_type = cls.env.ref(
            "sales_coordination.mail_activity_type_quote_followup"
        )
        # the fixture's customer is someone else's here
        cls.customer.sales_coordinator_id = cls.team_coordinator

    def _portfolio(self, size, owner=None, tag=None):
        """``size`` customers of ``owner`` (the coordinator), each with a
        contact, a sent quotation, a cancelled one, a follow-up, an open and
        a done support request; the owner follows the open records."""
        owner = owner or self.coordinator
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Pet Shop {index}",
                    "is_company": True,
                    "sales_coordinator_id": owner.id,
                    "sales_administrator_id": self.administrator.id,
                    "category_id": [Command.set(tag.ids)] if tag else [],
                    "child_ids": [Command.create({"name": f"Buyer {index}"})],
                }
                for index in range(size)
            ]
        )
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": customer.child_ids.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 12}
                        )
                    ],
                }
                for customer in customers
                for __ in range(2)
            ]
        )
        open_orders, cancelled = orders[::2], orders[1::2]
        open_orders.write({"state": "sent"})
        cancelled.action_cancel()
        self.assertEqual(open_orders.coordinator_id, owner)
        for order in open_orders:
            order.activity_schedule(
                "sales_coordination.mail_activity_type_quote_followup",
                user_id=owner.id,
            )
        Request = self.env["sales.support.request"]
        requests = Request.create(
            [{"name": f"Question {c.name}", "partner_id": c.id} for c in customers]
        )
        done = Request.create(
            [{"name": f"Old {c.name}", "partner_id": c.id} for c in customers]
        )
        done.action_done()
        customers.message_subscribe(partner_ids=owner.partner_id.ids)
        open_orders.message_subscribe(partner_ids=owner.partner_id.ids)
        return customers, open_orders, cancelled, requests, done

    def _wizard(self, user=None, **values):
        return (
            self.env["sales.coordination.handoff"]
            .with_user(user or self.manager)
            .create(
                {
                    "from_user_id": self.coordinator.id,
                    "to_user_id": self.colleague.id,
                    **values,
                }
            )
        )

    def _activities(self, orders):
        return self.env["mail.activity"].search(
            [("res_model", "=", "sale.order"), ("res_id", "in", orders.ids)]
        )

    def test_preview_is_what_moves_and_done_records_stay(self):
        customers, orders, cancelled, requests, done = self._portfolio(3)
        followups = self._activities(orders)
        wizard = self._wizard(role="coordinator")
        preview = wizard.action_preview()
        self.assertEqual(
            preview,
            {
                "customers": 3,
                "orders": 3,
                "activities": 3,
                "requests": 3,
                "followers": 9,
            },
        )
        result = wizard.action_apply()
        self.assertEqual(result["params"]["counts"], preview)
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(customers.sales_coordinator_id, self.colleague)
        self.assertEqual(customers.child_ids.sales_coordinator_id, self.colleague)
        # the other role stays
        self.assertEqual(customers.sales_administrator_id, self.administrator)
        self.assertEqual(orders.coordinator_id, self.colleague)
        self.assertEqual(orders.administrator_id, self.administrator)
        self.assertEqual(cancelled.coordinator_id, self.coordinator)
        self.assertEqual(followups.user_id, self.colleague)
        self.assertEqual(requests.assigned_to_id, self.colleague)
        self.assertEqual(done.assigned_to_id, self.coordinator)
        for record in [*customers, *orders, *requests]:
            self.assertIn(self.colleague.partner_id, record.message_partner_ids)
            self.assertNotIn(self.coordinator.partner_id, record.message_partner_ids)
            self.assertEqual(
                record.message_ids[0].body,
                "<p>Handed over from Cora Coordinator to Colin Colleague by "
                "Mona Manager.</p>",
            )
        self.assertFalse(
            cancelled.message_ids.filtered(lambda m: "Handed over" in str(m.body))
        )
        # nothing left to move
        self.assertEqual(
            self._wizard(role="coordinator").action_preview(),
            dict.fromkeys(preview, 0),
        )

    def test_both_roles_and_the_selection_by_customer_team_and_tag(self):
        tag = self.env["res.partner.category"].create({"name": "Groomers"})
        self.colleague.groups_id += self.env.ref(
            "sales_coordination.group_administrator"
        )
        tagged_customers = self._portfolio(2, tag=tag)[0]
        others = self._portfolio(2)[0]
        # the administrator role needs the administrator as the giver
        self.assertEqual(
            self._wizard(
                role="administrator", category_ids=[Command.set(tag.ids)]
            ).action_preview()["customers"],
            0,
        )
        wizard = self._wizard(
            role="both", partner_ids=[Command.set(others[:1].child_ids.ids)]
        )
        self.assertEqual(wizard.action_preview()["customers"], 1)
        wizard = self._wizard(category_ids=[Command.set(tag.ids)])
        self.assertEqual(wizard.action_preview()["orders"], 2)
        wizard.action_apply()
        self.assertEqual(tagged_customers.sales_coordinator_id, self.colleague)
        self.assertEqual(others.sales_coordinator_id, self.coordinator)
        team = self.env["crm.team"].create({"name": "Groomers team"})
        self._create_order(partner=others[1], team=team)
        self._wizard(team_id=team.id).action_apply()
        self.assertEqual(others[1].sales_coordinator_id, self.colleague)
        self.assertEqual(others[0].sales_coordinator_id, self.coordinator)

    def test_bad_input_moves_nothing(self):
        customers = self._portfolio(1)[0]
        portal = new_test_user(self.env, login="sc_portal", groups="base.group_portal")
        gone = self._new_user("sc_gone", "sales_coordination.group_coordinator")
        gone.active = False
        other_company = self.env["res.company"].create({"name": "Other Wholesale"})
        foreign = self.env["res.partner"].create(
            {"name": "Far Away Pets", "company_id": other_company.id}
        )
        cases = {
            "same user": {"to_user_id": self.coordinator.id},
            "inactive receiver": {"to_user_id": gone.id},
            "portal receiver": {"to_user_id": portal.id},
            "inactive giver": {"from_user_id": gone.id},
            "receiver without the role": {"to_user_id": self.salesperson.id},
            "administrator role for a coordinator": {"role": "administrator"},
            "customer of another company": {"partner_ids": [Command.set(foreign.ids)]},
        }
        for label, values in cases.items():
            wizard = self._wizard(**values)
            for action in (wizard.action_preview, wizard.action_apply):
                with self.subTest(label), self.assertRaises(UserError):
                    action()
        wizard = self._wizard(user=self.manager)
        with self.assertRaises(AccessError):
            wizard.with_user(self.coordinator).action_apply()
        with self.assertRaises(AccessError):
            self._wizard(user=self.coordinator)
        Wizard = self.env["sales.coordination.handoff"].with_user(self.manager)
        for ids in ([], [0], [-1], ["x"], [wizard.id, wizard.id + 1]):
            with self.subTest(ids=ids), self.assertRaises(UserError):
                Wizard.browse(ids).action_apply()
        with self.assertRaises(MissingError):
            Wizard.browse([2**31 - 2]).action_preview()
        self.assertEqual(customers.sales_coordinator_id, self.coordinator)

    def _prepared_handoff(self, size, login):
        owner = self._new_user(login, "sales_coordination.group_coordinator")
        self._portfolio(size, owner=owner)
        wizard = self._wizard(from_user_id=owner.id, role="coordinator")
        self.env.registry.clear_cache()
        wizard.action_preview()  # warms the caches of the models
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        return wizard

    def test_apply_is_flat(self):
        """The same number of queries for 2 and for 8 customers (each with
        a contact, an open order, a follow-up and a request)."""
        counts = []
        for size in (2, 8):
            wizard = self._prepared_handoff(size, f"sc_giver_{size}")
            before = self.env.cr.sql_log_count
            result = wizard.action_apply()
            # as assertQueryCount does: pending writes and the precommit
            # (the bus notifications) count too
            self.env.flush_all()
            self.env.cr.flush()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(result["params"]["counts"]["customers"], size)
            self.assertEqual(result["params"]["counts"]["activities"], size)
        self.assertEqual(counts[0], counts[1], f"queries for 2 and 8: {counts}")
        wizard = self._prepared_handoff(5, "sc_giver_5")
        with self.assertQueryCount(counts[0]):
            wizard.action_apply()

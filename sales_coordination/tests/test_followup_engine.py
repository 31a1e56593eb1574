from datetime import datetime, timedelta

import psycopg2
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import SENT_AT, FollowupCase


@tagged("post_install", "-at_install")
class TestFollowupEngine(FollowupCase):
    """Idempotence, assignees, escalation, companies, and the public API."""

    def test_idempotent(self):
        orders = self._sent_quote() | self._sent_quote()
        when = SENT_AT + timedelta(days=4)
        self.assertEqual(self._run(when), 2)
        self.assertEqual(self._run(when), 0)
        self.assertEqual(self._run(when + timedelta(days=1)), 0)
        self.assertEqual(len(self._followups(orders)), 2)

    def test_done_followup_replanned_only_after_delay(self):
        order = self._sent_quote()
        self._run(SENT_AT + timedelta(days=3))
        with freeze_time(SENT_AT + timedelta(days=4)):
            self._followups(order).action_done()
            self.env.flush_all()
        done = self._followups(order, active_test=False)
        self.assertTrue(done, "follow-up types keep their done activities")
        self.assertEqual(self._run(SENT_AT + timedelta(days=6)), 0)
        self.assertEqual(self._run(SENT_AT + timedelta(days=7)), 1)

    def test_types_keeping_done_activities_name_their_model(self):
        """Odoo's activity view fetches done activities for a model as soon
        as one type of that model, or one without a model, keeps them: a
        model-less type of ours that kept them would change the activity view
        of every model in the database."""
        ours = self.env["mail.activity.type"].search(
            [("id", "in", self._our_activity_type_ids()), ("keep_done", "=", True)]
        )
        self.assertTrue(ours)
        self.assertFalse(ours.filtered(lambda t: not t.res_model))
        # The activity view of a model we plan nothing on stays as in Odoo.
        data = self.env["mail.activity"].get_activity_data(
            "res.partner", [], fetch_done=True
        )
        self.assertFalse(
            self.env["mail.activity.type"]
            .browse(type_["id"] for type_ in data["activity_types"])
            .filtered(lambda t: t.keep_done and t.id in ours.ids)
        )

    def _our_activity_type_ids(self):
        return (
            self.env["ir.model.data"]
            .search(
                [
                    ("module", "=", "sales_coordination"),
                    ("model", "=", "mail.activity.type"),
                ]
            )
            .mapped("res_id")
        )

    def test_open_followup_unique_per_rule_and_record(self):
        order = self._sent_quote()
        self._run(SENT_AT + timedelta(days=3))
        activity = self._followups(order)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.cr.savepoint(),
        ):
            activity.copy({"followup_rule_id": activity.followup_rule_id.id})
        # A concurrent run that lost the race creates nothing more, and gets
        # no error: on the ORM path the rule is skipped as run elsewhere; the
        # SQL path (the default) drops the conflicting rows itself.
        params = self.env["ir.config_parameter"]
        for mode, outcome in (("orm", ("busy", None)), ("sql", ("done", 0))):
            with self.subTest(mode=mode):
                params.set_param("sales_coordination.followup_insert", mode)
                with mute_logger("odoo.sql_db"):
                    result = self.quote_rule._run_guarded(
                        self.quote_rule._create_followups,
                        list(order),
                        fields.Date.to_date("2026-03-05"),
                    )
                self.assertEqual(result, outcome)
                self.assertFalse(self.quote_rule.last_error)
                self.assertEqual(len(self._followups(order)), 1)

    def test_assignee_chain(self):
        nobody = self.env["res.users"]
        bare_team = self.env["crm.team"].create(
            {"name": "No Coordinator", "user_id": self.team_leader.id}
        )
        self.quote_rule.team_ids |= bare_team
        order_owner = new_test_user(
            self.env,
            login="sc_order_owner",
            groups="base.group_user,sales_coordination.group_coordinator",
        )
        lonely = self.env["res.partner"].create({"name": "No Owner Pets"})
        own = self._sent_quote()
        own.coordinator_id = order_owner
        from_partner = self._sent_quote()
        from_partner.coordinator_id = nobody
        from_team = self._sent_quote(partner=lonely, user_id=False)
        from_team.coordinator_id = nobody
        salesperson = self._sent_quote(
            partner=lonely, team=bare_team, user_id=self.salesperson.id
        )
        fallback = self._sent_quote(partner=lonely, team=bare_team, user_id=False)
        self.assertFalse(salesperson.coordinator_id | fallback.coordinator_id)
        self._run(SENT_AT + timedelta(days=3))
        expected = {
            own: order_owner,
            from_partner: self.coordinator,
            from_team: self.team_coordinator,
            salesperson: self.salesperson,
            fallback: self.team_leader,
        }
        for order, user in expected.items():
            with self.subTest(order=order.name):
                self.assertEqual(self._followups(order).user_id, user)
        self.quote_rule.fallback_user_id = self.fallback
        self._followups(fallback).unlink()
        self._run(SENT_AT + timedelta(days=3))
        self.assertEqual(self._followups(fallback).user_id, self.fallback)

    def test_archived_or_portal_owner_skipped(self):
        order = self._sent_quote()
        self.coordinator.active = False
        self._run(SENT_AT + timedelta(days=3))
        self.assertEqual(self._followups(order).user_id, self.team_coordinator)

    def test_assign_to_administrator_and_team_leader(self):
        order = self._sent_quote()
        self.quote_rule.assign_to = "administrator"
        self._run(SENT_AT + timedelta(days=3))
        self.assertEqual(self._followups(order).user_id, self.administrator)
        leader_rule = self._create_rule(
            name="Leader",
            trigger="quote_no_reply",
            delay_days=3,
            assign_to="team_leader",
            activity_type_id=self.quote_type.id,
        )
        self._run(SENT_AT + timedelta(days=3), leader_rule)
        self.assertEqual(self._followups(order, leader_rule).user_id, self.team_leader)

    def test_escalation_once_to_managers(self):
        order = self._sent_quote()
        self._run(SENT_AT + timedelta(days=3))  # due 03-06, escalate 03-08
        followup = self._followups(order)
        self._run(datetime(2026, 3, 7, 23, 0))
        self.assertFalse(followup.followup_escalated)
        self._run(datetime(2026, 3, 8, 8, 0))
        self.assertTrue(followup.followup_escalated)
        escalations = self.env["mail.activity"].search(
            [("followup_escalation_of_id", "=", followup.id)]
        )
        self.assertIn(self.manager, escalations.user_id)
        self.assertFalse(
            escalations.user_id - self.env.ref("sales_coordination.group_manager").users
        )
        self.assertIn(self.coordinator.name, escalations[0].summary)
        self.assertEqual(escalations.followup_user_id, self.coordinator)
        self._run(datetime(2026, 3, 9, 8, 0))
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("followup_escalation_of_id", "=", followup.id)]
            ),
            len(escalations),
        )

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Pet Supplies NL"})
        other_team = self.env["crm.team"].create(
            {"name": "NL Team", "company_id": other.id}
        )
        other_fallback = new_test_user(
            self.env,
            login="sc_nl_fallback",
            groups="base.group_user,sales_coordination.group_coordinator",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        rule = self.Rule.create(
            {
                "name": "NL quotes",
                "company_id": other.id,
                "trigger": "quote_no_reply",
                "delay_days": 3,
                "activity_type_id": self.quote_type.id,
                "fallback_user_id": other_fallback.id,
            }
        )
        with freeze_time(SENT_AT):
            nl_order = (
                self.env["sale.order"]
                .with_company(other)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "company_id": other.id,
                        "team_id": other_team.id,
                        "user_id": self.salesperson.id,
                        "order_line": [
                            Command.create(
                                {"product_id": self.product.id, "product_uom_qty": 1}
                            )
                        ],
                    }
                )
            )
            nl_order.write({"state": "sent"})
        be_order = self._sent_quote()
        self.manager.company_ids |= other
        self._run(SENT_AT + timedelta(days=3), rule)
        self.assertFalse(self._followups(be_order, rule))
        # The customer's coordinator and the salesperson only work for the
        # first company: the fallback user of the other company gets it.
        self.assertEqual(self._followups(nl_order, rule).user_id, other_fallback)

    def test_run_followups_access_and_bad_input(self):
        order = self._sent_quote()
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.coordinator).run_followups()
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.salesperson).run_followups()
        with self.assertRaises(MissingError):
            self.Rule.browse(987654321).with_user(self.manager).run_followups()
        with self.assertRaises(AccessError):
            # the access check comes before anything else
            self.Rule.with_user(self.coordinator).run_followups("abc")
        as_manager = self.Rule.with_user(self.manager)
        for bad in ("abc", 1, {"1": 1}, ["1"], [None], [1.5], [True], [[1]], [0]):
            with (
                self.subTest(bad=bad),
                self.assertRaisesRegex(UserError, "list of record ids|whole"),
            ):
                as_manager.run_followups(bad)
        with self.assertRaisesRegex(MissingError, "do not exist"):
            as_manager.run_followups([987654321])
        self.assertFalse(self._followups(order))

    def test_run_followups_without_ids_runs_every_rule(self):
        """Over RPC, ``run_followups`` is called without ids (``[]`` args) or
        with an explicit list of rule ids."""
        order = self._sent_quote()
        with freeze_time(SENT_AT + timedelta(days=4)):
            as_manager = self.Rule.with_user(self.manager)
            self.assertEqual(as_manager.run_followups([self.quote_rule.id]), 1)
            self.assertEqual(as_manager.run_followups(), 0)
            self.assertEqual(as_manager.run_followups([]), 0)
        self.assertEqual(len(self._followups(order)), 1)
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.salesperson).create(
                {"name": "x", "activity_type_id": self.quote_type.id}
            )

    def test_domain_validation(self):
        values = {
            "name": "Bad",
            "trigger": "domain",
            "activity_type_id": self.quote_type.id,
            "model_id": self.env["ir.model"]._get_id("sale.order"),
        }
        for domain in (
            "[('no_such_field', '=', 1)]",
            "not a domain",
            "42",
            "[(",
            "[('user_id.password', '=', 'x')]",
            "[('partner_id.user_ids.api_key_ids', '!=', False)]",
            "[('amount_total.currency_id', '=', 1)]",
            "[('id', 'bogus_op', 1)]",
            "[('id', '=', 1), '|']",
            "[1, 2, 3]",
        ):
            with self.subTest(domain=domain), self.assertRaises(ValidationError):
                self.Rule.create(dict(values, domain=domain))
        with self.assertRaises(ValidationError):
            self.Rule.create(
                dict(values, model_id=self.env["ir.model"]._get_id("res.country"))
            )
        with self.assertRaises(ValidationError):
            self.Rule.create(
                dict(
                    values,
                    trigger="invoice_overdue",
                    activity_type_id=self.quote_type.id,
                )
            )

    def test_queries_do_not_grow_with_candidates(self):
        when = SENT_AT + timedelta(days=3)

        def run_with_count(n):
            orders = self.env["sale.order"]
            for __ in range(n):
                orders |= self._sent_quote()
            self.env.invalidate_all()
            with freeze_time(when):
                start = self.cr.sql_log_count
                created = self.quote_rule.with_user(self.manager).run_followups()
                # as assertQueryCount does: pending writes and the
                # precommit (the assignees' bus notifications) count too
                self.env.flush_all()
                self.env.cr.flush()
                count = self.cr.sql_log_count - start
            self.assertEqual(created, n)
            self._followups(orders).unlink()
            orders.with_context(disable_cancel_warning=True).action_cancel()
            return count

        run_with_count(1)  # warm the caches
        # 10 against 50: with a single order, what the check and the planning
        # read of it may already be in the cache, which says nothing of growth
        ten = run_with_count(10)
        fifty = run_with_count(50)
        self.assertLessEqual(fifty, ten)
        orders = self.env["sale.order"]
        for __ in range(50):
            orders |= self._sent_quote()
        self.env.invalidate_all()
        with freeze_time(when), self.assertQueryCount(fifty):
            self.quote_rule.with_user(self.manager).run_followups()

    def test_finder_queries_do_not_grow(self):
        today = fields.Date.to_date("2026-03-05")
        for __ in range(3):
            self._sent_quote()
        self.env.flush_all()
        self.env.invalidate_all()
        # the teams out of coordination are cached for the registry
        self.env["crm.team"]._sc_uncoordinated_team_ids()
        # the rule and its teams (cold cache), jit off, the candidates
        with self.assertQueryCount(5):
            three = self.quote_rule._find_candidates(today)
        for __ in range(30):
            self._sent_quote()
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(5):
            many = self.quote_rule._find_candidates(today)
        self.assertEqual((len(three), len(many)), (3, 33))

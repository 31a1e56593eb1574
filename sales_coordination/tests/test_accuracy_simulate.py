from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.sales_coordination.models.sale_order_accuracy import (
    ACCURACY_PRECOMMIT_KEY,
)

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracySimulate(AccuracyCase):
    """``simulate`` tells what the rules would have flagged and blocked on
    past orders, and writes nothing; each rule shows its 90-day figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nowhere = cls.env["res.partner"].create({"name": "Depot Without Street"})
        cls.clean = cls._clean_order(
            lines=[{"product_id": cls.product.id, "product_uom_qty": 24}]
        )
        cls.no_ref = cls._clean_order(
            client_order_ref=False,
            lines=[{"product_id": cls.product.id, "product_uom_qty": 36}],
        )
        cls.blocked = cls._clean_order(
            partner_shipping_id=cls.nowhere.id,
            lines=[{"product_id": cls.product.id, "product_uom_qty": 48}],
        )
        cls.confirmed = cls._clean_order(
            partner_shipping_id=cls.nowhere.id,
            lines=[{"product_id": cls.product.id, "product_uom_qty": 60}],
        )
        cls.confirmed.action_confirm()  # observe mode: confirmed with its issue
        cls.orders = cls.clean | cls.no_ref | cls.blocked | cls.confirmed
        # a web shop the coordinators do not serve: its order without a PO
        # number is left out unless the manager asks for it
        cls.web_shop = cls.env["crm.team"].create(
            {"name": "Web Shop", "use_coordination": False}
        )
        cls.web_order = cls._clean_order(
            client_order_ref=False,
            team_id=cls.web_shop.id,
            lines=[{"product_id": cls.product.id, "product_uom_qty": 12}],
        )
        cls.web_order.write({"coordinator_id": False, "administrator_id": False})
        cls.orders |= cls.web_order
        # created in January 2020: the only orders of that period
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL(
                "UPDATE sale_order SET create_date = '2020-01-10 10:00:00' "
                "WHERE id = ANY(%s)",
                cls.orders.ids,
            )
        )
        cls.orders.invalidate_recordset(["create_date"])

    def _simulate(self, rule_ids=None, user=None, **options):
        return self.Rule.with_user(user or self.manager).simulate(
            "2020-01-01", "2020-01-31", rule_ids, **options
        )

    def test_teams_out_of_coordination_only_when_asked(self):
        self.assertFalse(self.web_order.sc_coordinated)
        result = self._simulate()
        self.assertEqual(result["missing_client_ref"]["orders"], 4)
        self.assertEqual(result["missing_client_ref"]["order_ids"], self.no_ref.ids)
        result = self._simulate(include_uncoordinated=True)
        self.assertEqual(
            result["missing_client_ref"],
            {
                "orders": 5,
                "flagged": 2,
                "blocking": 0,
                "order_ids": (self.no_ref | self.web_order).ids,
            },
        )
        with self.assertRaises(UserError):
            self._simulate(include_uncoordinated="yes")

    def test_totals_count_distinct_orders(self):
        """Four orders checked by a dozen rules are four orders checked; an
        order flagged by two rules is one flagged order."""
        rules = self.Rule.search([])
        self.assertGreater(len(rules), 2)
        wizard = (
            self.env["sale.accuracy.simulation"]
            .with_user(self.manager)
            .create({"date_from": "2020-01-01", "date_to": "2020-01-31"})
        )
        wizard.action_simulate()
        self.assertEqual(
            (
                wizard.total_order_count,
                wizard.total_flagged_count,
                wizard.total_blocking_count,
            ),
            (4, 3, 2),
        )
        self.assertEqual(len(wizard.line_ids), len(rules))
        wizard.include_uncoordinated = True
        wizard.action_simulate()
        self.assertEqual(
            (
                wizard.total_order_count,
                wizard.total_flagged_count,
                wizard.total_blocking_count,
            ),
            (5, 4, 2),
        )

    def test_counts_per_rule_code(self):
        result = self._simulate()
        self.assertEqual(
            result["missing_client_ref"],
            {"orders": 4, "flagged": 1, "blocking": 0, "order_ids": self.no_ref.ids},
        )
        self.assertEqual(
            result["incomplete_delivery_address"],
            {
                "orders": 4,
                "flagged": 2,
                "blocking": 2,
                "order_ids": (self.blocked | self.confirmed).ids,
            },
        )
        self.assertEqual(result["discount_limit"]["flagged"], 0)
        active_codes = set(self.Rule.search([]).mapped("code"))
        self.assertEqual(set(result), active_codes)

    def test_writes_nothing(self):
        self.env.flush_all()
        self.env.cr.flush()  # the automatic checks of the fixtures

        def snapshot():
            self.env.flush_all()
            return self.env.execute_query(
                SQL(
                    "SELECT (SELECT count(*) FROM sale_accuracy_issue), "
                    "(SELECT max(write_date) FROM sale_accuracy_issue), "
                    "(SELECT count(*) FROM mail_message), "
                    "(SELECT array_agg((state, accuracy_state, write_date) "
                    "ORDER BY id) FROM sale_order WHERE id = ANY(%s))",
                    self.orders.ids,
                )
            )

        before = snapshot()
        self._simulate()
        self.assertEqual(snapshot(), before)
        self.assertFalse(self.env.cr.precommit.data.get(ACCURACY_PRECOMMIT_KEY))

    def test_read_only(self):
        """The simulation is @api.readonly (a replica may run it) and runs in a
        read-only transaction."""
        self.env.cr.flush()  # the automatic checks of the fixtures
        with self._read_only_transaction():
            result = self._simulate()
        self.assertEqual(result["missing_client_ref"]["flagged"], 1)
        self.assertTrue(type(self.Rule).simulate._readonly)

    def test_archived_rule_tried_out(self):
        trial = self.Rule.create(
            {
                "name": "Big dry food orders",
                "code": "sim_trial",
                "check_type": "domain",
                "domain": "[('order_line.product_uom_qty', '>=', 48)]",
                "severity": "blocking",
                "active": False,
            }
        )
        self.assertNotIn("sim_trial", self._simulate())
        result = self._simulate(rule_ids=trial.ids)
        self.assertEqual(set(result), {"sim_trial"})
        self.assertEqual(
            result["sim_trial"],
            {
                "orders": 4,
                "flagged": 2,
                "blocking": 2,
                "order_ids": (self.blocked | self.confirmed).ids,
            },
        )

    def test_managers_only_and_bad_input(self):
        for user in (self.salesperson, self.coordinator, self.administrator):
            with self.assertRaises(AccessError):
                self._simulate(user=user)
        Rule = self.Rule.with_user(self.manager)
        for args in (
            ("2020-13-01", "2020-01-31"),
            ("2020-02-01", "2020-01-01"),
            ("yesterday", "today"),
            (None, "2020-01-01"),
        ):
            with self.assertRaises(UserError):
                Rule.simulate(*args)
        for rule_ids in ("abc", [0], ["x"], 5):
            with self.assertRaises(UserError):
                Rule.simulate("2020-01-01", "2020-01-31", rule_ids)

    def test_wizard_report_drills_into_the_orders(self):
        wizard = (
            self.env["sale.accuracy.simulation"]
            .with_user(self.manager)
            .create({"date_from": "2020-01-01", "date_to": "2020-01-31"})
        )
        wizard.action_simulate()
        line = wizard.line_ids.filtered(
            lambda r: r.rule_code == "incomplete_delivery_address"
        )
        self.assertEqual(
            (line.order_count, line.flagged_count, line.blocking_count), (4, 2, 2)
        )
        self.assertEqual(line.flagged_rate, 50.0)
        action = line.action_view_orders()
        self.assertEqual(
            self.env["sale.order"].search(action["domain"]),
            self.blocked | self.confirmed,
        )

from odoo.tests import tagged

from .common_kpi import KpiCase


@tagged("post_install", "-at_install")
class TestKpiAccuracy(KpiCase):
    """Accuracy markers of March's orders, set as the checks would:
    - o1: first checked 03-01 00:30, first time right;
    - o2: first checked 03-20, a pricing issue then and a data issue on 03-25;
    - o3: first checked 03-31 23:00 with a data issue;
    - o4: first checked in February;
    - o5: first checked 03-10 with a data issue.
    Data-entry accuracy: o1 and o2 of o1, o2, o3, o5 = 50.0 %;
    order accuracy: o1 of the confirmed o1 and o3 = 50.0 %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        orders = cls.o1 | cls.o2 | cls.o3 | cls.o4 | cls.o5
        cls.env["sale.accuracy.issue"].search([("order_id", "in", orders.ids)]).unlink()
        for order, checked, right, data_right in [
            (cls.o1, "2026-03-01 00:30:00", True, True),
            (cls.o2, "2026-03-20 10:00:00", False, True),
            (cls.o3, "2026-03-31 23:00:00", False, False),
            (cls.o4, "2026-02-10 09:00:00", True, True),
            (cls.o5, "2026-03-10 09:00:00", False, False),
        ]:
            cls._set(
                order,
                accuracy_first_checked_date=checked,
                accuracy_checked_date=checked,
                first_time_right=right,
                data_entry_right=data_right,
            )
        rule = cls.env["sale.accuracy.rule"].search([], limit=1)
        cls.env["sale.accuracy.issue"].create(
            [
                cls._issue(rule, cls.o2, "pricing", "2026-03-20 10:00:00"),
                cls._issue(rule, cls.o2, "data", "2026-03-25 10:00:00"),
                cls._issue(rule, cls.o3, "data", "2026-03-31 23:00:00"),
                cls._issue(rule, cls.o5, "data", "2026-03-10 09:00:00"),
            ]
        )

    @classmethod
    def _issue(cls, rule, order, category, found):
        return {
            "order_id": order.id,
            "rule_id": rule.id,
            "severity": "warning",
            "category": category,
            "message": f"{category} issue",
            "date_found": found,
        }

    def test_accuracy_kpis_by_hand(self):
        result = self._kpis()
        self.assertEqual(result["data_entry_accuracy_rate"], 50.0)
        self.assertEqual(result["order_accuracy_rate"], 50.0)

    def test_accuracy_filters(self):
        result = self._kpis(team_ids=[self.team.id])
        self.assertEqual(result["data_entry_accuracy_rate"], 0.0)
        self.assertEqual(result["order_accuracy_rate"], 0.0)
        result = self._kpis(user_ids=[self.coordinator.id])
        self.assertEqual(result["data_entry_accuracy_rate"], 66.7)
        self.assertEqual(result["order_accuracy_rate"], 100.0)

    def test_accuracy_boundaries_and_empty(self):
        result = self._kpis(("2026-03-31", "2026-03-31"))
        self.assertEqual(result["data_entry_accuracy_rate"], 0.0)
        self.assertEqual(result["order_accuracy_rate"], 0.0)
        result = self._kpis(("2026-04-01", "2026-04-30"))
        self.assertIs(result["data_entry_accuracy_rate"], False)
        self.assertIs(result["order_accuracy_rate"], False)

    def test_orders_never_checked_are_left_out(self):
        # o3 as an order confirmed before the addon was installed: never
        # checked, so neither right nor wrong the first time.
        self._set(
            self.o3,
            accuracy_first_checked_date=None,
            accuracy_checked_date=None,
            first_time_right=None,
            data_entry_right=None,
        )
        result = self._kpis()
        self.assertEqual(result["orders_confirmed"], 2)
        self.assertEqual(result["order_accuracy_rate"], 100.0)
        # o1 and o2 right of o1, o2, o5
        self.assertEqual(result["data_entry_accuracy_rate"], 66.7)
        # A period of unchecked history only: no figure, not 0 %.
        self._set(
            self.o1 | self.o2 | self.o5,
            accuracy_first_checked_date=None,
            accuracy_checked_date=None,
            first_time_right=None,
            data_entry_right=None,
        )
        result = self._kpis()
        self.assertEqual(result["orders_confirmed"], 2)
        self.assertIs(result["order_accuracy_rate"], False)
        self.assertIs(result["data_entry_accuracy_rate"], False)

    def test_real_check_sets_the_first_check_markers(self):
        # The branch has no street: a data issue at the first check.
        order = self._order(self.vet_branch, self.team, 3.0)
        order.action_check_accuracy()
        first = order.accuracy_first_checked_date
        self.assertTrue(first)
        self.assertEqual(order.accuracy_checked_date, first)
        self.assertIn("data", order.accuracy_issue_ids.mapped("category"))
        self.assertFalse(order.data_entry_right)
        # Fixed afterwards: the first check's verdict stays.
        self.vet_branch.write(
            {
                "street": "1 Meadow Lane",
                "city": "Leuven",
                "country_id": self.env.ref("base.be").id,
            }
        )
        self._set(order, accuracy_first_checked_date="2026-01-01 00:00:00")
        order.action_check_accuracy()
        self.assertEqual(str(order.accuracy_first_checked_date), "2026-01-01 00:00:00")
        self.assertFalse(order.data_entry_right)
        # A clean order is right the first time.
        clean = self._order(self.customer, self.team2, 3.0)
        clean.action_check_accuracy()
        self.assertEqual(
            clean.data_entry_right,
            "data" not in clean.accuracy_issue_ids.mapped("category"),
        )

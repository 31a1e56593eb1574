from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyTeamMode(AccuracyCase):
    """Enforce mode rolls out team by team: a team's own mode wins over its
    company's; a team without one follows the company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nowhere = cls.env["res.partner"].create({"name": "Depot Without Street"})
        cls.other_team = cls.env["crm.team"].create({"name": "Web Shop"})

    def _blocked_order(self, team):
        """An order whose delivery address has no street (a blocking issue)."""
        return self._clean_order(
            partner_shipping_id=self.nowhere.id,
            team_id=team.id,
            lines=[{"product_id": self.product.id, "product_uom_qty": 60}],
        )

    def test_a_team_that_enforces_blocks_its_orders_only(self):
        self.company.accuracy_mode = "observe"
        self.team.accuracy_mode = "enforce"
        blocked = self._blocked_order(self.team)
        with self.assertRaisesRegex(UserError, "cannot be confirmed"):
            blocked.action_confirm()
        self.assertEqual(blocked.state, "draft")
        other = self._blocked_order(self.other_team)
        other.action_confirm()
        self.assertEqual(other.state, "sale")
        self.assertEqual(other.accuracy_state, "blocked")

    def test_a_team_that_observes_in_an_enforcing_company_is_not_blocked(self):
        self.company.accuracy_mode = "enforce"
        self.team.accuracy_mode = "observe"
        order = self._blocked_order(self.team)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        with self.assertRaises(UserError):
            self._blocked_order(self.other_team).action_confirm()

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.digest_digest import DIGEST_KPIS
from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestPublicEntriesBadInput(AccuracyCase):
    """Public entries that received unchecked input: each gets a clear error
    (UserError or its MissingError), never a server error."""

    def test_simulation_line_opens_the_orders_of_one_line_only(self):
        Line = self.env["sale.accuracy.simulation.line"].with_user(self.manager)
        for ids in (None, [], [[1]], [True], [0], [-3], list(range(1, 100_001))):
            with self.subTest(ids=str(ids)[:30]), self.assertRaises(UserError):
                Line.browse(ids).action_view_orders()

    def test_digest_values_refuse_a_period_that_is_not_a_date(self):
        digest = self.env.ref("sales_coordination.digest_digest_coordination")
        fname = f"kpi_sc_{DIGEST_KPIS[0].key}_value"
        for value in ("not a date", [1], {"a": 1}, 42, "9999-99-99"):
            with self.subTest(value=value), self.assertRaises(UserError):
                digest.with_user(self.manager).with_context(
                    start_datetime=value, end_datetime="2026-01-08"
                )[fname]
        # the digest's own datetimes and strings still work
        digest.with_user(self.manager).with_context(
            start_datetime="2026-01-01 00:00:00", end_datetime="2026-01-08"
        )[fname]

from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.sales_coordination.models.sales_coordination_kpi_day import (
    NOTHING_YET,
    UNTIL_PARAM,
    SalesCoordinationKpiDay,
)

from .common_kpi import MARCH, KpiCase

FEBRUARY_TO_APRIL = ("2026-02-01", "2026-04-30")


@tagged("post_install", "-at_install")
class TestKpiDailyTotals(KpiCase):
    """``sales.coordination.kpi.day``: the daily totals of the orders that
    the order KPIs read for long periods. Whatever happens to the orders,
    a reader gets the same figures with the totals as without them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.KpiDay = cls.env["sales.coordination.kpi.day"]
        # an order confirmed in another currency, invoiced, checked: every
        # total has something to add up
        cls._set(
            cls.o1,
            currency_rate=2.0,
            invoice_posted_date="2026-03-04 10:00:00",
            accuracy_first_checked_date="2026-03-02 09:00:00",
            first_time_right=True,
            data_entry_right=True,
        )
        cls._set(
            cls.o3,
            accuracy_first_checked_date="2026-03-31 22:00:00",
            first_time_right=False,
            data_entry_right=True,
        )
        # deliveries: o1 on time and in full, o3 late, o4 short (33.3 %)
        cls._deliver_march()

    def _sum_up(self):
        """The cron's first run switches the totals on, the next sums up."""
        self.env.flush_all()
        self.KpiDay._cron_sum_up()
        if not self.KpiDay._sc_until()[1]:
            self.KpiDay._cron_sum_up()

    def _totals_not_summed_up(self):
        """Back to "switched on, nothing summed up": every figure comes from
        the orders again."""
        self.env["ir.config_parameter"].sudo().set_param(UNTIL_PARAM, NOTHING_YET)

    def _figures(self, user=None):
        """What a reader sees: get_kpis of March and a series by week."""
        kpi = self.kpi.with_user(user or self.manager)
        series = kpi.get_kpi_series(*FEBRUARY_TO_APRIL, granularity="week")
        return kpi.get_kpis(*MARCH), series

    def _noted(self):
        self.env.flush_all()
        self.env.cr.execute("SELECT day FROM sales_coordination_kpi_day_dirty")
        return {row[0].isoformat() for row in self.env.cr.fetchall()}

    def test_the_totals_give_the_same_figures(self):
        before = self._figures()
        self._sum_up()
        self.assertTrue(self.KpiDay.sudo().search_count([]))
        self.assertEqual(self._figures(), before)
        self.assertEqual(before[0]["orders_confirmed"], 2)
        self.assertEqual(before[0]["sales_growth_rate"], -20.0)
        self.assertEqual(before[0]["fulfillment_rate"], 33.3)
        self.assertEqual(before[0]["data_entry_accuracy_rate"], 100.0)

    def test_the_totals_are_what_the_kpis_read(self):
        # an order changed behind the ORM's back (no note): the summed-up
        # day keeps its total until it is summed up again
        self._sum_up()
        self.env.cr.execute(
            "UPDATE sale_order SET state = 'cancel' WHERE id = %s", [self.o1.id]
        )
        self.o1.invalidate_recordset()
        self.assertEqual(self._figures()[0]["orders_confirmed"], 2)
        self.KpiDay._sc_fill(self.KpiDay._sc_until()[1], [self.o1.date_order.date()])
        self.assertEqual(self._figures()[0]["orders_confirmed"], 1)

    def test_a_confirmation_is_seen_at_once(self):
        self._sum_up()
        self.o2.action_confirm()
        self.o2.date_order = "2026-03-20 10:00:00"
        self.assertEqual(self._noted(), {"2026-03-31", "2026-03-20"})
        figures = self._figures()
        self.assertEqual(figures[0]["orders_confirmed"], 3)
        self.assertEqual(figures[0]["quote_to_order_rate"], 66.7)
        # the same as from the orders alone, and after the next sum-up
        self._totals_not_summed_up()
        self.assertEqual(self._figures(), figures)
        self._sum_up()
        self.assertEqual(self._noted(), set())
        self.assertEqual(self._figures(), figures)

    def test_an_order_moved_in_time_leaves_its_old_day(self):
        before = self._figures()
        self._sum_up()
        self.o1.date_order = "2026-02-20 10:00:00"
        self.assertIn("2026-03-02", self._noted())
        self.assertIn("2026-02-20", self._noted())
        kpis = self._figures()[0]
        self.assertEqual(kpis["orders_confirmed"], 1)
        self.assertNotEqual(kpis["sales_growth_rate"], before[0]["sales_growth_rate"])
        self._totals_not_summed_up()
        self.assertEqual(self._figures()[0], kpis)

    def test_cancelled_deleted_and_reassigned_orders(self):
        self._sum_up()
        self.o3._action_cancel()
        self.o2.unlink()
        self.o1.team_id = self.team
        self.o1.order_line.price_unit = 5.0
        with_totals = self._figures()
        self.assertEqual(with_totals[0]["orders_confirmed"], 1)
        self.assertEqual(with_totals[0]["quotations"], 2)
        self._totals_not_summed_up()
        self.assertEqual(self._figures(), with_totals)

    def test_a_delivery_changed_later(self):
        self._sum_up()
        # o1's delivery turns out short: not in full any more
        move = self.o1.picking_ids.move_ids
        move.quantity = 6
        self.assertIn("2026-03-03", self._noted())
        # o4's delivery moves to February
        self.o4.picking_ids.date_done = "2026-02-27 10:00:00"
        self.assertIn("2026-03-15", self._noted())
        self.assertIn("2026-02-27", self._noted())
        # o3's order changes team: its delivery's day follows
        self.o3.team_id = self.team2
        self.assertIn("2026-03-20", self._noted())
        with_totals = self._figures()
        self.assertEqual(with_totals[0]["fulfillment_rate"], 0.0)
        self.assertEqual(
            self.kpi.with_user(self.manager).get_kpis(*MARCH, team_ids=[self.team2.id])[
                "fulfillment_rate"
            ],
            0.0,
        )
        self._totals_not_summed_up()
        self.assertEqual(self._figures(), with_totals)

    def test_an_operation_type_changing_its_kind(self):
        self._sum_up()
        self.o1.picking_ids.picking_type_id.code = "internal"
        self.assertIsNone(self.KpiDay._sc_until()[1])
        self.assertTrue(self.KpiDay._sc_until()[0])

    def test_team_filter_and_coordination_scope(self):
        teams = {"team_ids": [self.team2.id]}
        before = self.kpi.with_user(self.manager).get_kpis(*MARCH, **teams)
        self._sum_up()
        self.assertEqual(
            self.kpi.with_user(self.manager).get_kpis(*MARCH, **teams), before
        )
        # team 2 out of coordination: only its owned orders still count
        self.team2.use_coordination = False
        (self.o1 | self.o2 | self.o4 | self.o5).write(
            {"coordinator_id": False, "administrator_id": False}
        )
        self.o2.coordinator_id = self.coordinator
        with_totals = self._figures()
        self._totals_not_summed_up()
        self.assertEqual(self._figures(), with_totals)
        self.assertEqual(with_totals[0]["quotations"], 1)

    def test_readers_who_see_fewer_orders_read_the_orders(self):
        self._sum_up()
        Kpi = self.env["sales.coordination.kpi"]
        self.assertTrue(Kpi.with_user(self.manager)._kpi_day_reads_all())
        self.assertFalse(Kpi.with_user(self.salesperson)._kpi_day_reads_all())
        # deliveries: the multi-company rule alone (no group rule applies)
        self.assertTrue(Kpi.with_user(self.manager)._kpi_day_reads_all("stock.picking"))
        # the superuser skips the company rule: not the totals' reader either
        self.assertFalse(Kpi.sudo()._kpi_day_reads_all())
        # a user filter is computed from the orders
        periods = Kpi._kpi_datetimes([(self.o1.date_order.date(),) * 2])
        self.assertIsNone(
            Kpi.with_user(self.manager)._kpi_day_plan(periods, None, [self.manager.id])
        )
        self.assertIsNotNone(
            Kpi.with_user(self.manager)._kpi_day_plan(periods, None, None)
        )

    def _statements(self, change):
        """The number of SQL statements of ``change`` and its flush."""
        self.env.flush_all()
        self.KpiDay._sc_writer_cutoff()  # the cached setting, read once
        before = self.env.cr.sql_log_count
        change()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_todays_quotations_cost_no_statement(self):
        order = self._order(self.customer, self.team, 10.0)

        def reprice(order, price):
            def change():
                order.order_line.price_unit = price

            return change

        # with the totals off, after a warm-up of each order
        self._statements(reprice(order, 11.0))
        today = self._statements(reprice(order, 12.0))
        self._statements(reprice(self.o2, 10.5))
        old = self._statements(reprice(self.o2, 10.0))
        self._sum_up()
        # warm-up of the caches the sum-up cleared
        self._statements(reprice(order, 12.5))
        self._statements(reprice(self.o2, 10.5))
        self.KpiDay.env.cr.execute("DELETE FROM sales_coordination_kpi_day_dirty")
        # today's quotation: its dates are recent, in the cache, nothing to note
        self.assertEqual(self._statements(reprice(order, 13.0)), today)
        self.assertEqual(self._noted(), set())
        # an order of March: one statement more, its day noted
        self.assertEqual(self._statements(reprice(self.o2, 11.0)), old + 1)
        self.assertEqual(self._noted(), {"2026-03-31"})

    def test_nothing_is_noted_while_the_totals_are_off(self):
        self.assertIsNone(self.KpiDay._sc_writer_cutoff())
        self.o1.date_order = "2026-02-20 10:00:00"
        self.o3._action_cancel()
        self.assertEqual(self._noted(), set())

    def test_a_note_written_during_the_sum_up_survives_it(self):
        self._sum_up()
        self.o1.date_order = "2026-02-20 10:00:00"
        self.assertTrue(self._noted())
        fill = SalesCoordinationKpiDay._sc_fill

        def fill_while_another_writes(model, until, days=()):
            # another transaction notes a day after this run read the notes
            model.env.cr.execute(
                "INSERT INTO sales_coordination_kpi_day_dirty (day)"
                " VALUES ('2026-03-15')"
            )
            return fill(model, until, days)

        with patch.object(
            SalesCoordinationKpiDay, "_sc_fill", fill_while_another_writes
        ):
            self.KpiDay._cron_sum_up()
        self.assertEqual(self._noted(), {"2026-03-15"})

    def test_nobody_writes_the_totals(self):
        self._sum_up()
        for user in (self.manager, self.coordinator, self.salesperson):
            with self.assertRaises(AccessError):
                self.KpiDay.with_user(user).create({"day": "2026-03-01"})
            with self.assertRaises(AccessError):
                self.KpiDay.with_user(user).search([])
            with self.assertRaises(AccessError):
                self.env["sales.coordination.kpi.day.dirty"].with_user(user).create(
                    {"day": "2026-03-01"}
                )

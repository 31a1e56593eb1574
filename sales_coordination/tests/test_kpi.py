import json

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_coordination.models.sales_coordination_kpi import KPI_KEYS

from .common_kpi import MARCH, KpiCase


@tagged("post_install", "-at_install")
class TestKpiOrders(KpiCase):
    def test_exact_keys_and_json(self):
        result = self._kpis()
        self.assertEqual(list(result), KPI_KEYS)
        self.assertEqual(len(result), 16)
        self.assertEqual(json.loads(json.dumps(result)), result)

    def test_session_settings_are_restored(self):
        self.env.cr.execute("SELECT current_setting('jit')")
        before = self.env.cr.fetchone()[0]
        self._kpis()
        self.env.cr.execute("SELECT current_setting('jit')")
        self.assertEqual(self.env.cr.fetchone()[0], before)

    def test_order_kpis_by_hand(self):
        result = self._kpis()
        self.assertEqual(result["quotations"], 3)
        self.assertEqual(result["orders_confirmed"], 2)
        self.assertEqual(result["quote_to_order_rate"], 33.3)
        self.assertEqual(result["sales_growth_rate"], 20.0)
        self.assertEqual(result["new_clients"], 1)

    def test_inclusive_boundaries(self):
        # The first and the last second of the period count; the next one not.
        self.assertEqual(self._kpis(("2026-03-01", "2026-03-01"))["quotations"], 1)
        self.assertEqual(self._kpis(("2026-03-31", "2026-03-31"))["quotations"], 1)
        self.assertEqual(
            self._kpis(("2026-03-31", "2026-03-31"))["orders_confirmed"], 1
        )
        self.assertEqual(self._kpis(("2026-04-01", "2026-04-01"))["quotations"], 1)
        self.assertEqual(
            self._kpis(("2026-04-01", "2026-04-01"))["orders_confirmed"], 0
        )

    def test_growth_in_company_currency(self):
        # An order in another currency counts at its rate to the company's.
        self._set(self.o1, currency_rate=2.0)
        # 120 / 2 + 60 = 120 against 150: -20 %.
        self.assertEqual(self._kpis()["sales_growth_rate"], -20.0)

    def test_new_client_only_once(self):
        # Vet Clinic's second order in April does not make it new again.
        o6 = self._order(self.vet, self.team, 1.0)
        o6.action_confirm()
        self._set(o6, date_order="2026-04-03 10:00:00")
        self.assertEqual(self._kpis(("2026-04-01", "2026-04-30"))["new_clients"], 0)
        self.assertEqual(self._kpis(("2026-02-01", "2026-04-30"))["new_clients"], 2)

    def test_team_filter(self):
        result = self._kpis(team_ids=[self.team.id])
        self.assertEqual(result["quotations"], 0)
        self.assertIs(result["quote_to_order_rate"], False)
        self.assertEqual(result["orders_confirmed"], 1)
        self.assertEqual(result["new_clients"], 1)
        result = self._kpis(team_ids=[self.team2.id])
        self.assertEqual(result["quotations"], 3)
        self.assertEqual(result["orders_confirmed"], 1)
        self.assertEqual(result["new_clients"], 0)
        self.assertEqual(result["sales_growth_rate"], -20.0)
        both = self._kpis(team_ids=[self.team.id, self.team2.id])
        self.assertEqual(both["orders_confirmed"], 2)

    def test_user_filter_by_coordinator_or_administrator(self):
        # Happy Paws' orders belong to its coordinator and administrator,
        # Vet Clinic's to the team's.
        for user in (self.coordinator, self.administrator):
            result = self._kpis(user_ids=[user.id])
            self.assertEqual(result["quotations"], 3)
            self.assertEqual(result["orders_confirmed"], 1)
        result = self._kpis(user_ids=[self.team_administrator.id])
        self.assertEqual(result["quotations"], 0)
        self.assertEqual(result["orders_confirmed"], 1)
        self.assertEqual(result["new_clients"], 1)
        self.assertEqual(self._kpis(user_ids=[self.manager.id])["orders_confirmed"], 0)

    def test_empty_denominators_are_false(self):
        result = self._kpis(("2020-01-01", "2020-01-31"))
        self.assertEqual(result["quotations"], 0)
        self.assertEqual(result["orders_confirmed"], 0)
        self.assertEqual(result["new_clients"], 0)
        for key in KPI_KEYS:
            if key.endswith(("_rate", "_hours")):
                with self.subTest(key=key):
                    self.assertIs(result[key], False)
        self.assertEqual(self._kpis(team_ids=[])["quotations"], 0)

    def test_invoice_processing_hours(self):
        # o1: 03-02 10:00 -> 03-04 10:00 = 48 h; o4: 02-15 00:00 -> 03-01 12:00
        # = 348 h; o3's first invoice is in April.
        self._set(self.o1, invoice_posted_date="2026-03-04 10:00:00")
        self._set(self.o4, invoice_posted_date="2026-03-01 12:00:00")
        self._set(self.o3, invoice_posted_date="2026-04-01 08:00:00")
        self.assertEqual(self._kpis()["invoice_processing_hours"], 198.0)
        self.assertIs(
            self._kpis(team_ids=[self.team.id])["invoice_processing_hours"], False
        )
        self.assertEqual(
            self._kpis(("2026-04-01", "2026-04-30"))["invoice_processing_hours"], 9.0
        )

    def test_posting_the_first_invoice_stamps_the_order(self):
        with freeze_time("2026-03-04 10:00:00"):
            invoice = self.o1._create_invoices()
            invoice.action_post()
        self.assertEqual(str(self.o1.invoice_posted_date), "2026-03-04 10:00:00")
        # Posting it again later does not move the first posting.
        invoice.button_draft()
        with freeze_time("2026-03-09 10:00:00"):
            invoice.action_post()
        self.assertEqual(str(self.o1.invoice_posted_date), "2026-03-04 10:00:00")
        self.assertFalse(self.o3.invoice_posted_date)

    def test_fulfillment_on_time_in_full(self):
        # o1 on time and in full; o3 late; o4 on time but 6 of 12 short.
        self._deliver_march()
        self.assertEqual(self._kpis()["fulfillment_rate"], 33.3)
        self.assertEqual(self._kpis(team_ids=[self.team.id])["fulfillment_rate"], 0.0)
        self.assertEqual(
            self._kpis(user_ids=[self.coordinator.id])["fulfillment_rate"], 50.0
        )
        report = self.env["sales.coordination.fulfillment.report"]
        rows = report.search([("sale_id", "in", (self.o1 | self.o3 | self.o4).ids)])
        self.assertEqual(len(rows), 3)
        self.assertEqual(
            rows.filtered(lambda r: r.on_time and r.in_full).sale_id, self.o1
        )
        [group] = report._read_group(
            [("id", "in", rows.ids)], [], ["otif_rate:avg", "delivery_count:sum"]
        )
        self.assertEqual(group[1], 3)
        self.assertAlmostEqual(group[0], 100 / 3, places=2)

    def test_constant_query_count(self):
        """The cost does not grow with the number of records."""
        self.kpi.get_kpis(*MARCH)
        before = self.env.cr.sql_log_count
        self.kpi.get_kpis(*MARCH)
        few = self.env.cr.sql_log_count - before
        self.assertGreater(few, 0)
        orders = self.env["sale.order"].concat(
            *(self._order(self.customer, self.team, 1.0) for _i in range(50))
        )
        orders.action_confirm()
        self.env.flush_all()
        with self.assertQueryCount(few):
            result = self.kpi.get_kpis("2020-01-01", "2030-12-31")
        self.assertGreaterEqual(result["orders_confirmed"], 53)


@tagged("post_install", "-at_install")
class TestKpiAccess(KpiCase):
    def test_record_rules_apply(self):
        # A plain salesperson only reads their own orders.
        salesperson = self._kpis(user=self.salesperson)
        self.assertEqual(salesperson["quotations"], 0)
        self.o1.user_id = self.salesperson
        self.assertEqual(self._kpis(user=self.salesperson)["quotations"], 1)
        # A coordinator reads all of them.
        self.assertEqual(self._kpis(user=self.coordinator)["quotations"], 3)

    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Aquarium Supplies BV"})
        coordinator_b = new_test_user(
            self.env,
            login="sc_kpi_coordinator_b",
            groups="base.group_user,sales_coordination.group_coordinator",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        customer_b = self.env["res.partner"].create(
            {"name": "Fish World", "is_company": True, "company_id": company_b.id}
        )
        team_b = self.env["crm.team"].create(
            {"name": "Aquarium Shops", "company_id": company_b.id}
        )
        order_b = (
            self.env["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": customer_b.id,
                    "company_id": company_b.id,
                    # its own team: on a demo database the default one would
                    # be Odoo's "Sales", out of coordination there
                    "team_id": team_b.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "price_unit": 1000.0,
                                "tax_id": [(6, 0, [])],
                            },
                        )
                    ],
                }
            )
        )
        order_b.action_confirm()
        self._set(
            order_b, create_date="2026-03-05 10:00:00", date_order="2026-03-05 10:00:00"
        )
        # Company A's coordinator: exactly the figures without company B.
        result_a = self._kpis(user=self.coordinator)
        self.assertEqual(result_a["quotations"], 3)
        self.assertEqual(result_a["orders_confirmed"], 2)
        self.assertEqual(result_a["new_clients"], 1)
        self.assertEqual(result_a["sales_growth_rate"], 20.0)
        # Company B's coordinator: only company B.
        result_b = self._kpis(user=coordinator_b)
        self.assertEqual(result_b["quotations"], 1)
        self.assertEqual(result_b["orders_confirmed"], 1)
        self.assertEqual(result_b["new_clients"], 1)
        # A coordinator of company A filtering on their own name gets nothing
        # from company B.
        result = self._kpis(user=self.coordinator, user_ids=[coordinator_b.id])
        self.assertEqual(result["quotations"], 0)


@tagged("post_install", "-at_install")
class TestKpiArguments(KpiCase):
    def test_bad_dates(self):
        for date_from, date_to in [
            ("2026-13-01", "2026-03-31"),
            ("2026-03-01", "31/03/2026"),
            (None, "2026-03-31"),
            (20260301, "2026-03-31"),
            ("2026-03-01T00:00", "2026-03-31"),
            ("2026-03-31", "2026-03-01"),
        ]:
            with (
                self.subTest(date_from=date_from, date_to=date_to),
                self.assertRaises(UserError),
            ):
                self.kpi.get_kpis(date_from, date_to)

    def test_missing_dates(self):
        """Called over RPC without its dates, it says which one is missing."""
        with self.assertRaisesRegex(UserError, "date_from"):
            self.kpi.get_kpis()
        with self.assertRaisesRegex(UserError, "date_to"):
            self.kpi.get_kpis("2026-03-01")

    def test_bad_ids(self):
        for filters in [
            {"team_ids": self.team.id},
            {"team_ids": "1,2"},
            {"team_ids": [self.team.id, "2"]},
            {"team_ids": [True]},
            {"user_ids": [1.5]},
            {"user_ids": [999999999]},
            {"team_ids": [999999999]},
            {"user_ids": {"id": 1}},
        ]:
            with self.subTest(filters=filters), self.assertRaises(UserError):
                self.kpi.get_kpis(*MARCH, **filters)

    def test_unknown_id_message_names_them(self):
        with self.assertRaisesRegex(UserError, "999999999"):
            self.kpi.get_kpis(*MARCH, user_ids=[self.coordinator.id, 999999999])

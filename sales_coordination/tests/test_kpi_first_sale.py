from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_kpi import MARCH, KpiCase


@tagged("post_install", "-at_install")
class TestFirstSaleMark(KpiCase):
    """``sale.order.sc_first_sale``: the first confirmed order of each
    customer contact in each company, which the new-clients KPI starts from,
    follows confirmations, cancellations and changes of date, customer and
    company, as soon as they reach the database (the ORM's flush: every
    search and every KPI flushes first)."""

    def _marked(self, partners):
        self.env.flush_all()
        return (
            self.env["sale.order"]
            .search([("partner_id", "in", partners.ids), ("sc_first_sale", "=", True)])
            .sorted("id")
        )

    def _confirmed(self, partner, date_order):
        order = self._order(partner, self.team, 5.0)
        order.action_confirm()
        order.date_order = date_order
        self.env.flush_all()
        return order

    def test_history_is_marked(self):
        # o1 (the contact), o3 (Vet's branch), o4 (the branch); not the
        # quotation o2 nor the cancelled o5
        everyone = self.customer | self.contact | self.branch | self.vet_branch
        self.assertEqual(self._marked(everyone), self.o1 | self.o3 | self.o4)
        self.assertFalse(self.o2.sc_first_sale)
        self.assertFalse(self.o5.sc_first_sale)

    def test_a_later_order_is_not_first(self):
        later = self._confirmed(self.vet_branch, "2026-04-10 10:00:00")
        self.assertFalse(later.sc_first_sale)
        self.assertTrue(self.o3.sc_first_sale)

    def test_cancelling_the_first_moves_the_mark(self):
        later = self._confirmed(self.vet_branch, "2026-04-10 10:00:00")
        self.o3._action_cancel()
        self.env.flush_all()
        self.assertEqual(self.o3.state, "cancel")
        self.assertFalse(self.o3.sc_first_sale)
        self.assertTrue(later.sc_first_sale)
        # and the KPI follows: Vet Clinic is a new client of April now
        self.assertEqual(self._kpis()["new_clients"], 0)
        self.assertEqual(self._kpis(("2026-04-01", "2026-04-30"))["new_clients"], 1)

    def test_an_earlier_date_takes_the_mark(self):
        earlier = self._confirmed(self.vet_branch, "2026-01-05 10:00:00")
        self.assertTrue(earlier.sc_first_sale)
        self.assertFalse(self.o3.sc_first_sale)
        self.assertEqual(self._kpis()["new_clients"], 0)
        self.assertEqual(self._kpis(("2026-01-01", "2026-01-31"))["new_clients"], 1)

    def test_a_change_of_customer_moves_the_mark(self):
        other = self.env["res.partner"].create(
            {"name": "Whiskers & Tails Grooming", "is_company": True}
        )
        later = self._confirmed(self.vet_branch, "2026-04-10 10:00:00")
        self.o3.partner_id = other
        self.env.flush_all()
        self.assertTrue(self.o3.sc_first_sale)
        self.assertTrue(later.sc_first_sale)
        self.assertEqual(self._marked(other | self.vet_branch), self.o3 | later)

    def test_back_fill_marks_the_same_orders_once(self):
        marked = self.env["sale.order"].search([("sc_first_sale", "=", True)])
        self.env.flush_all()
        self.env.cr.execute("UPDATE sale_order SET sc_first_sale = NULL")
        self.env["sale.order"].invalidate_model(["sc_first_sale"])
        changed = self.env["sale.order"]._sc_first_sale_refresh()
        self.assertEqual(sorted(changed), sorted(marked.ids))
        self.assertEqual(
            self.env["sale.order"].search([("sc_first_sale", "=", True)]), marked
        )
        # a second run finds nothing to change
        self.assertEqual(self.env["sale.order"]._sc_first_sale_refresh(), [])

    def test_nobody_sets_the_mark_by_hand(self):
        for user in (self.salesperson, self.coordinator, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.o2.with_user(user).write({"sc_first_sale": True})
        self.assertFalse(self.o2.sc_first_sale)

    def test_new_to_the_company_whoever_sold_before(self):
        # A salesperson who reads only their own orders: Happy Paws bought
        # from the company in February (o4, not theirs), so their March order
        # does not make it a new client; a customer who never bought does.
        mine = self._order(self.customer, self.team, 5.0)
        mine.user_id = self.salesperson
        mine.action_confirm()
        self._set(mine, date_order="2026-03-20 10:00:00")
        first_timer = self.env["res.partner"].create(
            {"name": "Bark Avenue Boutique", "is_company": True}
        )
        theirs = self._order(first_timer, self.team, 5.0)
        theirs.user_id = self.salesperson
        theirs.action_confirm()
        self._set(theirs, date_order="2026-03-21 10:00:00")
        self.assertFalse(
            self.env["sale.order"]
            .with_user(self.salesperson)
            .search([("id", "=", self.o4.id)])
        )
        result = self._kpis(MARCH, user=self.salesperson)
        self.assertEqual(result["new_clients"], 1)
        rows = self.kpi.with_user(self.salesperson)._kpi_new_client_rows(
            [self.kpi._kpi_parse_period(*MARCH)],
            None,
            None,
        )
        self.assertEqual([partner for __, partner in rows], first_timer.ids)

    def _statements(self, orders, date_order):
        """Statements of a low-level write of ``date_order`` on ``orders``
        (``_write``, where the ORM's flush arrives too; the user-level
        ``write`` of other addons, such as OCA's sale_exception, may cost
        more per order), the fewer of two passes."""
        counts = []
        for __ in range(2):
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            orders._write({"date_order": date_order})
            counts.append(self.env.cr.sql_log_count - before)
            orders.invalidate_recordset(["date_order", "sc_first_sale"])
            date_order = date_order.replace("10:00", "11:00")
        return min(counts)

    def test_the_mark_is_kept_set_wise(self):
        customers = self.env["res.partner"].create(
            [{"name": f"Pet Corner {n}", "is_company": True} for n in range(10)]
        )
        orders = self.env["sale.order"].browse(
            [
                self._confirmed(customer, "2026-03-10 09:00:00").id
                for customer in customers
            ]
        )
        one = self._statements(orders[:1], "2026-03-12 10:00:00")
        ten = self._statements(orders, "2026-03-13 10:00:00")
        self.assertEqual(one, ten)
        # the orders' update, then one statement for all their marks
        self.assertEqual(ten, 2)
        self.assertTrue(all(orders.mapped("sc_first_sale")))

    def test_new_in_the_companies_the_user_works_in(self):
        # Vet Clinic bought from the sister company in February: for a
        # manager working in both companies it is not a new client in March;
        # working in this company only, it is (and each company marks its
        # own first order).
        company_b = self.env["res.company"].create({"name": "Aquarium Supplies BV"})
        team_b = self.env["crm.team"].create(
            {"name": "Aquarium Shops", "company_id": company_b.id}
        )
        order_b = (
            self.env["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.vet.id,
                    "company_id": company_b.id,
                    "team_id": team_b.id,
                    "order_line": [
                        (0, 0, {"product_id": self.product.id, "product_uom_qty": 1})
                    ],
                }
            )
        )
        order_b.action_confirm()
        self._set(order_b, date_order="2026-02-20 10:00:00")
        self.assertTrue(order_b.sc_first_sale)
        self.assertTrue(self.o3.sc_first_sale)
        self.manager.company_ids = [(4, company_b.id)]
        both = self.kpi.with_user(self.manager).with_context(
            allowed_company_ids=[self.env.company.id, company_b.id]
        )
        self.assertEqual(both.get_kpis(*MARCH)["new_clients"], 0)
        here = self.kpi.with_user(self.manager).with_context(
            allowed_company_ids=[self.env.company.id]
        )
        self.assertEqual(here.get_kpis(*MARCH)["new_clients"], 1)

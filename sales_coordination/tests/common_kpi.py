"""Fixtures of the KPI tests: March 2026 of a small wholesaler (orders,
support requests, meetings, accuracy markers, a follow-up), shared by the
KPI test modules; no test lives here."""

from datetime import date

from odoo.tools import SQL

from odoo.addons.sales_coordination.models.sale_order_first_sale import (
    FIRST_SALE_FIELDS,
)

from .common import SalesCoordinationCase

MARCH = ("2026-03-01", "2026-03-31")


class KpiCase(SalesCoordinationCase):
    """A small, hand-counted month of a pet-food wholesaler (March 2026).

    Orders (creation / confirmation, untaxed amount, customer):
    - o1: created 03-01 00:00 (first second), confirmed 03-02 10:00, 120.00,
      Happy Paws (through its contact), team 2;
    - o2: created 03-31 23:59:59 (last second), quotation, Happy Paws, team 2;
    - o3: created 04-01 00:00 (after), confirmed 03-31 23:00, 60.00,
      Vet Clinic (through its branch), team "Pet Shops North";
    - o4: created 02-10, confirmed 02-15 00:00, 150.00, Happy Paws (branch);
    - o5: created 03-10, cancelled, Happy Paws.
    Hence quotations 3 (o1, o2, o5), one of them confirmed: 33.3 %;
    orders confirmed 2 (o1, o3); growth (180 - 150) / 150 = 20.0 %;
    new clients 1 (Vet Clinic: Happy Paws ordered in February).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kpi = cls.env["sales.coordination.kpi"]
        # The accuracy checks observe only: every order here gets confirmed.
        cls.env.company.accuracy_mode = "observe"
        cls.team2 = cls.env["crm.team"].create({"name": "Groomers South"})
        cls.vet = cls.env["res.partner"].create(
            {"name": "Vet Clinic Meadow", "is_company": True}
        )
        cls.vet_branch = cls.env["res.partner"].create(
            {
                "name": "Vet Clinic Meadow Annex",
                "parent_id": cls.vet.id,
                "type": "delivery",
            }
        )
        cls.o1 = cls._order(cls.contact, cls.team2, 10.0)
        cls.o2 = cls._order(cls.customer, cls.team2, 10.0)
        cls.o3 = cls._order(cls.vet_branch, cls.team, 5.0)
        cls.o4 = cls._order(cls.branch, cls.team2, 12.5)
        cls.o5 = cls._order(cls.customer, cls.team2, 10.0)
        (cls.o1 | cls.o3 | cls.o4).action_confirm()
        cls.o5.action_cancel()
        cls._set(
            cls.o1, create_date="2026-03-01 00:00:00", date_order="2026-03-02 10:00:00"
        )
        cls._set(
            cls.o2, create_date="2026-03-31 23:59:59", date_order="2026-03-31 23:59:59"
        )
        cls._set(
            cls.o3, create_date="2026-04-01 00:00:00", date_order="2026-03-31 23:00:00"
        )
        cls._set(
            cls.o4, create_date="2026-02-10 09:00:00", date_order="2026-02-15 00:00:00"
        )
        cls._set(
            cls.o5, create_date="2026-03-10 09:00:00", date_order="2026-03-10 09:00:00"
        )

    @classmethod
    def _order(cls, partner, team, price):
        return cls._create_order(
            partner=partner,
            team=team,
            order_line=[
                (
                    0,
                    0,
                    {
                        "product_id": cls.product.id,
                        "product_uom_qty": 12,
                        "price_unit": price,
                        "tax_id": [(6, 0, [])],
                    },
                )
            ],
        )

    @classmethod
    def _deliver_march(cls):
        """The deliveries of March: o1's on time (03-03) and in full, o3's
        late (03-20, due 03-10), o4's on time (03-15) but 6 of 12 short, its
        backorder cancelled. Fulfillment: 1 of 3, 33.3 %."""
        for order in cls.o1 | cls.o3:
            order.picking_ids.move_ids.write({"quantity": 12, "picked": True})
            order.picking_ids._action_done()
        cls.o4.picking_ids.move_ids.write({"quantity": 6, "picked": True})
        cls.o4.picking_ids.with_context(cancel_backorder=True)._action_done()
        cls._set(
            cls.o1.picking_ids,
            date_done="2026-03-03 10:00:00",
            scheduled_date="2026-03-05 10:00:00",
            date_deadline=None,
        )
        cls._set(
            cls.o3.picking_ids,
            date_done="2026-03-20 10:00:00",
            date_deadline="2026-03-10 10:00:00",
        )
        cls._set(
            cls.o4.picking_ids,
            date_done="2026-03-15 10:00:00",
            scheduled_date="2026-03-20 10:00:00",
            date_deadline=None,
        )

    @classmethod
    def _set(cls, records, **values):
        """Write timestamps the ORM owns (create_date, date_done...)."""
        records.flush_recordset()
        assignments = SQL(", ").join(
            SQL("%s = %s", SQL.identifier(name), value)
            for name, value in values.items()
        )
        cls.env.cr.execute(
            SQL(
                "UPDATE %s SET %s WHERE id IN %s",
                SQL.identifier(records._table),
                assignments,
                tuple(records.ids),
            )
        )
        records.invalidate_recordset()
        if records._name == "sale.order" and FIRST_SALE_FIELDS.intersection(values):
            # history written behind the ORM's back: mark the customers'
            # first orders again, as the install's back-fill does
            records._sc_first_sale_refresh()

    def _kpis(self, period=MARCH, user=None, **filters):
        kpi = self.kpi.with_user(user) if user else self.kpi
        return kpi.get_kpis(*period, **filters)


class KpiSupportMeetingsCase(KpiCase):
    """Support requests (requested, first response, done):
    - r1: team, Cora, 03-01 08:00, +2 h, done +24 h;
    - r2: team 2, Tess, 02-27 08:00, +4 h, done 03-05 08:00 (+144 h);
    - r3: team, Cora, 03-10 08:00, +5 h, in progress;
    - r4: team 2, Cora, 03-20 08:00, no response yet.
    Turnaround (done in March): (24 + 144) / 2 = 84.0 h;
    response (requested in March, answered): (2 + 5) / 2 = 3.5 h.

    Meetings (start, outcome, organizer, link):
    - m1: 03-03, held, Cora, opportunity of the team;
    - m2: 03-31 23:00, no show, Cora, order o1 (team 2);
    - m3: 03-15, planned; m4: 04-01 00:00, held;
    - m5: 03-20, rescheduled, Tess.
    Efficiency: 1 held of 3 = 33.3 %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Request = cls.env["sales.support.request"]
        cls.r1 = cls._request(cls.team, cls.coordinator, "2026-03-01 08:00:00")
        cls.r2 = cls._request(cls.team2, cls.team_coordinator, "2026-02-27 08:00:00")
        cls.r3 = cls._request(cls.team, cls.coordinator, "2026-03-10 08:00:00")
        cls.r4 = cls._request(cls.team2, cls.coordinator, "2026-03-20 08:00:00")
        cls.r1.write(
            {
                "state": "done",
                "first_response_date": "2026-03-01 10:00:00",
                "done_date": "2026-03-02 08:00:00",
            }
        )
        cls.r2.write(
            {
                "state": "done",
                "first_response_date": "2026-02-27 12:00:00",
                "done_date": "2026-03-05 08:00:00",
            }
        )
        cls.r3.write(
            {"state": "in_progress", "first_response_date": "2026-03-10 13:00:00"}
        )
        cls.requests = Request.browse((cls.r1 | cls.r2 | cls.r3 | cls.r4).ids)
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Kennel chain listing",
                "type": "opportunity",
                "team_id": cls.team.id,
            }
        )
        cls.m1 = cls._meeting("2026-03-03 10:00:00", "held", opportunity_id=cls.lead.id)
        cls.m2 = cls._meeting("2026-03-31 23:00:00", "no_show", sale_order_id=cls.o1.id)
        cls.m3 = cls._meeting("2026-03-15 10:00:00", "planned")
        cls.m4 = cls._meeting("2026-04-01 00:00:00", "held")
        cls.m5 = cls._meeting(
            "2026-03-20 10:00:00", "rescheduled", user_id=cls.team_coordinator.id
        )

    @classmethod
    def _request(cls, team, assignee, requested):
        return cls.env["sales.support.request"].create(
            {
                "name": "Price list for a new groomer",
                "request_type": "proposal",
                "team_id": team.id,
                "assigned_to_id": assignee.id,
                "request_date": requested,
            }
        )

    @classmethod
    def _meeting(cls, start, outcome, **values):
        vals = {
            "name": "Range review",
            "start": start,
            "stop": start[:11] + "23:59:59",
            "user_id": cls.coordinator.id,
            "partner_ids": [],
            "coordination_outcome": outcome,
        }
        vals.update(values)
        return cls.env["calendar.event"].create(vals)


class KpiSeriesCase(KpiSupportMeetingsCase):
    """March 2026 of the KPI tests (orders, requests, meetings), with
    accuracy markers, a posted invoice and an overdue follow-up added, so
    that every family has figures in several buckets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for order, checked, right in [
            (cls.o1, "2026-03-01 00:30:00", True),
            (cls.o3, "2026-03-31 23:00:00", False),
            (cls.o4, "2026-02-10 09:00:00", True),
            (cls.o2, "2026-03-20 10:00:00", False),
        ]:
            cls._set(
                order,
                accuracy_first_checked_date=checked,
                accuracy_checked_date=checked,
                first_time_right=right,
                data_entry_right=right,
            )
        cls._set(cls.o1, invoice_posted_date="2026-03-05 10:00:00")
        cls._set(cls.o4, invoice_posted_date="2026-02-20 12:00:00")
        rule = cls.env["sales.followup.rule"].create(
            {
                "name": "Quote follow-up",
                "trigger": "quote_no_reply",
                "delay_days": 3,
                "activity_type_id": cls.env.ref(
                    "sales_coordination.mail_activity_type_quote_followup"
                ).id,
                "active": False,
            }
        )
        cls.activity = cls.o1.activity_schedule(
            act_type_xmlid="sales_coordination.mail_activity_type_quote_followup",
            date_deadline=date(2026, 3, 12),
            user_id=cls.coordinator.id,
        )
        cls.activity.sudo().followup_rule_id = rule
        cls.env.flush_all()

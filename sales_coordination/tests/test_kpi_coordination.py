from odoo.tests import tagged

from .test_kpi import KpiCase


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


@tagged("post_install", "-at_install")
class TestKpiSupportAndMeetings(KpiCase):
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

    def test_support_kpis_by_hand(self):
        result = self._kpis()
        self.assertEqual(result["support_turnaround_hours"], 84.0)
        self.assertEqual(result["internal_response_hours"], 3.5)

    def test_support_filters(self):
        result = self._kpis(team_ids=[self.team.id])
        self.assertEqual(result["support_turnaround_hours"], 24.0)
        self.assertEqual(result["internal_response_hours"], 3.5)
        result = self._kpis(user_ids=[self.team_coordinator.id])
        self.assertEqual(result["support_turnaround_hours"], 144.0)
        self.assertIs(result["internal_response_hours"], False)

    def test_support_boundaries(self):
        # r1 was requested at 08:00 on the first day.
        result = self._kpis(("2026-03-01", "2026-03-01"))
        self.assertEqual(result["internal_response_hours"], 2.0)
        self.assertIs(result["support_turnaround_hours"], False)
        result = self._kpis(("2026-02-01", "2026-02-28"))
        self.assertEqual(result["internal_response_hours"], 4.0)
        self.assertIs(result["support_turnaround_hours"], False)

    def test_meeting_efficiency_by_hand(self):
        self.assertEqual(self._kpis()["meeting_efficiency_rate"], 33.3)
        self.assertEqual(
            self._kpis(("2026-03-31", "2026-04-01"))["meeting_efficiency_rate"], 50.0
        )
        self.assertIs(
            self._kpis(("2026-03-15", "2026-03-15"))["meeting_efficiency_rate"], False
        )

    def test_meeting_filters(self):
        self.assertEqual(
            self._kpis(team_ids=[self.team.id])["meeting_efficiency_rate"], 100.0
        )
        self.assertEqual(
            self._kpis(team_ids=[self.team2.id])["meeting_efficiency_rate"], 0.0
        )
        self.assertEqual(
            self._kpis(user_ids=[self.coordinator.id])["meeting_efficiency_rate"], 50.0
        )
        self.assertEqual(
            self._kpis(user_ids=[self.team_coordinator.id])["meeting_efficiency_rate"],
            0.0,
        )

    def test_coordinator_reads_the_same_figures(self):
        result = self._kpis(user=self.coordinator)
        self.assertEqual(result["support_turnaround_hours"], 84.0)
        self.assertEqual(result["meeting_efficiency_rate"], 33.3)


@tagged("post_install", "-at_install")
class TestKpiFollowups(KpiCase):
    """Follow-up activities (deadline, assignee, record):
    - a1: 03-30, Cora, o1 (team 2), from a rule;
    - a2: 03-31, Tess, o3 (team), from a rule: not before date_to;
    - a3: 03-01, Cora, a lead of the team, from a rule;
    - a4: 03-10, Cora, o1, no rule: not a follow-up;
    - a5: 03-05, Cora, o2, from a rule, done (archived).
    Overdue on 03-31: a1 and a3."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env["sales.followup.rule"].create(
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
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Kennel chain listing",
                "type": "opportunity",
                "team_id": cls.team.id,
            }
        )
        cls.a1 = cls._activity(cls.o1, "2026-03-30", cls.coordinator)
        cls.a2 = cls._activity(cls.o3, "2026-03-31", cls.team_coordinator)
        cls.a3 = cls._activity(cls.lead, "2026-03-01", cls.coordinator)
        cls.a4 = cls._activity(cls.o1, "2026-03-10", cls.coordinator, rule=False)
        cls.a5 = cls._activity(cls.o2, "2026-03-05", cls.coordinator)
        cls.a5.active = False

    @classmethod
    def _activity(cls, record, deadline, user, rule=True):
        return cls.env["mail.activity"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id(record._name),
                "res_id": record.id,
                "activity_type_id": cls.env.ref("mail.mail_activity_data_todo").id,
                "summary": "Follow up",
                "date_deadline": deadline,
                "user_id": user.id,
                "followup_rule_id": cls.rule.id if rule else False,
            }
        )

    def test_overdue_followups_by_hand(self):
        self.assertEqual(self._kpis()["followups_overdue"], 2)
        self.assertEqual(
            self._kpis(("2026-04-01", "2026-04-30"))["followups_overdue"], 3
        )
        self.assertEqual(
            self._kpis(("2026-01-01", "2026-03-01"))["followups_overdue"], 0
        )

    def test_followup_filters(self):
        self.assertEqual(
            self._kpis(user_ids=[self.coordinator.id])["followups_overdue"], 2
        )
        self.assertEqual(
            self._kpis(user_ids=[self.team_coordinator.id])["followups_overdue"], 0
        )
        self.assertEqual(self._kpis(team_ids=[self.team.id])["followups_overdue"], 1)
        self.assertEqual(self._kpis(team_ids=[self.team2.id])["followups_overdue"], 1)
        self.assertEqual(self._kpis(team_ids=[])["followups_overdue"], 0)

    def test_activity_access_applies(self):
        # The coordinator reads every order and lead: same count. A plain
        # salesperson reads neither these orders nor the lead's activities.
        self.assertEqual(self._kpis(user=self.coordinator)["followups_overdue"], 2)
        self.assertEqual(self._kpis(user=self.salesperson)["followups_overdue"], 0)

from datetime import date

from odoo.tests import tagged

from .common_kpi import KpiCase


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
        rule = cls.rule if rule is True else rule or cls.rule.browse()
        return cls.env["mail.activity"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id(record._name),
                "res_id": record.id,
                "activity_type_id": cls.env.ref("mail.mail_activity_data_todo").id,
                "summary": "Follow up",
                "date_deadline": deadline,
                "user_id": user.id,
                "followup_rule_id": rule.id,
            }
        )

    def _rule2(self):
        return self.rule.copy({"name": "Second follow-up"})

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

    def test_own_followups_count_on_unreadable_documents(self):
        # Sam reads neither o1 nor the lead: Cora's follow-ups there stay
        # hidden, his own one on o1 counts (mail.activity's rule).
        self._activity(self.o1, "2026-03-20", self.salesperson, self._rule2())
        self.assertEqual(self._kpis(user=self.salesperson)["followups_overdue"], 1)
        self.assertEqual(self._kpis(user=self.coordinator)["followups_overdue"], 3)

    def test_followups_match_mail_activity_search(self):
        # The KPI's SQL access check selects exactly what Odoo's
        # mail.activity search (its Python access check) returns.
        self._activity(self.o1, "2026-03-20", self.salesperson, self._rule2())
        self._activity(self.lead, "2026-03-21", self.manager, self._rule2())
        users = (
            self.coordinator,
            self.team_coordinator,
            self.administrator,
            self.manager,
            self.salesperson,
        )
        for user in users:
            for team_ids in (None, [self.team.id]):
                domain = self.kpi._kpi_followups_domain(
                    date(2026, 4, 30), team_ids, None
                )
                kpi = self.kpi.with_user(user)
                query = kpi._kpi_activities_query(domain)
                kpi.env.cr.execute(query.select())
                ids = sorted(row[0] for row in kpi.env.cr.fetchall())
                expected = self.env["mail.activity"].with_user(user).search(domain)
                with self.subTest(user=user.login, team_ids=team_ids):
                    self.assertEqual(ids, sorted(expected.ids))

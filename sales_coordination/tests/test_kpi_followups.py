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

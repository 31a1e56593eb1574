from odoo.tests import tagged

from .common_kpi import KpiSupportMeetingsCase


@tagged("post_install", "-at_install")
class TestKpiSupportAndMeetings(KpiSupportMeetingsCase):
    """The support and meeting KPIs on the fixture of KpiSupportMeetingsCase."""

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

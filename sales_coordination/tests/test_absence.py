from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SENT_AT, FollowupCase

MONDAY = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestAbsence(FollowupCase):
    """Someone away: the absence itself, who may record it, and who covers
    for them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Absence = cls.env["sales.coordination.absence"]
        cls.colleague = cls._new_user(
            "sc_colleague",
            "sales_coordination.group_coordinator",
            name="Colin Colleague",
        )
        cls.third = cls._new_user(
            "sc_third", "sales_coordination.group_coordinator", name="Thea Third"
        )

    def _away(self, user, backup, first=MONDAY, days=5, **values):
        return self.Absence.create(
            {
                "user_id": user.id,
                "backup_user_id": backup.id,
                "date_from": first,
                "date_to": first + timedelta(days=days - 1),
                **values,
            }
        )

    # === the absence ===

    def test_bad_absences_are_refused(self):
        portal = new_test_user(self.env, login="sc_portal", groups="base.group_portal")
        inactive = self._new_user("sc_gone", "sales_coordination.group_coordinator")
        inactive.active = False
        other_company = self.env["res.company"].create({"name": "Other Wholesale"})
        stranger = self._new_user(
            "sc_stranger", "sales_coordination.group_coordinator", other_company
        )
        cases = {
            "reversed": {"first": MONDAY, "days": 0},
            "self": {"backup": self.coordinator},
            "portal": {"backup": portal},
            "inactive": {"backup": inactive},
            "other company": {"backup": stranger},
        }
        for label, case in cases.items():
            with self.subTest(label), self.assertRaises(ValidationError):
                self._away(self.coordinator, case.pop("backup", self.colleague), **case)
        self.assertFalse(self.Absence.search([("user_id", "=", self.coordinator.id)]))

    def test_overlapping_absences_and_an_absent_backup_are_refused(self):
        self._away(self.coordinator, self.colleague)
        with self.assertRaises(ValidationError) as caught:
            self._away(self.coordinator, self.third, first=MONDAY + timedelta(days=4))
        self.assertIn("already away", str(caught.exception))
        # the day after is fine
        self._away(self.coordinator, self.third, first=MONDAY + timedelta(days=5))
        self._away(self.third, self.manager, first=MONDAY - timedelta(days=3))
        with self.assertRaises(ValidationError) as caught:
            self._away(self.colleague, self.third, first=MONDAY - timedelta(days=7))
        self.assertIn("Thea Third is away", str(caught.exception))

    def test_who_may_record_an_absence(self):
        other_company = self.env["res.company"].create({"name": "Other Wholesale"})
        Absence = self.Absence.with_user(self.coordinator)
        own = Absence.create(
            {
                "backup_user_id": self.colleague.id,
                "date_from": MONDAY,
                "date_to": MONDAY,
            }
        )
        self.assertEqual(own.user_id, self.coordinator)
        own.note = "Dentist"
        with self.assertRaises(AccessError):
            Absence.create(
                {
                    "user_id": self.colleague.id,
                    "backup_user_id": self.third.id,
                    "date_from": MONDAY,
                    "date_to": MONDAY,
                }
            )
        theirs = self._away(self.colleague, self.third)
        # read in the company, not changed
        self.assertEqual(theirs.with_user(self.coordinator).backup_user_id, self.third)
        with self.assertRaises(AccessError):
            theirs.with_user(self.coordinator).note = "changed"
        with self.assertRaises(AccessError):
            theirs.with_user(self.coordinator).handover_done_date = datetime.now()
        # the manager changes anyone's in their company
        theirs.with_user(self.manager).note = "Half days"
        stranger = self._new_user(
            "sc_stranger", "sales_coordination.group_coordinator", other_company
        )
        self.assertFalse(
            self.Absence.with_user(stranger).search([("id", "=", theirs.id)])
        )
        # a salesperson has no access
        with self.assertRaises(AccessError):
            self.Absence.with_user(self.salesperson).search([])

    def test_team_leader_records_the_absence_of_a_team_member(self):
        leader = self._new_user("sc_leader", "sales_coordination.group_coordinator")
        self.team.user_id = leader
        self.team.member_ids = self.colleague
        absence = self.Absence.with_user(leader).create(
            {
                "user_id": self.colleague.id,
                "backup_user_id": self.third.id,
                "date_from": MONDAY,
                "date_to": MONDAY,
            }
        )
        self.assertEqual(absence.user_id, self.colleague)

    # === who covers ===

    def test_get_coordination_cover(self):
        self._away(self.coordinator, self.colleague)
        # the backup away too: the backup's backup covers
        self._away(self.colleague, self.third, first=MONDAY + timedelta(days=3))
        Users = self.env["res.users"].with_user(self.salesperson)
        ids = [self.third.id, self.coordinator.id, self.colleague.id]
        self.assertEqual(
            Users.get_coordination_cover(ids, at="2026-03-03"),
            [
                {"user_id": self.third.id, "covered_by": False, "until": False},
                {
                    "user_id": self.coordinator.id,
                    "covered_by": self.colleague.id,
                    "until": "2026-03-06",
                },
                {"user_id": self.colleague.id, "covered_by": False, "until": False},
            ],
        )
        cover = Users.get_coordination_cover(ids, at=date(2026, 3, 5))
        self.assertEqual(cover[1]["covered_by"], self.third.id)
        self.assertEqual(cover[2]["covered_by"], self.third.id)
        self.assertEqual(cover[2]["until"], "2026-03-09")
        with freeze_time("2026-03-04 10:00:00"):
            today = Users.get_coordination_cover([self.coordinator.id])
        self.assertEqual(today[0]["covered_by"], self.colleague.id)
        with self.assertQueryCount(2):
            Users.get_coordination_cover(ids * 10, at="2026-03-05")

    def test_a_loop_of_backups_ends_with_nobody(self):
        self._away(self.coordinator, self.colleague)
        # recorded the other way round, then moved onto the same days
        loop = self._away(self.colleague, self.coordinator, first=MONDAY + timedelta(7))
        self.env.cr.execute(
            "UPDATE sales_coordination_absence SET date_from = %s WHERE id = %s",
            (MONDAY, loop.id),
        )
        self.env.invalidate_all()
        cover = self.env["res.users"].get_coordination_cover(
            [self.coordinator.id], at="2026-03-03"
        )
        self.assertEqual(cover[0]["covered_by"], False)
        self.assertEqual(cover[0]["until"], "2026-03-06")

    def test_get_coordination_cover_bad_input(self):
        Users = self.env["res.users"].with_user(self.coordinator)
        for bad in ("7", 7, None, {"a": 1}, [[1]], [True], ["x"], [-3]):
            with self.subTest(bad=bad), self.assertRaises(UserError):
                Users.get_coordination_cover(bad)
        with self.assertRaises(MissingError):
            Users.get_coordination_cover([2**31 - 2])
        for bad in ("tomorrow", "2026-13-01", 20260301, True, [1]):
            with self.subTest(at=bad), self.assertRaises(UserError):
                Users.get_coordination_cover([self.coordinator.id], at=bad)
        portal = new_test_user(self.env, login="sc_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["res.users"].with_user(portal).get_coordination_cover(
                [self.coordinator.id]
            )

    # === what goes to the backup ===

    def test_followups_go_to_the_backup_and_say_so(self):
        self._away(self.coordinator, self.colleague, first=MONDAY + timedelta(days=3))
        order = self._sent_quote()
        self.assertEqual(self._run(SENT_AT + timedelta(days=3)), 1)
        activity = self._followups(order)
        self.assertEqual(activity.user_id, self.colleague)
        self.assertEqual(
            activity.summary,
            f"{self.quote_type.summary} (covering for Cora Coordinator)",
        )
        # the backup away too: to the backup's backup
        self._away(self.colleague, self.third, first=MONDAY + timedelta(days=3))
        other = self._sent_quote()
        self._run(SENT_AT + timedelta(days=3, hours=1))
        self.assertEqual(self._followups(other).user_id, self.third)
        self.assertIn("covering for Cora Coordinator", self._followups(other).summary)

    def test_followups_before_and_after_the_absence_stay_with_the_owner(self):
        self._away(self.coordinator, self.colleague, first=MONDAY + timedelta(days=4))
        order = self._sent_quote()
        self._run(SENT_AT + timedelta(days=3))
        activity = self._followups(order)
        self.assertEqual(activity.user_id, self.coordinator)
        self.assertEqual(activity.summary, self.quote_type.summary)

    def test_support_requests_go_to_the_backup(self):
        self._away(self.coordinator, self.colleague)
        with freeze_time("2026-03-03 09:00:00"):
            request = (
                self.env["sales.support.request"]
                .with_user(self.salesperson)
                .create({"name": "Proposal for spring", "partner_id": self.contact.id})
            )
        self.assertEqual(request.assigned_to_id, self.colleague)
        self.assertIn("covering for Cora Coordinator", request.message_ids[0].body)
        # chosen by hand: kept
        with freeze_time("2026-03-03 09:00:00"):
            chosen = self.env["sales.support.request"].create(
                {
                    "name": "Ask Cora herself",
                    "partner_id": self.contact.id,
                    "assigned_to_id": self.coordinator.id,
                }
            )
        self.assertEqual(chosen.assigned_to_id, self.coordinator)
        with freeze_time("2026-03-10 09:00:00"):
            later = self.env["sales.support.request"].create(
                {"name": "After the holiday", "partner_id": self.contact.id}
            )
        self.assertEqual(later.assigned_to_id, self.coordinator)

    def test_my_day_of_the_backup_shows_whom_they_cover_for(self):
        absence = self._away(self.coordinator, self.colleague)
        with freeze_time("2026-03-03 09:00:00"):
            day = (
                self.env["sales.coordination.my.day"]
                .with_user(self.colleague)
                .get_my_day()
            )
            own = (
                self.env["sales.coordination.my.day"]
                .with_user(self.coordinator)
                .get_my_day()
            )
        covering = day["covering"]
        self.assertEqual(covering["count"], 1)
        self.assertEqual(covering["records"][0]["id"], absence.id)
        self.assertEqual(covering["records"][0]["name"], "Cora Coordinator")
        self.assertEqual(covering["records"][0]["date"], "2026-03-06")
        self.assertEqual(own["covering"]["count"], 0)
        with freeze_time("2026-03-09 09:00:00"):
            after = (
                self.env["sales.coordination.my.day"]
                .with_user(self.colleague)
                .get_my_day()
            )
        self.assertEqual(after["covering"]["count"], 0)

    def test_open_work_handed_to_the_backup_on_the_first_day(self):
        absence = self._away(self.coordinator, self.colleague, handover_open=True)
        kept = self._away(self.third, self.colleague, first=MONDAY + timedelta(days=1))
        order = self._sent_quote()
        with freeze_time("2026-02-27 09:00:00"):
            activity = order.activity_schedule(
                "sales_coordination.mail_activity_type_quote_followup",
                user_id=self.coordinator.id,
            )
            request = self.env["sales.support.request"].create(
                {"name": "Price list for 2027", "partner_id": self.contact.id}
            )
            done = self.env["sales.support.request"].create(
                {"name": "Old question", "partner_id": self.contact.id}
            )
            done.action_done()
            other = order.activity_schedule("mail.mail_activity_data_todo")
        self.assertEqual(request.assigned_to_id, self.coordinator)
        with freeze_time("2026-02-28 09:00:00"):
            self.Absence._cron_hand_over_open_work()
        self.assertEqual(activity.user_id, self.coordinator)
        with freeze_time("2026-03-02 07:00:00"):
            self.Absence._cron_hand_over_open_work()
        self.assertEqual(activity.user_id, self.colleague)
        self.assertEqual(request.assigned_to_id, self.colleague)
        self.assertEqual(done.assigned_to_id, self.coordinator)
        self.assertEqual(other.user_id, self.env.user)
        self.assertTrue(absence.handover_done_date)
        self.assertFalse(kept.handover_done_date)
        note = "Handed over from Cora Coordinator to Colin Colleague"
        self.assertIn(note, request.message_ids[0].body)
        self.assertIn(note, order.message_ids[0].body)
        self.assertIn(self.colleague.partner_id, request.message_partner_ids)
        self.assertNotIn(self.coordinator.partner_id, request.message_partner_ids)
        # once only, and nothing moves back at the end
        activity.user_id = self.coordinator
        with freeze_time("2026-03-03 07:00:00"):
            self.Absence._cron_hand_over_open_work()
        self.assertEqual(activity.user_id, self.coordinator)
        with freeze_time("2026-03-09 07:00:00"):
            self.Absence._cron_hand_over_open_work()
        self.assertEqual(request.assigned_to_id, self.colleague)

from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import new_test_user, tagged

from .common import SalesCoordinationCase

REQUESTED_AT = datetime(2026, 3, 2, 9, 0)


@tagged("post_install", "-at_install")
class TestSupportRequest(SalesCoordinationCase):
    """The coordinators' queue of internal requests from the sales reps."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["sales.support.request"]
        cls.other_salesperson = new_test_user(
            cls.env,
            login="sc_other_salesperson",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.order = cls._create_order(team=cls.team, user_id=cls.salesperson.id)

    def _request(self, user=None, when=REQUESTED_AT, **values):
        vals = {"name": "Proposal for 40 pallets", "request_type": "proposal"}
        vals.update(values)
        with freeze_time(when):
            return self.Request.with_user(user or self.salesperson).create(vals)

    def test_defaults_from_order(self):
        request = self._request(order_id=self.order.id)
        self.assertEqual(request.requested_by_id, self.salesperson)
        self.assertEqual(request.partner_id, self.customer)
        self.assertEqual(request.team_id, self.team)
        self.assertEqual(request.assigned_to_id, self.coordinator)
        self.assertEqual(request.state, "new")
        self.assertEqual(request.company_id, self.company)
        self.assertIn(self.coordinator.partner_id, request.sudo().message_partner_ids)

    def test_assignee_falls_back_to_team_coordinator(self):
        lonely = self.env["res.partner"].create({"name": "No Owner Pets"})
        request = self._request(partner_id=lonely.id, team_id=self.team.id)
        self.assertEqual(request.assigned_to_id, self.team_coordinator)

    def test_lead_request(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Cat litter listing",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "team_id": self.team.id,
                # the salesperson's own lead: requests are about readable leads
                "user_id": self.salesperson.id,
            }
        )
        request = self._request(lead_id=lead.id, request_type="meeting_scheduling")
        self.assertEqual(request.partner_id, self.customer)
        self.assertEqual(lead.support_request_count, 1)
        action = lead.action_view_support_requests()
        self.assertEqual(self.Request.search(action["domain"]), request)
        new = lead.action_create_support_request()
        self.assertEqual(new["context"]["default_lead_id"], lead.id)

    def test_order_smart_buttons(self):
        request = self._request(order_id=self.order.id)
        self.assertEqual(self.order.support_request_count, 1)
        action = self.order.action_view_support_requests()
        self.assertEqual(self.Request.search(action["domain"]), request)
        new = self.order.action_create_support_request()
        self.assertEqual(new["res_model"], "sales.support.request")
        self.assertEqual(new["context"]["default_order_id"], self.order.id)

    def test_first_response_set_once_and_durations(self):
        request = self._request(order_id=self.order.id)
        as_coordinator = request.with_user(self.coordinator)
        with freeze_time("2026-03-02 12:30:00"):
            as_coordinator.action_start()
        self.assertEqual(request.state, "in_progress")
        self.assertEqual(request.first_response_date, datetime(2026, 3, 2, 12, 30))
        with freeze_time("2026-03-03 09:00:00"):
            as_coordinator.message_post(body="Working on it", message_type="comment")
            as_coordinator.action_done()
        self.assertEqual(request.state, "done")
        self.assertEqual(request.first_response_date, datetime(2026, 3, 2, 12, 30))
        self.assertEqual(request.done_date, datetime(2026, 3, 3, 9, 0))
        self.assertEqual(request.response_hours, 3.5)
        self.assertEqual(request.resolution_hours, 24.0)

    def test_first_response_by_chatter_message_of_assignee_only(self):
        request = self._request(order_id=self.order.id)
        with freeze_time("2026-03-02 10:00:00"):
            request.with_user(self.salesperson).message_post(
                body="Any news?", message_type="comment"
            )
        self.assertFalse(request.first_response_date)
        with freeze_time("2026-03-02 11:00:00"):
            request.with_user(self.coordinator).message_post(
                body="On it", message_type="comment"
            )
        self.assertEqual(request.first_response_date, datetime(2026, 3, 2, 11, 0))
        self.assertEqual(request.response_hours, 2.0)

    def test_done_directly_is_first_response(self):
        request = self._request(order_id=self.order.id)
        with freeze_time("2026-03-02 10:00:00"):
            request.with_user(self.coordinator).action_done()
        self.assertEqual(request.first_response_date, request.done_date)
        self.assertEqual(request.resolution_hours, 1.0)

    def test_actions_refuse_bad_ids_and_write_nothing(self):
        """Over RPC the ids go straight to ``browse()``: malformed ids get a
        UserError, unknown ones a MissingError, before anything is written."""
        request = self._request(user=self.coordinator)
        Request = self.Request.with_user(self.coordinator)
        actions = ("action_start", "action_done", "action_cancel", "action_reopen")
        for action in actions:
            for bad in (0, -1, None, "abc", [1], 1.5, True):
                with self.subTest(action=action, bad=bad):
                    records = Request.browse([request.id, bad])
                    with self.assertRaisesRegex(UserError, "positive whole numbers"):
                        getattr(records, action)()
            for unknown in (999999999, 2**63):
                with (
                    self.subTest(action=action, unknown=unknown),
                    self.assertRaisesRegex(MissingError, "do not exist"),
                ):
                    getattr(Request.browse([unknown]), action)()
            with self.assertRaisesRegex(UserError, "Select the requests"):
                getattr(Request.browse(), action)()
        self.assertEqual(request.state, "new")
        self.assertFalse(request.first_response_date)

    def test_state_machine_errors(self):
        request = self._request(order_id=self.order.id)
        as_coordinator = request.with_user(self.coordinator)
        with self.assertRaisesRegex(UserError, "reopen"):
            as_coordinator.action_reopen()
        as_coordinator.action_start()
        with self.assertRaisesRegex(UserError, "start"):
            as_coordinator.action_start()
        as_coordinator.action_cancel()
        self.assertEqual(request.state, "cancelled")
        with self.assertRaises(UserError):
            as_coordinator.action_done()
        as_coordinator.action_reopen()
        self.assertEqual(request.state, "in_progress")
        with self.assertRaises(UserError):
            self.Request.browse().action_start()

    def test_unassigned_request_taken_by_whoever_starts_it(self):
        lonely = self.env["res.partner"].create({"name": "No Owner Pets"})
        request = self._request(partner_id=lonely.id)
        self.assertFalse(request.assigned_to_id)
        request.with_user(self.team_coordinator).action_start()
        self.assertEqual(request.assigned_to_id, self.team_coordinator)
        self.assertTrue(request.first_response_date)

    def test_access_salespeople_see_their_own(self):
        mine = self._request(order_id=self.order.id)
        theirs = self._request(user=self.other_salesperson)
        Request = self.Request.with_user(self.salesperson)
        self.assertEqual(Request.search([("id", "in", (mine | theirs).ids)]), mine)
        mine.with_user(self.salesperson).write({"priority": "2"})
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesperson).read(["name"])
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesperson).write({"priority": "2"})
        with self.assertRaises(AccessError):
            mine.with_user(self.salesperson).unlink()

    def test_access_coordinators_handle_all_of_their_company(self):
        other_company = self.env["res.company"].create({"name": "Pet Supplies NL"})
        nl_user = new_test_user(
            self.env,
            login="sc_nl_salesperson",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        here = self._request(user=self.other_salesperson)
        there = self._request(user=nl_user, company_id=other_company.id)
        Request = self.Request.with_user(self.coordinator)
        found = Request.search([("id", "in", (here | there).ids)])
        self.assertEqual(found, here)
        here.with_user(self.coordinator).action_start()
        with self.assertRaises(AccessError):
            there.with_user(self.coordinator).read(["name"])
        with self.assertRaises(AccessError):
            here.with_user(self.coordinator).unlink()
        here.with_user(self.manager).unlink()

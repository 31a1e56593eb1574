from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SalesCoordinationCase


@tagged("post_install", "-at_install")
class TestSupportRequestRights(SalesCoordinationCase):
    """Who a support request can go to, and who closes it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["sales.support.request"]
        cls.company_b = cls.env["res.company"].create({"name": "Pet Supplies NL"})
        cls.user_b = cls._new_user(
            "sc_coordinator_b", "sales_coordination.group_coordinator", cls.company_b
        )
        cls.portal = new_test_user(
            cls.env, login="sc_portal", groups="base.group_portal"
        )

    def _request(self, **values):
        vals = {
            "name": "Proposal for 40 pallets",
            "request_type": "proposal",
            "assigned_to_id": self.coordinator.id,
        }
        vals.update(values)
        return self.Request.with_user(self.salesperson).create(vals)

    def test_assigned_only_to_an_internal_user_of_its_company(self):
        request = self._request()
        for user in (self.user_b, self.portal):
            with self.subTest(user=user.login):
                with self.assertRaises(ValidationError):
                    request.with_user(self.coordinator).write(
                        {"assigned_to_id": user.id}
                    )
                with self.assertRaises(ValidationError):
                    self._request(assigned_to_id=user.id)
        self.assertEqual(request.assigned_to_id, self.coordinator)
        request.with_user(self.coordinator).write(
            {"assigned_to_id": self.team_coordinator.id}
        )
        self.assertEqual(request.assigned_to_id, self.team_coordinator)

    def test_requester_does_not_close_their_own_request(self):
        request = self._request()
        with self.assertRaises(UserError):
            request.with_user(self.salesperson).action_done()
        self.assertEqual(request.state, "new")
        # the requester may still cancel it, the assignee closes it
        request.with_user(self.coordinator).action_done()
        self.assertEqual(request.state, "done")
        # a requester who is its own assignee closes it
        mine = self._request(assigned_to_id=self.salesperson.id)
        mine.with_user(self.salesperson).action_done()
        self.assertEqual(mine.state, "done")

    def test_assignees_reply_moves_a_new_request_to_in_progress(self):
        request = self._request()
        request.with_user(self.salesperson).message_post(
            body="Any news?", message_type="comment"
        )
        self.assertEqual(request.state, "new")
        request.with_user(self.coordinator).message_post(
            body="On it: the proposal goes out tomorrow.", message_type="comment"
        )
        self.assertEqual(request.state, "in_progress")
        self.assertTrue(request.first_response_date)
        self.assertFalse(request.done_date)

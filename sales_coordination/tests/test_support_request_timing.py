from datetime import datetime

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .common import SalesCoordinationCase

REQUESTED_AT = datetime(2026, 3, 2, 9, 0)
SPEC = {
    "state": {},
    "first_response_date": {},
    "done_date": {},
    "response_hours": {},
    "resolution_hours": {},
}


@tagged("post_install", "-at_install")
class TestSupportRequestTiming(SalesCoordinationCase):
    """A support request moves by itself, and what the form shows right after
    a save or a chatter reply is its current state and timing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._create_order(team=cls.team, user_id=cls.salesperson.id)

    def _request(self):
        with freeze_time(REQUESTED_AT):
            return (
                self.env["sales.support.request"]
                .with_user(self.salesperson)
                .create(
                    {
                        "name": "Proposal for 40 pallets of kibble",
                        "request_type": "proposal",
                        "order_id": self.order.id,
                    }
                )
            )

    def _form_arch(self):
        arch = self.env["sales.support.request"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        return etree.fromstring(arch)

    def test_the_assignees_reply_moves_a_new_request_to_in_progress(self):
        request = self._request()
        self.assertEqual(request.assigned_to_id, self.coordinator)
        with freeze_time("2026-03-02 10:00:00"):
            request.with_user(self.salesperson).message_post(
                body="Any news?", message_type="comment"
            )
        self.assertEqual(request.state, "new")
        with freeze_time("2026-03-02 11:30:00"):
            request.with_user(self.coordinator).message_post(
                body="On it: the pallet prices by tomorrow.", message_type="comment"
            )
        self.assertEqual(request.state, "in_progress")
        self.assertEqual(request.first_response_date, datetime(2026, 3, 2, 11, 30))
        self.assertEqual(request.response_hours, 2.5)

    def test_resolution_time_is_empty_until_done(self):
        request = self._request()
        values = request.with_user(self.coordinator).web_read(SPEC)[0]
        self.assertIs(values["done_date"], False)
        self.assertEqual(values["resolution_hours"], 0.0)
        # the form shows no time that has not happened yet
        timing = {
            node.get("name"): node.get("invisible")
            for node in self._form_arch().iterfind(".//page[@name='timing']//field")
        }
        self.assertEqual(timing["resolution_hours"], "not done_date")
        self.assertEqual(timing["response_hours"], "not first_response_date")
        with freeze_time("2026-03-03 09:00:00"):
            request.with_user(self.coordinator).action_done()
        values = request.with_user(self.coordinator).web_read(SPEC)[0]
        self.assertEqual(values["state"], "done")
        self.assertEqual(values["resolution_hours"], 24.0)

    def test_the_form_answers_a_reply_and_a_save_with_the_current_timing(self):
        # the form reads the record again after a chatter post: the state and
        # the timing tab follow the reply without a reload of the page
        chatter = self._form_arch().find(".//chatter")
        self.assertEqual(chatter.get("reload_on_post"), "True")
        request = self._request().with_user(self.coordinator)
        with freeze_time("2026-03-02 12:00:00"):
            request.message_post(body="Started on it", message_type="comment")
            values = request.web_read(SPEC)[0]
        self.assertEqual(values["state"], "in_progress")
        self.assertEqual(values["response_hours"], 3.0)
        # a save answers with the timing too
        with freeze_time("2026-03-02 13:00:00"):
            saved = request.web_save({"priority": "1"}, SPEC)[0]
        self.assertEqual(
            (saved["state"], saved["response_hours"], saved["resolution_hours"]),
            ("in_progress", 3.0, 0.0),
        )

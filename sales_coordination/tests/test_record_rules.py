from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SalesCoordinationCase


@tagged("post_install", "-at_install")
class TestRecordRules(SalesCoordinationCase):
    """Issues, report rows, dashboards and dialogs are read by whoever may
    read what they are built from, and nobody else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesperson = new_test_user(
            cls.env,
            login="sc_rules_other_salesperson",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.company_b = cls.env["res.company"].create({"name": "Aquarium Supplies BV"})
        cls.coordinator_b = new_test_user(
            cls.env,
            login="sc_rules_coordinator_b",
            groups="base.group_user,sales_coordination.group_coordinator",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="sc_rules_manager_b",
            groups="base.group_user,sales_coordination.group_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.stock_user = new_test_user(
            cls.env,
            login="sc_rules_stock",
            groups="base.group_user,stock.group_stock_user",
        )
        cls.auditor = new_test_user(
            cls.env,
            login="sc_rules_auditor",
            groups="base.group_user,account.group_account_readonly",
        )
        # The missing customer reference rule opens an issue on both orders.
        cls.own_order = cls._create_order(user_id=cls.salesperson.id)
        cls.other_order = cls._create_order(user_id=cls.other_salesperson.id)
        (cls.own_order | cls.other_order)._accuracy_run()
        cls.own_issues = cls.own_order.accuracy_issue_ids
        cls.other_issues = cls.other_order.accuracy_issue_ids

    def test_fixture_orders_have_issues(self):
        self.assertTrue(self.own_issues)
        self.assertTrue(self.other_issues)

    # === ACCURACY ISSUES FOLLOW THEIR ORDER ===

    def test_salesperson_reads_issues_of_own_orders_only(self):
        Issue = self.env["sale.accuracy.issue"].with_user(self.salesperson)
        found = Issue.search(
            [("order_id", "in", (self.own_order | self.other_order).ids)]
        )
        self.assertEqual(found, self.own_issues)
        self.own_issues.with_user(self.salesperson).read(["message"])
        with self.assertRaises(AccessError):
            self.other_issues.with_user(self.salesperson).read(["message"])
        groups = Issue.read_group(
            [("order_id", "in", (self.own_order | self.other_order).ids)],
            ["order_id"],
            ["order_id"],
        )
        self.assertEqual([g["order_id"][0] for g in groups], self.own_order.ids)

    def test_issue_follows_any_rule_of_the_order(self):
        """A rule another addon puts on orders hides their issues too."""
        self.env["ir.rule"].create(
            {
                "name": "Orders: one order hidden from everybody",
                "model_id": self.env.ref("sale.model_sale_order").id,
                "domain_force": f"[('id', '!=', {self.own_order.id})]",
            }
        )
        Issue = self.env["sale.accuracy.issue"].with_user(self.coordinator)
        found = Issue.search(
            [("order_id", "in", (self.own_order | self.other_order).ids)]
        )
        self.assertEqual(found, self.other_issues)
        with self.assertRaises(AccessError):
            self.own_issues.with_user(self.coordinator).read(["message"])

    def test_issues_of_another_company_are_invisible(self):
        Issue = self.env["sale.accuracy.issue"].with_user(self.coordinator_b)
        self.assertFalse(Issue.search([("order_id", "=", self.own_order.id)]))
        with self.assertRaises(AccessError):
            self.own_issues.with_user(self.coordinator_b).read(["message"])

    def test_users_who_read_orders_read_their_issues(self):
        for user in (self.stock_user, self.auditor):
            order = self.own_order.with_user(user)
            self.assertEqual(order.accuracy_issue_ids, self.own_issues.with_user(user))
            self.assertEqual(order.order_line.mapped("accuracy_issue_level"), [False])

    def test_issues_searched_from_the_order_follow_it(self):
        Order = self.env["sale.order"].with_user(self.salesperson)
        found = Order.search(
            [
                ("id", "in", (self.own_order | self.other_order).ids),
                ("accuracy_issue_ids", "any", [("state", "=", "open")]),
            ]
        )
        self.assertEqual(found, self.own_order)

    def test_source_readable_search_operators(self):
        Issue = self.env["sale.accuracy.issue"].with_user(self.salesperson)
        ids = (self.own_issues | self.other_issues).ids
        self.assertEqual(
            Issue.sudo()
            .with_user(self.salesperson)
            .search([("id", "in", ids), ("sc_source_readable", "=", True)]),
            Issue.browse(self.own_issues.ids),
        )
        unreadable = (
            self.env["sale.accuracy.issue"]
            .with_user(self.salesperson)
            .sudo()
            .search([("id", "in", ids), ("sc_source_readable", "!=", True)])
        )
        # as superuser the field still answers for the real user
        self.assertEqual(unreadable.ids, self.other_issues.ids)

    # === REPORTS FOLLOW THEIR SOURCE RECORDS ===

    def test_support_report_shows_administrators_their_own_requests(self):
        """Administrators see their own requests only (the salesperson rule),
        and the report rows of those only; coordinators see all of them."""
        Request = self.env["sales.support.request"]
        own = Request.create(
            {
                "name": "Price list for Happy Paws",
                "requested_by_id": self.administrator.id,
                "assigned_to_id": self.coordinator.id,
            }
        )
        other = Request.create(
            {
                "name": "Secret margin question",
                "requested_by_id": self.other_salesperson.id,
                "assigned_to_id": self.coordinator.id,
            }
        )
        self.env.flush_all()
        Report = self.env["sales.coordination.support.report"]
        domain = [("request_id", "in", (own | other).ids)]
        rows = Report.with_user(self.administrator).search(domain)
        self.assertEqual(rows.request_id.ids, own.ids)
        with self.assertRaises(AccessError):
            Report.browse(other.ids).with_user(self.administrator).read(["request_id"])
        groups = Report.with_user(self.administrator).read_group(
            domain, ["request_count:sum"], []
        )
        self.assertEqual(groups[0]["request_count"], 1)
        self.assertEqual(
            set(Report.with_user(self.coordinator).search(domain).request_id.ids),
            set((own | other).ids),
        )

    def test_accuracy_report_follows_the_issues(self):
        Report = self.env["sales.coordination.accuracy.report"]
        rows = Report.with_user(self.coordinator).search(
            [("order_id", "in", (self.own_order | self.other_order).ids)]
        )
        self.assertEqual(set(rows.ids), set((self.own_issues | self.other_issues).ids))
        self.assertFalse(
            Report.with_user(self.coordinator_b).search(
                [("order_id", "in", (self.own_order | self.other_order).ids)]
            )
        )
        with self.assertRaises(AccessError):
            Report.browse(self.own_issues.ids).with_user(self.coordinator_b).read(
                ["order_id"]
            )

    def test_followup_report_follows_the_activities(self):
        rule = self.env["sales.followup.rule"].search([], limit=1)
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("sale.order"),
                "res_id": self.own_order.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "user_id": self.coordinator.id,
                "followup_rule_id": rule.id,
            }
        )
        self.env.flush_all()
        Report = self.env["sales.coordination.followup.report"]
        self.assertEqual(
            Report.with_user(self.coordinator).search([("id", "=", activity.id)]).ids,
            activity.ids,
        )
        self.assertFalse(
            Report.with_user(self.coordinator_b).search([("id", "=", activity.id)])
        )

    # === DIALOGS BELONG TO THEIR AUTHOR ===

    def test_confirm_dialog_belongs_to_its_author(self):
        Wizard = self.env["sale.accuracy.confirm.wizard"]
        wizard = Wizard.with_user(self.salesperson).create(
            {"order_ids": [Command.set(self.own_order.ids)]}
        )
        self.assertEqual(wizard.issue_ids, self.own_issues.with_user(self.salesperson))
        with self.assertRaises(AccessError):
            wizard.with_user(self.other_salesperson).read(["issue_ids"])
        self.assertFalse(
            Wizard.with_user(self.other_salesperson).search([("id", "=", wizard.id)])
        )

    def test_confirm_dialog_refuses_unreadable_orders(self):
        Wizard = self.env["sale.accuracy.confirm.wizard"].with_user(self.salesperson)
        with self.assertRaises(AccessError):
            Wizard.create({"order_ids": [Command.set(self.other_order.ids)]})
        wizard = Wizard.create({"order_ids": [Command.set(self.own_order.ids)]})
        with self.assertRaises(AccessError):
            wizard.write({"order_ids": [Command.link(self.other_order.id)]})

    # === RULES OF EVERY COMPANY ===

    def test_shared_rules_need_every_company(self):
        shared_accuracy = self.env["sale.accuracy.rule"].search(
            [("company_id", "=", False)], limit=1
        )
        shared_followup = self.env["sales.followup.rule"].search(
            [("company_id", "=", False)], limit=1
        )
        self.assertTrue(shared_accuracy and shared_followup)
        for shared in (shared_accuracy, shared_followup):
            as_b = shared.with_user(self.manager_b)
            as_b.read(["name"])
            with self.assertRaises(AccessError):
                as_b.write({"name": "Changed by company B"})
            with self.assertRaises(AccessError):
                as_b.unlink()
            with self.assertRaises(AccessError):
                as_b.copy(
                    {"company_id": False}
                    if shared._name == "sales.followup.rule"
                    else {"company_id": False, "code": "sc_rules_shared_copy"}
                )
            self.assertNotEqual(shared.name, "Changed by company B")
        own = shared_accuracy.with_user(self.manager_b).copy(
            {"company_id": self.company_b.id, "code": "sc_rules_b_copy"}
        )
        own.write({"name": "Company B's own"})
        own.unlink()
        # a manager allowed in every company still configures the shared rules
        everywhere = new_test_user(
            self.env,
            login="sc_rules_manager_all",
            groups="base.group_user,sales_coordination.group_manager",
            company_ids=[Command.set(self.env["res.company"].search([]).ids)],
        )
        shared_accuracy.with_user(everywhere).write({"sequence": 7})
        self.assertEqual(shared_accuracy.sequence, 7)

    # === MEETINGS ===

    def test_meeting_links_only_readable_orders_of_the_organizer(self):
        Event = self.env["calendar.event"]
        start = fields.Datetime.to_datetime("2026-03-02 10:00:00")
        values = {"name": "Review", "start": start, "stop": start, "duration": 1}
        with self.assertRaises(ValidationError):
            Event.with_user(self.salesperson).create(
                dict(values, sale_order_id=self.other_order.id)
            )
        event = Event.with_user(self.salesperson).create(
            dict(values, sale_order_id=self.own_order.id)
        )
        with self.assertRaises(ValidationError):
            event.write({"sale_order_id": self.other_order.id})
        self.assertEqual(event.sale_order_id, self.own_order)
        with self.assertRaises(ValidationError):
            event.sudo().user_id = self.coordinator_b

    def test_request_about_an_unreadable_order_is_refused(self):
        Request = self.env["sales.support.request"].with_user(self.salesperson)
        with self.assertRaises(ValidationError):
            Request.create({"name": "Spy", "order_id": self.other_order.id})
        request = Request.create({"name": "Mine", "order_id": self.own_order.id})
        self.assertEqual(request.partner_id, self.customer)
        with self.assertRaises(ValidationError):
            request.write({"order_id": self.other_order.id})
        self.assertEqual(request.order_id, self.own_order)

    # === READ-ONLY ROLES ===

    def test_read_only_users_cannot_make_the_checks_write(self):
        count = self.env["sale.accuracy.issue"].search_count([])
        for method in ("action_check_accuracy", "action_confirm"):
            with self.assertRaises(AccessError):
                getattr(self.own_order.with_user(self.auditor), method)()
        self.assertEqual(self.env["sale.accuracy.issue"].search_count([]), count)
        self.assertEqual(self.own_order.state, "draft")

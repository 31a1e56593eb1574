from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SENT_AT, FollowupCase, SalesCoordinationCase

MODULE = "sales_coordination"


@tagged("post_install", "-at_install")
class TestCoordinationScope(SalesCoordinationCase):
    """A sales team out of coordination (``use_coordination`` unset) keeps its
    orders, invoices, customers and meetings out of the workspaces and the
    KPIs. On a demo database Odoo's furniture demo is such a business: none
    of its customers, orders or meetings shows to the demo users either."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.counter = cls.env["crm.team"].create(
            {"name": "Furniture Counter", "use_coordination": False}
        )
        cls.outsider = cls.env["res.partner"].create(
            {"name": "Oak & Pine Furniture", "is_company": True, "customer_rank": 1}
        )
        # Odoo's Customers list shows partners with a customer rank
        cls.customer.customer_rank = 1
        cls.inside_order = cls._create_order(team=cls.team)
        cls.outside_order = cls._create_order(partner=cls.outsider, team=cls.counter)
        (cls.inside_order | cls.outside_order).action_confirm()
        start = fields.Datetime.now() + timedelta(days=1)
        Event = cls.env["calendar.event"]
        cls.inside_meeting, cls.outside_meeting = Event.create(
            [
                {
                    "name": f"Visit {order.partner_id.name}",
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "sale_order_id": order.id,
                }
                for order in (cls.inside_order, cls.outside_order)
            ]
        )
        # Odoo's own demo (the furniture shop), when installed: its orders'
        # customers and its meetings.
        data = cls.env["ir.model.data"].search(
            [
                ("model", "in", ("sale.order", "calendar.event")),
                ("module", "!=", MODULE),
            ]
        )
        odoo_orders = cls.env["sale.order"].browse(
            data.filtered(lambda d: d.model == "sale.order").mapped("res_id")
        )
        cls.outsiders = cls.outsider | odoo_orders.partner_id.commercial_partner_id
        cls.outside_meetings = cls.outside_meeting | cls.env["calendar.event"].browse(
            data.filtered(lambda d: d.model == "calendar.event").mapped("res_id")
        )
        demo_users = [
            cls.env.ref(f"{MODULE}.res_users_{role}_demo", raise_if_not_found=False)
            for role in ("coordinator", "administrator", "manager")
        ]
        cls.users = [cls.coordinator, cls.administrator, cls.manager] + [
            user for user in demo_users if user
        ]

    def _workspace_actions(self):
        """The window actions of the app's menus, configuration left aside."""
        menus = self.env["ir.ui.menu"].search(
            [
                ("id", "child_of", self.env.ref(f"{MODULE}.menu_root").id),
                "!",
                (
                    "id",
                    "child_of",
                    self.env.ref(f"{MODULE}.menu_manager_configuration").id,
                ),
            ]
        )
        return [
            menu.action
            for menu in menus
            if menu.action and menu.action._name == "ir.actions.act_window"
        ]

    def _records(self, action, user):
        """What ``action`` lists to ``user`` (its domain, no search filter)."""
        context = action.with_user(user)._get_eval_context()
        context.update(
            context={},
            allowed_company_ids=user.company_ids.ids,
            current_company_id=user.company_id.id,
        )
        domain = safe_eval(action.domain or "[]", context)
        return self.env[action.res_model].with_user(user).search(domain).sudo()

    @staticmethod
    def _customers(records):
        if records._name == "res.partner":
            return records.commercial_partner_id
        if "commercial_partner_id" in records._fields:
            return records.commercial_partner_id
        if "partner_id" in records._fields and records._name != "calendar.event":
            return records.partner_id.commercial_partner_id
        return records.env["res.partner"]

    def test_workspaces_show_nothing_of_the_teams_out_of_coordination(self):
        actions = self._workspace_actions()
        self.assertTrue(actions)
        for user in self.users:
            for action in actions:
                if not self.env[action.res_model].with_user(user).has_access("read"):
                    continue
                with self.subTest(user=user.login, action=action.name):
                    records = self._records(action, user)
                    self.assertFalse(self._customers(records) & self.outsiders)
                    if records._name == "calendar.event":
                        self.assertFalse(records & self.outside_meetings)
        in_progress = self.env.ref(f"{MODULE}.sale_order_action_in_progress")
        orders = self._records(in_progress, self.manager)
        self.assertIn(self.inside_order, orders)
        self.assertNotIn(self.outside_order, orders)
        meetings = self._records(
            self.env.ref(f"{MODULE}.calendar_event_action_coordination"), self.manager
        )
        self.assertIn(self.inside_meeting, meetings)
        customers = self._records(
            self.env.ref(f"{MODULE}.res_partner_action_customer_coordination"),
            self.manager,
        )
        self.assertIn(self.customer, customers)
        self.assertNotIn(self.outsider, customers)

    def test_kpis_leave_out_the_teams_out_of_coordination(self):
        kpi = self.env["sales.coordination.kpi"].with_user(self.manager)
        today = fields.Date.context_today(kpi)
        period = (str(today.replace(day=1)), str(today))
        before = kpi.get_kpis(*period)
        self.counter.use_coordination = True
        after = kpi.get_kpis(*period)
        self.assertEqual(after["orders_confirmed"], before["orders_confirmed"] + 1)
        self.assertEqual(after["new_clients"], before["new_clients"] + 1)

    def test_customer_of_both_kinds_of_team_stays(self):
        Partner = self.env["res.partner"]
        self.assertIn(self.outsider, Partner.search([("sc_coordinated", "=", False)]))
        self.assertFalse(self.outsider.sc_coordinated)
        self.assertTrue(self.customer.sc_coordinated)
        self._create_order(partner=self.outsider, team=self.team)
        self.assertNotIn(
            self.outsider, Partner.search([("sc_coordinated", "=", False)])
        )
        self.assertIn(self.outsider, Partner.search([("sc_coordinated", "!=", False)]))

    def test_every_team_coordinated_leaves_out_nothing(self):
        teams = self.env["crm.team"].with_context(active_test=False).search([])
        teams.use_coordination = True
        self.assertFalse(
            self.env["res.partner"].search_count([("sc_coordinated", "=", False)])
        )
        self.assertFalse(
            self.env["calendar.event"].search_count([("sc_coordinated", "=", False)])
        )
        self.assertTrue(self.outside_meeting.sc_coordinated)

    def test_meetings_scope(self):
        self.assertFalse(self.outside_meeting.sc_coordinated)
        self.assertTrue(self.inside_meeting.sc_coordinated)
        Event = self.env["calendar.event"]
        outside = Event.search([("sc_coordinated", "=", False)])
        self.assertIn(self.outside_meeting, outside)
        self.assertNotIn(self.inside_meeting, outside)

    def test_meetings_scope_in_sql_is_the_domain(self):
        """The KPIs' SQL form of the meetings' scope selects the very
        meetings the domain selects: by order, opportunity or organizer,
        for a manager and a coordinator."""
        Event = self.env["calendar.event"]
        start = fields.Datetime.now() + timedelta(days=2)
        lead_outside, lead_inside = self.env["crm.lead"].create(
            [
                {"name": "Oak tables", "team_id": self.counter.id},
                {"name": "Pine chairs", "team_id": self.team.id},
            ]
        )
        counter_rep = new_test_user(
            self.env, login="sc_counter_rep", groups="sales_team.group_sale_salesman"
        )
        self.env["crm.team.member"].create(
            {"crm_team_id": self.counter.id, "user_id": counter_rep.id}
        )
        self.assertEqual(counter_rep.sale_team_id, self.counter)
        meetings = self.inside_meeting | self.outside_meeting
        meetings |= Event.create(
            [
                {
                    "name": name,
                    "start": start,
                    "stop": start + timedelta(hours=1),
                    "user_id": user.id,
                    **values,
                }
                for name, user, values in (
                    ("Lead out", self.coordinator, {"opportunity_id": lead_outside.id}),
                    ("Lead in", self.coordinator, {"opportunity_id": lead_inside.id}),
                    ("Organizer out", counter_rep, {}),
                    ("Organizer in", self.coordinator, {}),
                    ("Nobody", self.env["res.users"], {}),
                )
            ]
        )
        self.env.flush_all()
        for user in (self.manager, self.coordinator):
            events = Event.with_user(user)
            query = events._search([("id", "in", meetings.ids)])
            query.add_where(events._sc_coordinated_sql(query.table))
            in_sql = set(query)
            in_domain = set(
                events.search(
                    [("id", "in", meetings.ids), ("sc_coordinated", "=", True)]
                ).ids
            )
            self.assertEqual(in_sql, in_domain)
            self.assertEqual(
                set(Event.browse(in_domain).mapped("name")),
                {self.inside_meeting.name, "Lead in", "Organizer in", "Nobody"},
            )

    def test_demo_office_types_quotations_into_a_coordinated_team(self):
        """A quotation typed by a coordinator or the administrator, with no
        team given, gets a pet team on a demo database, never Odoo's "Sales"
        team (out of coordination): it shows in their own queues."""
        demo = [
            self.env.ref(f"{MODULE}.res_users_{role}_demo", raise_if_not_found=False)
            for role in ("coordinator", "coordinator2", "administrator")
        ]
        if not any(demo):
            # without demo data: the same rule for the test's own office
            self.team.member_ids |= self.coordinator
            demo = [self.coordinator]
        for user in filter(None, demo):
            with self.subTest(user=user.login):
                order = (
                    self.env["sale.order"]
                    .with_user(user)
                    .create({"partner_id": self.customer.id})
                )
                self.assertTrue(order.team_id, "no team")
                self.assertTrue(order.team_id.use_coordination, order.team_id.name)

    def test_teams_out_of_coordination_follow_every_change(self):
        """The list is cached for the registry and follows every change of a
        team: created, ticked, unticked, archived or deleted."""
        Team = self.env["crm.team"]
        self.assertIn(self.counter.id, Team._sc_uncoordinated_team_ids())
        with self.assertQueryCount(0):
            Team._sc_uncoordinated_team_ids()
        self.counter.use_coordination = True
        self.assertNotIn(self.counter.id, Team._sc_uncoordinated_team_ids())
        kiosk = Team.create({"name": "Airport Kiosk", "use_coordination": False})
        self.assertIn(kiosk.id, Team._sc_uncoordinated_team_ids())
        kiosk.action_archive()
        self.assertIn(kiosk.id, Team._sc_uncoordinated_team_ids())
        kiosk.unlink()
        self.assertNotIn(kiosk.id, Team._sc_uncoordinated_team_ids())
        self.team.use_coordination = False
        self.assertIn(self.team.id, Team._sc_uncoordinated_team_ids())

    def test_bad_comparisons_are_refused(self):
        for model in ("res.partner", "calendar.event"):
            for operator, value in (("in", [True]), ("=", 1), ("ilike", "x")):
                with (
                    self.subTest(model=model, operator=operator),
                    self.assertRaises(UserError),
                ):
                    self.env[model].search([("sc_coordinated", operator, value)])


@tagged("post_install", "-at_install")
class TestCoordinationScopeFollowups(FollowupCase):
    """The follow-up engine plans nothing on a team out of coordination,
    unless someone in coordination owns the record, as the workspaces show
    it: a rule for every team stays out of that business's quotations."""

    def test_no_followup_on_a_team_out_of_coordination(self):
        counter = self.env["crm.team"].create(
            {"name": "Furniture Counter", "use_coordination": False}
        )
        walk_in = self.env["res.partner"].create(
            {"name": "Oak & Pine Furniture", "is_company": True}
        )
        every_team = self._create_rule(
            name="Quote follow-up, every team",
            trigger="quote_no_reply",
            delay_days=3,
            activity_type_id=self.quote_type.id,
            team_ids=[Command.clear()],
        )
        inside = self._sent_quote()
        outside = self._sent_quote(team=counter, partner=walk_in)
        owned = self._sent_quote(team=counter, partner=walk_in)
        owned.coordinator_id = self.coordinator
        self.assertFalse(outside.coordinator_id or outside.administrator_id)
        self._run(SENT_AT + timedelta(days=3), every_team)
        planned = self.env["mail.activity"].search(
            [("followup_rule_id", "=", every_team.id)]
        )
        self.assertEqual(
            set(planned.mapped("res_id")) & set((inside | outside | owned).ids),
            set((inside | owned).ids),
        )

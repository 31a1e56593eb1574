import contextlib
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


class SalesCoordinationCase(TransactionCase):
    """Shared fixtures: one user per role, a team, a customer company with a
    contact and a branch, and a product sold by the case of 12."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.env.company
        # The demo company enforces order accuracy; fixtures observe only, so
        # that orders of other capabilities keep confirming.
        cls.company.accuracy_mode = "observe"
        cls.coordinator = new_test_user(
            cls.env,
            login="sc_coordinator",
            name="Cora Coordinator",
            groups="base.group_user,sales_coordination.group_coordinator",
        )
        cls.administrator = new_test_user(
            cls.env,
            login="sc_administrator",
            name="Adam Administrator",
            groups="base.group_user,sales_coordination.group_administrator",
        )
        cls.manager = new_test_user(
            cls.env,
            login="sc_manager",
            name="Mona Manager",
            groups="base.group_user,sales_coordination.group_manager",
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="sc_salesperson",
            name="Sam Salesperson",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.team_coordinator = new_test_user(
            cls.env,
            login="sc_team_coordinator",
            name="Tess Team-Coordinator",
            groups="base.group_user,sales_coordination.group_coordinator",
        )
        cls.team_administrator = new_test_user(
            cls.env,
            login="sc_team_administrator",
            name="Ted Team-Administrator",
            groups="base.group_user,sales_coordination.group_administrator",
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Pet Shops North",
                "coordinator_id": cls.team_coordinator.id,
                "administrator_id": cls.team_administrator.id,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Happy Paws Pet Shop",
                "is_company": True,
                "street": "12 Kennel Road",
                "city": "Ghent",
                "country_id": cls.env.ref("base.be").id,
                "sales_coordinator_id": cls.coordinator.id,
                "sales_administrator_id": cls.administrator.id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Anna Buyer", "parent_id": cls.customer.id, "type": "contact"}
        )
        cls.branch = cls.env["res.partner"].create(
            {
                "name": "Happy Paws Bruges",
                "parent_id": cls.customer.id,
                "type": "delivery",
                "street": "3 Canal Street",
                "city": "Bruges",
                "country_id": cls.env.ref("base.be").id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Dry Dog Food Adult 15 kg",
                "type": "consu",
                "list_price": 42.0,
                "sale_ok": True,
            }
        )

    @classmethod
    def _new_user(cls, login, groups, company=None, **values):
        """An internal user with ``groups`` (a comma-separated list of XML
        ids, besides ``base.group_user``), working for ``company`` only when
        one is given."""
        if company:
            values.update(company_id=company.id, company_ids=[Command.set(company.ids)])
        return new_test_user(
            cls.env, login=login, groups=f"base.group_user,{groups}", **values
        )

    @classmethod
    def _create_order(cls, partner=None, team=None, **values):
        vals = {
            "partner_id": (partner or cls.customer).id,
            "order_line": [
                (0, 0, {"product_id": cls.product.id, "product_uom_qty": 12})
            ],
        }
        if team is not None:
            vals["team_id"] = team.id
        vals.update(values)
        return cls.env["sale.order"].create(vals)

    @contextlib.contextmanager
    def _read_only_transaction(self):
        """Run the block in PostgreSQL's own read-only mode, as on a standby:
        any write raises. The pending writes are flushed first and after the
        block (a read that leaves writes behind fails too). A savepoint rolls
        the setting back: ``registry.cursor(readonly=True)`` is read-write
        without a replica, and a test cursor in every runner."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("SAVEPOINT sc_read_only")
        try:
            cr.execute("SET LOCAL transaction_read_only = on")
            cr.execute("SHOW transaction_read_only")
            self.assertEqual(cr.fetchone()[0], "on")
            yield
            self.env.flush_all()
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT sc_read_only")
            cr.execute("RELEASE SAVEPOINT sc_read_only")
        cr.execute("SHOW transaction_read_only")
        self.assertEqual(cr.fetchone()[0], "off")


SENT_AT = datetime(2026, 3, 2, 10, 0)  # a Monday


class FollowupCase(SalesCoordinationCase):
    """Follow-up rules limited to the fixture's team, so Odoo's demo records
    never interfere; the shipped rules are archived."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["sales.followup.rule"].search([]).active = False
        cls.Rule = cls.env["sales.followup.rule"]
        cls.quote_type = cls.env.ref(
            "sales_coordination.mail_activity_type_quote_followup"
        )
        cls.team_leader = new_test_user(
            cls.env,
            login="sc_team_leader",
            name="Lea Leader",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.fallback = new_test_user(
            cls.env,
            login="sc_fallback",
            name="Fred Fallback",
            groups="base.group_user,sales_coordination.group_coordinator",
        )
        cls.team.user_id = cls.team_leader
        cls.quote_rule = cls._create_rule(
            name="Quote follow-up",
            trigger="quote_no_reply",
            delay_days=3,
            activity_type_id=cls.quote_type.id,
        )

    @classmethod
    def _create_rule(cls, **values):
        vals = {
            "team_ids": [Command.set(cls.team.ids)],
            "deadline_days": 1,
            "escalate_after_days": 2,
        }
        vals.update(values)
        return cls.env["sales.followup.rule"].create(vals)

    @classmethod
    def _sent_quote(cls, sent_at=SENT_AT, team=None, **values):
        with freeze_time(sent_at):
            order = cls._create_order(team=team or cls.team, **values)
            order.write({"state": "sent"})
        return order

    def _followups(self, records, rule=None, active_test=True):
        Activity = self.env["mail.activity"].with_context(active_test=active_test)
        return Activity.search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("followup_rule_id", "=", (rule or self.quote_rule).id),
            ]
        )

    def _run(self, when, rules=None):
        with freeze_time(when):
            return (rules or self.Rule).with_user(self.manager).run_followups()


def demo_coordinator(env):
    """The demo coordinator (Chloé Martin, login ``coordinator``), made the
    same way when the database has no demo data, for the tours."""
    coordinator = env.ref(
        "sales_coordination.res_users_coordinator_demo", raise_if_not_found=False
    )
    if coordinator:
        return coordinator
    return env["res.users"].create(
        {
            "name": "Chloé Martin",
            "login": "coordinator",
            "password": "coordinator",
            "email": "chloe.martin@example.com",
            "groups_id": [
                Command.set(env.ref("sales_coordination.group_coordinator").ids)
            ],
        }
    )


def arch_text(view):
    """The arch of a ``get_view`` answer as text: Odoo gives a string, but
    an addon that rewrites the arch may give bytes (OCA's
    base_tier_validation does, for every model it validates)."""
    arch = view["arch"]
    return arch.decode() if isinstance(arch, bytes) else arch

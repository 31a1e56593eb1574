from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..models.sales_followup_rule_engine import LOCK_NAMESPACE
from .common import SENT_AT, FollowupCase

ENGINE_LOGGER = "odoo.addons.sales_coordination.models.sales_followup_rule_engine"
PLANNING_LOGGER = "odoo.addons.sales_coordination.models.sales_followup_rule_planning"
WHEN = SENT_AT + timedelta(days=4)


@tagged("post_install", "-at_install")
class TestFollowupResilience(FollowupCase):
    """One bad rule or record never stops the others, nor the cron; its
    error is recorded on the rule; unassignable candidates never make the cron
    loop; a run never fails because another one runs at the same time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.broken_rule = cls._create_rule(
            name="Broken rule",
            trigger="quote_no_reply",
            delay_days=3,
            activity_type_id=cls.quote_type.id,
            sequence=1,
        )

    def _break_delay(self, rule, days=10**7):
        """A delay saved before it was range-checked (as in old databases)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE sales_followup_rule SET delay_days = %s WHERE id = %s",
                days,
                rule.id,
            )
        )
        rule.invalidate_recordset(["delay_days"])

    def _cron(self, **kwargs):
        cron = self.env.ref("sales_coordination.sales_followup_rule_cron")
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": cron.id, "done": 0, "remaining": 0}
        )
        created = self.Rule.with_context(
            ir_cron_progress_id=progress.id
        )._cron_run_followups(**kwargs)
        return created, progress.done, progress.remaining

    # --- a bad rule ---

    def test_bad_rule_is_recorded_and_skipped(self):
        orders = self._sent_quote() | self._sent_quote()
        self._break_delay(self.broken_rule)
        with self.assertLogs(ENGINE_LOGGER, level="ERROR") as logs:
            created = self._run(WHEN)
        self.assertEqual(created, 2, "the good rule still ran")
        self.assertEqual(len(self._followups(orders)), 2)
        self.assertIn("Broken rule", logs.output[0])
        self.assertIn("OverflowError", self.broken_rule.last_error)
        self.assertTrue(self.broken_rule.last_run_date)
        self.assertFalse(self.quote_rule.last_error)
        self.assertEqual(
            self.quote_rule.last_run_date, fields.Datetime.to_datetime(WHEN)
        )
        # Once repaired, the next run clears the error.
        self.broken_rule.delay_days = 3
        self._run(WHEN)
        self.assertFalse(self.broken_rule.last_error)
        self.assertEqual(len(self._followups(orders, self.broken_rule)), 2)

    def test_cron_survives_bad_rules(self):
        orders = self._sent_quote() | self._sent_quote()
        self._break_delay(self.broken_rule)
        domain_rule = self._create_rule(
            name="Broken domain",
            trigger="domain",
            model_id=self.env["ir.model"]._get_id("sale.order"),
            domain="[('state', '=', 'sent')]",
            activity_type_id=self.quote_type.id,
        )
        self.env.cr.execute(
            SQL(
                "UPDATE sales_followup_rule SET domain = %s WHERE id = %s",
                "[('no_such_field', '=', 1)]",
                domain_rule.id,
            )
        )
        domain_rule.invalidate_recordset(["domain"])
        with freeze_time(WHEN), self.assertLogs(ENGINE_LOGGER, level="ERROR"):
            created, done, remaining = self._cron(batch_size=10, max_batches=5)
        self.assertEqual((created, done, remaining), (2, 2, 0))
        self.assertEqual(len(self._followups(orders)), 2)
        self.assertIn("OverflowError", self.broken_rule.last_error)
        self.assertIn("no_such_field", domain_rule.last_error)
        self.assertFalse(self.quote_rule.last_error)
        # The pass is over: tomorrow starts afresh.
        self.assertFalse(self.broken_rule.cron_pass_date)
        self.assertFalse(self.quote_rule.cron_after_id)

    def test_bad_record_is_skipped_and_recorded(self):
        orders = self._sent_quote() | self._sent_quote() | self._sent_quote()
        bad = orders[1]
        # A database trigger refusing one follow-up stands for any failure of
        # one record (a third-party constraint, a corrupt row).
        self.env.cr.execute(
            SQL(
                """
                CREATE FUNCTION sc_test_refuse_activity() RETURNS trigger AS $$
                BEGIN
                    IF NEW.res_model = 'sale.order' AND NEW.res_id = %s THEN
                        RAISE EXCEPTION 'refused by the test trigger';
                    END IF;
                    RETURN NEW;
                END $$ LANGUAGE plpgsql;
                CREATE TRIGGER sc_test_refuse_activity BEFORE INSERT ON mail_activity
                    FOR EACH ROW EXECUTE FUNCTION sc_test_refuse_activity();
                """,
                bad.id,
            )
        )
        self.broken_rule.active = False
        with mute_logger("odoo.sql_db"), self.assertLogs(ENGINE_LOGGER, "WARNING"):
            created = self._run(WHEN)
        self.assertEqual(created, 2)
        self.assertEqual(self._followups(orders).mapped("res_id"), (orders - bad).ids)
        self.assertIn("1 records skipped", self.quote_rule.last_error)
        self.assertIn(f"sale.order,{bad.id}", self.quote_rule.last_error)
        self.assertIn("refused by the test trigger", self.quote_rule.last_error)

    # --- unassignable candidates ---

    def test_unassignable_candidates_do_not_loop(self):
        nobody_team = self.env["crm.team"].create({"name": "Nobody's team"})
        self.assertFalse(nobody_team.user_id)
        lonely = self.env["res.partner"].create({"name": "Unowned Pets"})
        rule = self._create_rule(
            name="Nobody to assign",
            trigger="quote_no_reply",
            delay_days=3,
            activity_type_id=self.quote_type.id,
            team_ids=[Command.set(nobody_team.ids)],
        )
        self.quote_rule.active = self.broken_rule.active = False
        stuck = self.env["sale.order"]
        for __ in range(6):
            order = self._sent_quote(partner=lonely, team=nobody_team, user_id=False)
            order.coordinator_id = False
            stuck |= order
        assignable = self._sent_quote(team=nobody_team)
        self.assertTrue(assignable.coordinator_id)
        seen = []
        with freeze_time(WHEN), self.assertLogs(PLANNING_LOGGER, "WARNING"):
            for __ in range(10):
                created, done, remaining = self._cron(batch_size=2, max_batches=1)
                seen.append((created, done, remaining))
                if not remaining:
                    break
        self.assertEqual(
            seen, [(0, 2, 5), (0, 2, 3), (0, 2, 1), (1, 1, 0)], "one pass, no loop"
        )
        self.assertEqual(len(self._followups(assignable, rule)), 1)
        self.assertFalse(self._followups(stuck, rule))
        self.assertFalse(rule.cron_pass_date)

    def test_cron_resumes_where_it_stopped(self):
        orders = self.env["sale.order"]
        for __ in range(3):
            orders |= self._sent_quote()
        self.broken_rule.active = False
        with freeze_time(WHEN):
            self.assertEqual(self._cron(batch_size=2, max_batches=1), (2, 2, 1))
            self.assertEqual(self.quote_rule.cron_after_id, max(orders[:2].ids))
            self.assertEqual(self.quote_rule.cron_pass_date, WHEN.date())
        # A pass left over from another day is not resumed.
        with freeze_time(WHEN + timedelta(days=1)):
            self.assertEqual(
                self.quote_rule._cron_start_id(WHEN.date()), max(orders[:2].ids)
            )
            self.assertEqual(
                self.quote_rule._cron_start_id(fields.Date.context_today(self.Rule)), 0
            )
            self.assertEqual(self._cron(batch_size=2, max_batches=5), (1, 1, 0))
        self.assertEqual(len(self._followups(orders)), 3)

    # --- concurrent runs ---

    def _other_connection(self):
        """A real second transaction (not the test's cursor)."""
        cnx = db_connect(self.env.cr.dbname)
        cr = cnx.cursor()
        self.addCleanup(cr.close)
        return cr

    def test_rule_run_elsewhere_is_skipped(self):
        orders = self._sent_quote() | self._sent_quote()
        other = self._other_connection()
        other.execute(
            "SELECT pg_advisory_lock(%s, %s)", (LOCK_NAMESPACE, self.quote_rule.id)
        )
        try:
            created = self._run(WHEN)
            self.assertEqual(created, 2, "the broken rule (not locked) ran")
            self.assertFalse(self._followups(orders))
            with freeze_time(WHEN):
                self.assertEqual(self._cron(batch_size=10, max_batches=5)[2], 0)
            self.assertFalse(self._followups(orders))
        finally:
            other.execute(
                "SELECT pg_advisory_unlock(%s, %s)",
                (LOCK_NAMESPACE, self.quote_rule.id),
            )
        self.assertEqual(self._run(WHEN), 2)
        self.assertEqual(len(self._followups(orders)), 2)
        self.assertFalse(self.quote_rule.last_error)

    def test_run_that_lost_the_race_gets_no_error(self):
        """Another transaction planned the same follow-up and committed after
        this one began: its insert conflicts with a row it cannot see (a
        serialization failure under REPEATABLE READ). The rule is skipped,
        nothing is duplicated, and no error reaches the caller."""
        # A committed rule, which the other transaction can refer to.
        rule = self.env.ref("sales_coordination.sales_followup_rule_quote_no_reply")
        rule.write(
            {"active": True, "team_ids": [Command.set(self.team.ids)], "delay_days": 3}
        )
        self.quote_rule.active = self.broken_rule.active = False
        order = self._sent_quote()
        other = self._other_connection()
        # other addons' required columns get their defaults, as in the engine
        Activity = self.env["mail.activity"]
        extra = {
            fname: Activity._fields[fname].convert_to_column_insert(value, Activity, {})
            for fname, value in Activity.default_get(
                [
                    fname
                    for fname, field in Activity._fields.items()
                    if field.store and field.required and field.column_type
                ]
            ).items()
            if fname not in ("res_model_id", "res_model", "user_id", "date_deadline")
        }
        columns = SQL(", ").join(SQL.identifier(fname) for fname in extra)
        values = SQL(", ").join(SQL("%s", value) for value in extra.values())
        other.execute(
            SQL(
                """
            INSERT INTO mail_activity (
                res_model_id, res_model, res_id, activity_type_id, date_deadline,
                user_id, automated, active, followup_rule_id%s)
            VALUES (%s, 'sale.order', %s, %s, %s, %s, TRUE, TRUE, %s%s)
            RETURNING id
            """,
                SQL(", %s", columns) if extra else SQL(""),
                self.env["ir.model"]._get_id("sale.order"),
                order.id,
                rule.activity_type_id.id,
                WHEN.date(),
                self.env.ref("base.user_admin").id,
                rule.id,
                SQL(", %s", values) if extra else SQL(""),
            )
        )
        activity_id = other.fetchone()[0]
        other.commit()

        def cleanup():
            other.execute("DELETE FROM mail_activity WHERE id = %s", (activity_id,))
            other.commit()

        self.addCleanup(cleanup)
        # The committed follow-up is invisible to this transaction, which
        # started before: planning it again conflicts with it.
        self.env.cr.execute(
            "SELECT count(*) FROM mail_activity WHERE id = %s", [activity_id]
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        with mute_logger("odoo.sql_db"):
            created = self._run(WHEN)
        self.assertEqual(created, 0)
        self.assertFalse(self._followups(order, rule))
        self.assertFalse(rule.last_error)
        # The transaction goes on normally after the skipped rule.
        self.assertEqual(order.state, "sent")

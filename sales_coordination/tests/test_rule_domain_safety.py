from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_accuracy import AccuracyCase

# A domain that passes the field and operator checks but that the database
# cannot run, and one whose evaluation alone would take a minute.
UNRUNNABLE = "[('date_order', '>', 'not a date')]"
UNBOUNDED = "[('id', '=', (10 ** (3 * 10 ** 7)) % 7)]"


@tagged("post_install", "-at_install")
class TestRuleDomainSafety(AccuracyCase):
    """A rule's domain cannot hurt the company: it is refused on save when it
    cannot run or when evaluating it is unbounded, and a rule that fails at
    check time anyway is skipped, logged and shown on the rule while the
    other rules still run."""

    def _domain_rule(self, domain="[('note', '=', False)]"):
        return self.Rule.create(
            {
                "name": "Orders need a carrier note",
                "code": "carrier_note",
                "check_type": "domain",
                "domain": domain,
                "severity": "warning",
                "category": "data",
            }
        )

    def _followup_values(self, domain):
        return {
            "name": "Big quotes",
            "trigger": "domain",
            "model_id": self.env["ir.model"]._get_id("sale.order"),
            "domain": domain,
            "activity_type_id": self.env.ref(
                "sales_coordination.mail_activity_type_document_request"
            ).id,
        }

    def test_a_domain_the_database_cannot_run_is_refused_on_save(self):
        with self.assertRaises(ValidationError) as caught:
            self._domain_rule(UNRUNNABLE)
        self.assertIn("not valid for sale.order", caught.exception.args[0])
        rule = self._domain_rule()
        with self.assertRaises(ValidationError):
            rule.write({"domain": UNRUNNABLE})
        self.assertEqual(rule.domain, "[('note', '=', False)]")
        with self.assertRaises(ValidationError):
            self.env["sales.followup.rule"].create(self._followup_values(UNRUNNABLE))

    def test_unbounded_evaluation_is_refused_before_it_runs(self):
        refused = (
            UNBOUNDED,
            "[('id', '=', 2 << 10 ** 8)]",
            "[('name', '=', 'x' * 999999999)]",
            "[('id', 'in', [i for i in range(10)])]",
            "[('id', 'in', list(range(99999)))]",
            "[('name', '=', 'x'.ljust(99999))]",
            "[('id', '=', (lambda: 1)())]",
            "[('id', '=', 1)]" + " " * 20_000,
        )
        rule = self._domain_rule()
        for domain in refused:
            with self.subTest(domain=domain[:60]):
                with self.assertRaises(ValidationError):
                    self._domain_rule(domain)
                with self.assertRaises(ValidationError):
                    rule.write({"domain": domain})
                with self.assertRaises(ValidationError):
                    self.env["sales.followup.rule"].create(
                        self._followup_values(domain)
                    )

    def test_date_arithmetic_of_the_context_is_still_allowed(self):
        rule = self._domain_rule(
            "[('date_order', '>=', (context_today() - timedelta(days=30))"
            ".strftime('%Y-%m-%d')), ('user_id', '=', uid), ('note', '=', False)]"
        )
        order = self._clean_order(note=False)
        order.action_check_accuracy()
        self.assertIn(rule.code, self._open_codes(order))

    def test_a_rule_that_fails_at_check_time_is_skipped_and_shown(self):
        rule = self._domain_rule()
        # the rule was valid when saved; the text changes behind its back
        # (an upgrade, a restore, a direct edit)
        self.env.cr.execute(
            "UPDATE sale_accuracy_rule SET domain = %s WHERE id = %s",
            [UNRUNNABLE, rule.id],
        )
        rule.invalidate_recordset(["domain"])
        order = self._clean_order(client_order_ref=False, note=False)
        with mute_logger(
            "odoo.addons.sales_coordination.models.sale_accuracy_check_domain"
        ):
            order.action_check_accuracy()
        # the other rules ran
        self.assertEqual(self._open_codes(order), {"missing_client_ref"})
        self.assertIn("could not run", rule.last_error)
        self.assertIn("timestamp", rule.last_error)
        # fixed: its next run clears the error and finds the order
        rule.domain = "[('note', '=', False)]"
        order.action_check_accuracy()
        self.assertEqual(self._open_codes(order), {"missing_client_ref", rule.code})
        self.assertFalse(rule.last_error)

    def test_the_last_error_is_written_by_the_checks_only(self):
        rule = self._domain_rule().with_user(self.manager)
        with self.assertRaises(UserError):
            rule.write({"last_error": "All fine, really"})
        with self.assertRaises(UserError):
            self.Rule.with_user(self.manager).create(
                {
                    "name": "Forged",
                    "code": "forged",
                    "check_type": "domain",
                    "domain": "[]",
                    "last_error": "forged",
                    "company_id": self.manager.company_id.id,
                }
            )

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import FollowupCase


@tagged("post_install", "-at_install")
class TestRuleMixin(FollowupCase):
    """The accuracy rules and the follow-up rules share one rule model: the
    same fields, the same domain evaluation and validation, the same ranges."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_model = cls.env["ir.model"]._get("sale.order")

    def _accuracy_rule(self, domain, **values):
        return (
            self.env["sale.accuracy.rule"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Domain check",
                    "code": "mixin_domain",
                    "check_type": "domain",
                    "domain": domain,
                    **values,
                }
            )
        )

    def _followup_rule(self, domain, **values):
        return self.Rule.with_user(self.manager).create(
            {
                "name": "Domain follow-up",
                "trigger": "domain",
                "model_id": self.order_model.id,
                "domain": domain,
                "activity_type_id": self.quote_type.id,
                **values,
            }
        )

    def test_both_inherit_the_rule_model(self):
        Mixin = self.env["sales.coordination.rule.mixin"]
        shared = ("name", "active", "sequence", "company_id", "team_ids", "domain")
        for model in ("sale.accuracy.rule", "sales.followup.rule"):
            Model = self.env[model]
            # Check-type files extend sale.accuracy.rule again: the mixin
            # names its children.
            self.assertIn(model, Mixin._inherit_children)
            self.assertEqual(Model._order, "sequence, id")
            for fname in shared:
                self.assertEqual(Model._fields[fname].type, Mixin._fields[fname].type)
            self.assertEqual(Model._fields["team_ids"].comodel_name, "crm.team", model)

    def test_same_domain_means_the_same_in_both(self):
        """A domain with the shared evaluation context (context_today,
        timedelta, uid) is accepted by both, and evaluates to the same list."""
        domain = (
            "[('validity_date', '<=', context_today() + timedelta(days=3)),"
            " ('user_id', '=', uid)]"
        )
        with freeze_time("2026-03-02"):
            accuracy = self._accuracy_rule(domain)
            followup = self._followup_rule(domain)
            self.assertEqual(
                accuracy.with_user(self.manager)._get_domain(),
                followup.with_user(self.manager)._get_domain(),
            )
            domain = followup.with_user(self.manager)._get_domain()
            self.assertIn(("user_id", "=", self.manager.id), domain)
            self.assertIn(
                ("validity_date", "<=", fields.Date.to_date("2026-03-05")), domain
            )

    def test_same_validation_in_both(self):
        """The same bad domains are refused by both, with the same message."""
        for domain in (
            "[('no_such_field', '=', 1)]",
            "{'not': 'a list'}",
            "[('partner_id.password', '=', 'x')]",
            "[('name', 'like', undefined_name)]",
        ):
            messages = []
            for create in (self._accuracy_rule, self._followup_rule):
                with self.subTest(domain=domain, model=create.__name__):
                    with self.assertRaises(ValidationError) as caught:
                        create(domain)
                    messages.append(str(caught.exception))
            self.assertEqual(
                messages[0].replace("Domain check", "X"),
                messages[1].replace("Domain follow-up", "X"),
            )

    def test_same_sequence_range_in_both(self):
        for create in (self._accuracy_rule, self._followup_rule):
            for sequence in (1_000_001, -1_000_001, 2**31):
                with (
                    self.subTest(model=create.__name__, sequence=sequence),
                    self.assertRaises(ValidationError),
                ):
                    create("[]", sequence=sequence)

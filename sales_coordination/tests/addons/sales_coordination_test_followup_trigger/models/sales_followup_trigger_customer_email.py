from odoo import api, fields, models
from odoo.tools import SQL


class SalesFollowupRule(models.Model):
    """A follow-up trigger of another addon: a customer company without an
    e-mail address, created at least the rule's delay ago, gets a follow-up
    ("ask for an e-mail address"), closed automatically once it has one.

    It follows the contract of the README's architecture section and touches
    nothing else: a selection value with an ``ondelete`` policy, its entry in
    ``_followup_triggers`` (model, activity type, finder, resolver) and its
    close reason in ``_close_reasons``.
    """

    _inherit = "sales.followup.rule"

    trigger = fields.Selection(
        selection_add=[("test_customer_no_email", "Test: customer without e-mail")],
        ondelete={"test_customer_no_email": "cascade"},
    )

    def _followup_triggers(self):
        return {
            **super()._followup_triggers(),
            "test_customer_no_email": {
                "model": "res.partner",
                "activity_type": (
                    "sales_coordination_test_followup_trigger."
                    "mail_activity_type_customer_email"
                ),
                "find": self._test_find_customer_no_email,
                "resolve": self._test_resolved_customer_no_email,
            },
        }

    @api.model
    def _close_reasons(self):
        return {
            **super()._close_reasons(),
            "test_email_added": self.env._(
                "Closed automatically: the customer has an e-mail address."
            ),
        }

    def _test_find_customer_no_email(self, today):
        return SQL(
            "rec.is_company AND rec.active AND COALESCE(rec.email, '') = '' "
            "AND rec.create_date < %s",
            self._day_after(today),
        )

    def _test_resolved_customer_no_email(self, today):
        return SQL(
            "CASE WHEN COALESCE(rec.email, '') != '' THEN 'test_email_added' END"
        )

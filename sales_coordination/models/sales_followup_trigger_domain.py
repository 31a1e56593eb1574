# One file per trigger family (see sales_followup_rule.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL


class SalesFollowupRule(models.Model):
    """The domain trigger: the records of the rule's model (``model_id``)
    that match its domain get a follow-up, closed once they no longer
    match."""

    _inherit = "sales.followup.rule"

    trigger = fields.Selection(
        selection_add=[("domain", "Records matching a domain")],
        ondelete={"domain": "cascade"},
    )

    # === BUSINESS METHODS: THE TRIGGERS' CONTRACT ===

    def _followup_triggers(self):
        return {
            **super()._followup_triggers(),
            "domain": {
                # the rule's own model (managers cannot read ir.model)
                "model": self.sudo().model_id.model,
                "activity_type": None,
                "find": self._followup_find_domain,
                "resolve": self._followup_resolved_domain,
            },
        }

    @api.model
    def _close_reasons(self):
        return {
            **super()._close_reasons(),
            "no_match": self.env._(
                "Closed automatically: the record no longer matches the rule."
            ),
        }

    @api.model
    def _close_rules_domain(self, model):
        return expression.OR(
            [
                super()._close_rules_domain(model),
                [("trigger", "=", "domain"), ("model_id.model", "=", model)],
            ]
        )

    # === BUSINESS METHODS: RULE MIXIN ===

    def _rule_uses_domain(self):
        self.ensure_one()
        return self.trigger == "domain" or super()._rule_uses_domain()

    def _rule_domain_model(self):
        """The model of a domain rule: one that holds activities. (Its
        technical name is read as superuser: managers cannot read ir.model.)"""
        self.ensure_one()
        model_name = self.sudo().model_id.model
        if not model_name:
            raise ValidationError(
                self.env._("Rule %(rule)s needs a model to follow up.", rule=self.name)
            )
        Model = self.env[model_name]
        if "activity_ids" not in Model._fields or not hasattr(
            Model, "message_subscribe"
        ):
            raise ValidationError(
                self.env._("Model %(model)s cannot hold activities.", model=model_name)
            )
        return model_name

    # === BUSINESS METHODS: FINDER AND RESOLVER ===

    def _followup_find_domain(self, today):
        Model = self.env[self.model_id.model].sudo().with_context(active_test=True)
        query = Model._search(self._get_domain())
        return SQL("rec.id IN (%s)", query.subselect())

    def _followup_resolved_domain(self, today):
        Model = (
            self.env[self._rule_domain_model()].sudo().with_context(active_test=True)
        )
        query = Model._search(self._get_domain())
        return SQL(
            "CASE WHEN rec.id NOT IN (%s) THEN 'no_match' END", query.subselect()
        )

# One file per check type (the architecture): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
import logging

import psycopg2

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)


class SaleAccuracyRule(models.Model):
    """Domain check: an order fails the rule when it matches a domain."""

    _inherit = "sale.accuracy.rule"

    check_type = fields.Selection(
        selection_add=[
            ("domain", "Domain"),
        ],
        ondelete={"domain": "cascade"},
    )
    last_error = fields.Text(
        string="Last Error",
        readonly=True,
        copy=False,
        help="Why the rule could not run at its last check, if it failed: the "
        "rule was skipped and the other rules ran. Cleared by its next "
        "successful run.",
    )

    # === CRUD METHODS ===

    def _rule_check_vals(self, vals_list):
        """``last_error`` is written by the checks only."""
        if not self.env.su and any("last_error" in vals for vals in vals_list):
            raise UserError(
                self.env._("The last error of a rule is set by its checks only.")
            )
        return super()._rule_check_vals(vals_list)

    # === BUSINESS METHODS ===

    def _accuracy_check_domain(self, data, order_ids, lines):
        # Validated with the rights of whoever wrote the rule; evaluated the
        # same way for whoever confirms. A rule that cannot run (its domain
        # was valid when saved, the data or the schema changed since) is
        # skipped, logged and its error shown on the rule: the other rules
        # still run.
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                domain = self.sudo()._get_domain()
                matching = (
                    self.env["sale.order"]
                    .sudo()
                    .search(expression.AND([[("id", "in", order_ids)], domain]))
                )
        except Exception as error:  # noqa: BLE001 - skipped, logged, shown
            self._accuracy_domain_failed(error)
            return []
        if self.last_error:
            self._accuracy_domain_set_error(False)
        # the names from the checks' data: no read of the matching orders
        return [
            (
                order_id,
                False,
                self.env._(
                    "%(order)s matches the rule %(rule)s. Correct the order or "
                    "ask a Coordination Manager.",
                    order=data.orders[order_id]["name"],
                    rule=self.name,
                ),
            )
            for order_id in matching.ids
        ]

    def _accuracy_domain_failed(self, error):
        """Log the failure of the rule's domain and show it on the rule."""
        _logger.warning(
            "Accuracy rule %s (%s) could not run and was skipped: %s",
            self.id,
            self.name,
            error,
        )
        if isinstance(error, UserError | ValidationError) and error.args:
            message = error.args[0]
        else:
            diag = getattr(error, "diag", None)
            message = self.env._(
                "The rule's domain could not run: %(error)s",
                error=getattr(diag, "message_primary", None)
                or (str(error).splitlines() or [type(error).__name__])[0],
            )
        self._accuracy_domain_set_error(message)

    def _accuracy_domain_set_error(self, message):
        """Show ``message`` (or nothing) as the rule's last error; in a
        read-only transaction (a simulation), the log is all there is."""
        if self.last_error == message:
            return
        try:
            with self.env.cr.savepoint():
                rule = self.sudo()
                rule.write({"last_error": message})
                rule.flush_recordset(["last_error"])
        except psycopg2.Error:
            self.invalidate_recordset(["last_error"], flush=False)

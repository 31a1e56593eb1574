# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models
from odoo.tools import SQL


class SaleAccuracyRule(models.Model):
    """What a check reads of the rules, and which lines the automatic check
    of a save checks again: the checks that keep the findings of the lines a
    save did not touch (the price and the stock checks) split their lines
    here."""

    _inherit = "sale.accuracy.rule"

    @api.model
    def _accuracy_run_fields(self):
        """The fields of the rules a check reads (fetched with the search of
        the rules): their selection, their findings and their checks'
        settings. Extend it for a check type that reads another one."""
        return [
            "company_id", "team_ids", "check_type", "code", "severity",
            "category", "threshold", "domain",
        ]  # fmt: skip

    def _accuracy_lines_in_scope(self, data, lines, scope, key, always=None):
        """``(lines to check, kept findings)`` of this rule's check.

        :param scope: the automatic check's ``{order id: values of
            line[key] to check again, or None for all lines}``; None (a full
            check): every line, no kept finding
        :param key: the key of a line row the scope lists (``id``,
            ``product_id``)
        :param always: a predicate on a line row: lines checked anyway
        :return: the lines of ``lines`` in the scope, those of orders never
            checked and those ``always`` selects; and the findings this rule
            holds on the other lines (open or overridden issues)
        """
        if scope is None:
            return lines, []
        to_check, untouched = [], []
        for line in lines:
            order = data.orders[line["order_id"]]
            values = scope.get(line["order_id"], ())
            if (
                values is None
                or line[key] in values
                or (always is not None and always(line))
                or order["accuracy_state"] == "unchecked"
                or not order["accuracy_checked_date"]
            ):
                to_check.append(line)
            else:
                untouched.append(line["id"])
        return to_check, self._accuracy_kept_findings(data, untouched)

    def _accuracy_kept_findings(self, data, line_ids):
        """The findings ``(order id, line id, message)`` this rule holds on
        the lines ``line_ids`` (open or overridden issues): from the issues
        the caller read (``data.held_issues``), else in one query."""
        if not line_ids:
            return []
        if data.held_issues is not None:
            line_ids = set(line_ids)
            return [
                (order_id, line_id, message)
                for _id, order_id, line_id, rule_id, _state, message in data.held_issues
                if rule_id == self.id and line_id in line_ids
            ]
        self.env["sale.accuracy.issue"].flush_model()
        kept = self.env.execute_query(
            SQL(
                "SELECT order_id, line_id, message FROM sale_accuracy_issue "
                "WHERE rule_id = %s AND line_id = ANY(%s) "
                "AND state IN ('open', 'overridden')",
                self.id,
                line_ids,
            )
        )
        return [tuple(row) for row in kept]

# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from .sale_order_accuracy import ACCURACY_PRECOMMIT_KEY

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    """Accuracy findings: the check of a set of orders, its findings written
    as issues and order states, and kept when a blocked confirmation rolls
    back."""

    _inherit = "sale.order"

    def _accuracy_run_orders(self):
        """``_accuracy_run`` on orders known to exist and not to be
        cancelled, in the order of their ids (the pre-commit hook has just
        searched them: no second search)."""
        orders = self.sudo()
        pending = self.env.cr.precommit.data.get(ACCURACY_PRECOMMIT_KEY)
        if pending:
            pending.difference_update(orders.ids)
        if not orders:
            return
        now = fields.Datetime.now()
        rules = (
            self.env["sale.accuracy.rule"]
            .sudo()
            .search([("company_id", "in", orders.company_id.ids + [False])])
        )
        data = rules._accuracy_data(orders)
        findings = rules._run_checks(data)
        rule_info = {
            rule.id: (rule.code, rule.severity, rule.category) for rule in rules
        }
        Issue = self.env["sale.accuracy.issue"].sudo()
        Issue.flush_model()
        existing = self.env.execute_query(
            SQL(
                "SELECT id, order_id, COALESCE(line_id, 0), rule_id, state, message "
                "FROM sale_accuracy_issue "
                "WHERE order_id = ANY(%s) AND state IN ('open', 'overridden')",
                list(data.orders),
            )
        )
        open_by_key = {}
        overridden_keys = set()
        for issue_id, order_id, line_id, rule_id, state, message in existing:
            if state == "open":
                open_by_key[(order_id, line_id, rule_id)] = (issue_id, message)
            else:
                overridden_keys.add((order_id, line_id, rule_id))
        found_keys = set()
        to_create = []
        to_update = []  # (issue id, new message)
        found_orders = set()
        data_orders = set()  # for the data-entry accuracy KPI
        blocking_orders, warning_orders, overridden_orders = set(), set(), set()
        for rule, order_id, line_id, message in findings:
            key = (order_id, line_id or 0, rule.id)
            if key in found_keys:
                continue
            found_keys.add(key)
            found_orders.add(order_id)
            code, severity, category = rule_info[rule.id]
            if category == "data":
                data_orders.add(order_id)
            order = data.orders[order_id]
            if key in overridden_keys and order["accuracy_state"] == "overridden":
                overridden_orders.add(order_id)
                continue
            (blocking_orders if severity == "blocking" else warning_orders).add(
                order_id
            )
            if key in open_by_key:
                issue_id, old_message = open_by_key[key]
                if old_message != message:
                    to_update.append((issue_id, message))
                continue
            to_create.append(
                (
                    order_id,
                    line_id or None,
                    rule.id,
                    code,
                    order["company_id"],
                    order["partner_id"],
                    severity,
                    category,
                    message,
                )
            )
        resolved = [
            issue_id
            for key, (issue_id, _message) in open_by_key.items()
            if key not in found_keys
        ]
        self._accuracy_write_issues(to_create, to_update, resolved, now)
        self._accuracy_write_states(
            data,
            {
                "blocked": blocking_orders,
                "overridden": overridden_orders,
                "warning": warning_orders,
            },
            found_orders,
            data_orders,
            now,
        )

    def _accuracy_write_states(self, data, by_state, found_orders, data_orders, now):
        """Set the accuracy state of the checked orders, grouped by value.

        :param by_state: order ids per state, the most severe state winning:
            ``blocked``, then ``overridden``, then ``warning``; the others
            passed
        :param found_orders: ids of the orders with any finding
        :param data_orders: ids of the orders with a finding of the data
            category
        """
        orders = self.env["sale.order"].sudo()
        groups = defaultdict(list)
        for order_id, order in data.orders.items():
            state = next(
                (state for state, ids in by_state.items() if order_id in ids),
                "passed",
            )
            first = data_right = None
            # the first check that counts is the first one of an order with
            # product lines: an empty quotation is not right the first time
            if not order["accuracy_first_checked_date"] and data.lines_by_order.get(
                order_id
            ):
                first = order_id not in found_orders
                data_right = order_id not in data_orders
            groups[(state, first, data_right)].append(order_id)
        for (state, first, data_right), ids in groups.items():
            vals = {"accuracy_state": state, "accuracy_checked_date": now}
            if first is not None:
                vals["first_time_right"] = first
                # The data-entry accuracy KPI counts orders by their first check.
                vals["accuracy_first_checked_date"] = now
                vals["data_entry_right"] = data_right
            orders.browse(ids).write(vals)

    def _accuracy_write_issues(self, to_create, to_update, to_resolve, now):
        """Insert, update and resolve accuracy issues in three statements.

        :param to_create: tuples (order, line or None, rule, rule code, company,
            partner, severity, category, message)
        :param to_update: tuples (issue id, new message)
        :param to_resolve: ids of the open issues that no longer apply
        """
        uid = self.env.uid
        if to_create:
            columns = list(zip(*to_create, strict=True))
            self.env.execute_query(
                SQL(
                    """
                INSERT INTO sale_accuracy_issue (
                    order_id, line_id, rule_id, rule_code, company_id,
                    partner_id, severity, category, message, state, date_found,
                    create_uid, create_date, write_uid, write_date)
                SELECT t.*, 'open', %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(orders)s::int4[], %(lines)s::int4[],
                              %(rules)s::int4[], %(codes)s::varchar[],
                              %(companies)s::int4[], %(partners)s::int4[],
                              %(severities)s::varchar[], %(categories)s::varchar[],
                              %(messages)s::text[]) AS t
                    """,
                    now=now,
                    uid=uid,
                    orders=list(columns[0]),
                    lines=list(columns[1]),
                    rules=list(columns[2]),
                    codes=list(columns[3]),
                    companies=list(columns[4]),
                    partners=list(columns[5]),
                    severities=list(columns[6]),
                    categories=list(columns[7]),
                    messages=list(columns[8]),
                )
            )
        if to_update:
            ids, messages = zip(*to_update, strict=True)
            self.env.execute_query(
                SQL(
                    """
                UPDATE sale_accuracy_issue i
                   SET message = t.message, write_uid = %s, write_date = %s
                  FROM unnest(%s::int4[], %s::text[]) AS t(id, message)
                 WHERE i.id = t.id
                    """,
                    uid,
                    now,
                    list(ids),
                    list(messages),
                )
            )
        if to_resolve:
            self.env.execute_query(
                SQL(
                    "UPDATE sale_accuracy_issue SET state = 'resolved', "
                    "date_resolved = %s, write_uid = %s, write_date = %s "
                    "WHERE id = ANY(%s)",
                    now,
                    uid,
                    now,
                    to_resolve,
                )
            )
        if to_create or to_update or to_resolve:
            # what reads the issues: the issues themselves, the orders' issue
            # lists and the line markers
            self.env["sale.accuracy.issue"].invalidate_model()
            self.env["sale.order"].invalidate_model(
                ["accuracy_issue_ids", "accuracy_open_issue_ids"]
            )
            self.env["sale.order.line"].invalidate_model(
                ["accuracy_issue_level", "accuracy_issue_message"]
            )

    def _accuracy_keep_findings_after_rollback(self):
        """Record the findings again once the current transaction is rolled
        back (a blocked confirmation over RPC raises a UserError).

        The hook runs after the rollback, when this transaction's locks are
        gone. It uses a new cursor, only touches orders that exist in the
        database (committed), skips the ones another transaction has locked
        (that transaction checks them itself) and gives up after a short lock
        timeout instead of hanging the worker. It never raises: the user's
        error is the UserError.
        """
        new_ids = {i for i in self.ids if isinstance(i, int)}
        if not new_ids:
            return
        # One hook per transaction, however many blocked attempts it makes.
        pending = self.env.cr.postrollback.data.setdefault(
            "sales_coordination.accuracy_order_ids", set()
        )
        first = not pending
        pending.update(new_ids)
        if not first:
            return
        registry = self.env.registry
        uid = self.env.uid
        context = dict(self.env.context)

        def record_findings():
            ids = tuple(sorted(pending))
            try:
                with registry.cursor() as cr:
                    if not registry.in_test_mode():
                        cr.execute("SET LOCAL lock_timeout = '2s'")
                        cr.execute("SET LOCAL statement_timeout = '30s'")
                    cr.execute(
                        "SELECT id FROM sale_order WHERE id IN %s "
                        "AND state IN ('draft', 'sent') "
                        "FOR NO KEY UPDATE SKIP LOCKED",
                        [ids],
                    )
                    locked = [row[0] for row in cr.fetchall()]
                    if locked:
                        env = api.Environment(cr, uid, context)
                        env["sale.order"].browse(locked)._accuracy_run()
            except Exception:
                _logger.warning(
                    "Could not record the accuracy findings of orders %s after "
                    "a blocked confirmation",
                    ids,
                    exc_info=True,
                )

        self.env.cr.postrollback.add(record_findings)

# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
import logging

from odoo import api, fields, models
from odoo.tools import SQL

from .sale_accuracy_data import pg_array
from .sale_order_accuracy import ACCURACY_PRECOMMIT_KEY

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    """Accuracy findings: the check of a set of orders, its findings written
    as issues and order states, and kept when a blocked confirmation rolls
    back."""

    _inherit = "sale.order"

    def _accuracy_run_orders(self, scopes=None):
        """``_accuracy_run`` on orders known to exist and not to be
        cancelled, in the order of their ids (the pre-commit hook has just
        searched them: no second search).

        :param scopes: the automatic check's ``{"price": {order id: ids of
            the lines whose price inputs changed, or None for all},
            "stock": {order id: ids of the products whose stock inputs
            changed, or None for all}}``: the price check computes the
            expected price of those lines only, the stock check forecasts
            those products only, and both keep the findings of the others;
            None (a full check): every line
        """
        orders = self.sudo()
        pending = self.env.cr.precommit.data.get(ACCURACY_PRECOMMIT_KEY)
        if pending:
            pending.difference_update(orders.ids)
        if not orders:
            return
        now = fields.Datetime.now()
        Rule = self.env["sale.accuracy.rule"].sudo()
        # the orders' values first: their companies select the rules (read
        # from the rows, not from the records, which would load every column
        # of every order)
        data = Rule._accuracy_data(orders)
        if scopes is not None:
            data.price_scope = scopes.get("price")
            data.stock_scope = scopes.get("stock")
        company_ids = {order["company_id"] for order in data.orders.values()}
        # with the fields the run reads, in the same query (and one for
        # the teams), not every column of the rules
        rules = Rule.search_fetch(
            [("company_id", "in", [*company_ids, False])], Rule._accuracy_run_fields()
        )
        Issue = self.env["sale.accuracy.issue"].sudo()
        Issue.flush_model()
        existing = self.env.execute_query(
            SQL(
                "SELECT id, order_id, COALESCE(line_id, 0), rule_id, state, message "
                "FROM sale_accuracy_issue "
                "WHERE order_id = ANY(%s::int4[]) AND state IN ('open', 'overridden')",
                pg_array(data.orders),
            )
        )
        # the checks that keep findings read them here (the price check of
        # a save): no second query
        data.held_issues = existing
        findings = rules._run_checks(data)
        rule_info = {
            rule.id: (rule.code, rule.severity, rule.category) for rule in rules
        }
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
        changed_orders = set()  # orders whose issues this check changes
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
                    changed_orders.add(order_id)
                continue
            changed_orders.add(order_id)
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
        resolved = []
        for key, (issue_id, _message) in open_by_key.items():
            if key not in found_keys:
                resolved.append(issue_id)
                changed_orders.add(key[0])
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
            changed_orders,
        )

    def _accuracy_write_states(
        self, data, by_state, found_orders, data_orders, now, changed_orders=None
    ):
        """Set the accuracy state of the checked orders, grouped by value.

        Only the orders whose result changed are written: a new state, a
        first check, or issues opened, updated or resolved by this check
        (``changed_orders``); their check date is set to ``now``. A check
        that finds what the last one found writes nothing.

        :param by_state: order ids per state, the most severe state winning:
            ``blocked``, then ``overridden``, then ``warning``; the others
            passed
        :param found_orders: ids of the orders with any finding
        :param data_orders: ids of the orders with a finding of the data
            category
        :param changed_orders: ids of the orders whose issues this check
            changed (None: every order is written)
        """
        rows = []  # (order, state, first check?, first time right, data right)
        for order_id, order in data.orders.items():
            state = next(
                (state for state, ids in by_state.items() if order_id in ids),
                "passed",
            )
            # the first check that counts is the first one of an order with
            # product lines: an empty quotation is not right the first time
            if not order["accuracy_first_checked_date"] and data.lines_by_order.get(
                order_id
            ):
                rows.append(
                    (
                        order_id,
                        state,
                        True,
                        order_id not in found_orders,
                        order_id not in data_orders,
                    )
                )
            elif (
                changed_orders is None
                or state != order["accuracy_state"]
                or not order["accuracy_checked_date"]
                or order_id in changed_orders
            ):
                rows.append((order_id, state, False, None, None))
            # else the same result as the last check: nothing to write
        if rows:
            self._accuracy_write_state_rows(rows, now)

    def _accuracy_write_state_rows(self, rows, now):
        """Write the accuracy states of orders in one statement.

        The checks' own fields only (nothing depends on them), set by the
        checks only: one ``UPDATE`` rather than the ORM's batches of 100
        orders, the record caches invalidated afterwards.

        :param rows: tuples (order id, state, whether this is the order's
            first check, first time right, data entered right); the last two
            are written at the first check only, with the first check date
        """
        fnames = [
            "accuracy_state",
            "accuracy_checked_date",
            "first_time_right",
            "accuracy_first_checked_date",
            "data_entry_right",
        ]
        orders = self.env["sale.order"].sudo().browse([row[0] for row in rows])
        orders.flush_recordset(fnames)
        orders.modified(fnames)
        # an old confirmed order checked for the first time changes its day
        if orders._sc_kpi_day_may_note(frozenset(fnames)):
            orders._sc_kpi_day_note()
        columns = list(zip(*rows, strict=True))
        self.env.execute_query(
            SQL(
                """
            UPDATE sale_order o
               SET accuracy_state = t.state,
                   accuracy_checked_date = %(now)s,
                   first_time_right = CASE WHEN t.is_first THEN t.time_right
                                      ELSE o.first_time_right END,
                   accuracy_first_checked_date = CASE WHEN t.is_first THEN %(now)s
                                      ELSE o.accuracy_first_checked_date END,
                   data_entry_right = CASE WHEN t.is_first THEN t.data_right
                                      ELSE o.data_entry_right END,
                   write_uid = %(uid)s,
                   write_date = %(now)s
              FROM unnest(%(ids)s::int4[], %(states)s::varchar[], %(firsts)s::bool[],
                          %(rights)s::bool[], %(data_rights)s::bool[])
                   AS t(id, state, is_first, time_right, data_right)
             WHERE o.id = t.id
                """,
                now=now,
                uid=self.env.uid,
                ids=pg_array(columns[0]),
                states=pg_array(columns[1]),
                firsts=pg_array(columns[2]),
                rights=pg_array(columns[3]),
                data_rights=pg_array(columns[4]),
            )
        )
        orders.invalidate_recordset([*fnames, "write_uid", "write_date"], flush=False)

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
                    orders=pg_array(columns[0]),
                    lines=pg_array(columns[1]),
                    rules=pg_array(columns[2]),
                    codes=pg_array(columns[3]),
                    companies=pg_array(columns[4]),
                    partners=pg_array(columns[5]),
                    severities=pg_array(columns[6]),
                    categories=pg_array(columns[7]),
                    messages=pg_array(columns[8]),
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
                    pg_array(ids),
                    pg_array(messages),
                )
            )
        if to_resolve:
            self.env.execute_query(
                SQL(
                    "UPDATE sale_accuracy_issue SET state = 'resolved', "
                    "date_resolved = %s, write_uid = %s, write_date = %s "
                    "WHERE id = ANY(%s::int4[])",
                    now,
                    uid,
                    now,
                    pg_array(to_resolve),
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

# The rule split by capability (see sales_followup_rule.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
import logging
from datetime import datetime, time, timedelta

from psycopg2 import OperationalError
from psycopg2.errors import UniqueViolation

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL
from odoo.tools.query import Query

_logger = logging.getLogger(__name__)

# cron_after_id of a rule whose candidates are all done in the current pass.
PASS_DONE = -1
# The index that keeps one open follow-up per (rule, record): a run that
# conflicts with it lost the race to a concurrent run.
OPEN_FOLLOWUP_INDEX = "mail_activity_followup_rule_open_uniq"
# First key of the rules' advisory locks (the second is the rule id).
LOCK_NAMESPACE = 0x5C_F011


class SalesFollowupRule(models.Model):
    """The batch engine of the follow-up rules: the candidates of a rule,
    found by its trigger's finder, walked batch after batch under the rule's
    advisory lock, each batch in a savepoint, with the cron's progress kept on
    the rule."""

    _inherit = "sales.followup.rule"

    # === BUSINESS METHODS: ENGINE ===

    def _run_batches(self, today, batch_size=None, max_batches=None, commit=False):
        """Walk the candidates of every rule in ``self`` by increasing id and
        plan their follow-ups, one batch at a time. With ``max_batches`` (the
        cron), progress is reported after every batch, kept on the rules and
        committed when ``commit`` is set.

        Each batch runs in a savepoint under the rule's advisory lock (see
        :meth:`_run_guarded`): a rule that fails, or that another run holds,
        is skipped; the other rules run.

        :return: (activities created, candidates processed, candidates left)
        """
        created = done = batches = 0
        cron = bool(max_batches)
        starts = {rule.id: rule._cron_start_id(today) if cron else 0 for rule in self}
        counts = {rule.id: 0 for rule in self}
        if cron:
            for rule in self.filtered(lambda r: starts[r.id] != PASS_DONE):
                status, count = rule._run_guarded(
                    rule._count_candidates, today, after_id=starts[rule.id]
                )
                if status == "done":
                    counts[rule.id] = count
                else:
                    starts[rule.id] = PASS_DONE
                    rule._set_cron_progress(PASS_DONE, today)
        total = sum(counts.values())
        for index, rule in enumerate(self):
            after_id = starts[rule.id]
            while after_id != PASS_DONE:
                status, result = rule._run_guarded(
                    rule._run_batch, today, batch_size, after_id, cron
                )
                if status != "done":
                    if cron:
                        rule._set_cron_progress(PASS_DONE, today)
                    break  # skipped: failed (recorded) or run elsewhere
                count, planned, after_id = result
                if count:
                    created += planned
                    done += count
                    batches += 1
                    if cron:
                        # An estimate between batches.
                        self.env["ir.cron"]._notify_progress(
                            done=done, remaining=max(total - done, 0)
                        )
                    if commit:
                        self.env.cr.commit()  # pylint: disable=invalid-commit
                if after_id == PASS_DONE:
                    break  # this rule is done
                if cron and batches >= max_batches:
                    # Stopped early: the next call picks up from here.
                    return created, done, max(total - done, 1)
            later = sum(counts[rule.id] for rule in self[index + 1 :])
            if cron and batches >= max_batches and later:
                return created, done, later
        return created, done, 0

    def _run_batch(self, today, batch_size, after_id, cron):
        """Plan the follow-ups of the next batch of candidates after
        ``after_id``; the run's bookkeeping on the rule is written in the same
        transaction.

        :return: (candidates, activities created, the id to go on after, or
            PASS_DONE when the rule has no candidates left)
        """
        self.ensure_one()
        if not after_id:
            self._record_run(error=None, finished=False)
        records = self._find_candidates(today, limit=batch_size, after_id=after_id)
        planned = self._plan_records(records, today) if records else 0
        last = not batch_size or len(records) < batch_size
        next_id = PASS_DONE if last else max(records.ids)
        if cron:
            self._set_cron_progress(next_id, today)
        if last:
            self._record_run(finished=True)
        return len(records), planned, next_id

    def _plan_records(self, records, today):
        """Plan a batch; when it fails, plan its records one at a time so
        that one bad record skips only itself (logged and recorded)."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                return self._plan_followups(records, today)
        except OperationalError as error:
            if error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            self.env.invalidate_all(flush=False)
        except UniqueViolation as error:
            if error.diag.constraint_name == OPEN_FOLLOWUP_INDEX:
                raise
            self.env.invalidate_all(flush=False)
        except Exception:  # noqa: BLE001 - retried record by record below
            self.env.invalidate_all(flush=False)
        planned = 0
        failed = {}
        for record in records:
            try:
                with self.env.cr.savepoint():
                    planned += self._plan_followups(record, today)
            except OperationalError as error:
                if error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                    raise
                self.env.invalidate_all(flush=False)
                failed[record] = error
            except UniqueViolation as error:
                if error.diag.constraint_name == OPEN_FOLLOWUP_INDEX:
                    raise
                self.env.invalidate_all(flush=False)
                failed[record] = error
            except Exception as error:  # noqa: BLE001 - recorded on the rule
                self.env.invalidate_all(flush=False)
                failed[record] = error
        if failed:
            _logger.warning(
                "Follow-up rule %s: %s records skipped: %s",
                self.id,
                len(failed),
                ", ".join(f"{r._name},{r.id}: {e!r}" for r, e in failed.items()),
            )
            record, error = next(iter(failed.items()))
            example = f"{record._name},{record.id}"
            self._record_run(
                error=self.env._(
                    "%(count)s records skipped, e.g. %(record)s: %(error)s",
                    count=len(failed),
                    record=example,
                    error=error,
                ),
                finished=False,
            )
        return planned

    def _run_guarded_batches(self, step, batch_size=None, commit=False):
        """Walk ``step(rule, after_id)`` for each rule in ``self`` with the
        batch walker (``sales.coordination.batch._sc_walk_batches``): batch
        after batch by increasing id, each batch guarded
        (:meth:`_run_guarded`: a rule that fails or that another run holds
        stops there) and committed when ``commit`` is set.

        :param step: ``step(rule, after_id)`` does the next batch of at most
            ``batch_size`` rows of the rule above ``after_id`` and returns
            ``(count, highest id done)``, or None when it found nothing
        :return: the number of rows done
        """
        Batch = self.env["sales.coordination.batch"]
        total = 0
        for rule in self:

            def guarded(after_id, rule=rule):
                status, result = rule._run_guarded(step, rule, after_id)
                return result if status == "done" else None

            total += Batch._sc_walk_batches(guarded, batch_size, commit=commit)
        return total

    def _run_guarded(self, step, *args, **kwargs):
        """Run ``step(*args, **kwargs)`` for this rule in a savepoint, under a
        transaction-level advisory lock on the rule.

        - When another transaction holds the rule (a concurrent run), or a
          concurrent run wrote the same rows first (serialization failure,
          lock timeout, deadlock), the step is rolled back and skipped: that
          other run plans the follow-ups, and no error reaches the user.
        - Any other error is rolled back, logged and recorded on the rule
          (``last_error``, ``last_run_date``).

        :return: ``(status, result)``, status "done", "busy" or "failed"
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                if not self._try_lock():
                    _logger.info(
                        "Follow-up rule %s is being run by another transaction: "
                        "skipped",
                        self.id,
                    )
                    return "busy", None
                return "done", step(*args, **kwargs)
        except OperationalError as error:
            self.env.invalidate_all(flush=False)
            if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                return self._record_failure(error)
            _logger.info(
                "Follow-up rule %s: a concurrent run came first (%s): skipped",
                self.id,
                error.pgcode,
            )
            return "busy", None
        except UniqueViolation as error:
            self.env.invalidate_all(flush=False)
            if error.diag.constraint_name != OPEN_FOLLOWUP_INDEX:
                return self._record_failure(error)
            _logger.info(
                "Follow-up rule %s: a concurrent run planned the same "
                "follow-ups first: skipped",
                self.id,
            )
            return "busy", None
        except Exception as error:  # noqa: BLE001 - recorded on the rule
            self.env.invalidate_all(flush=False)
            return self._record_failure(error)

    def _record_failure(self, error):
        """Log the error of a failed step and record it on the rule."""
        _logger.exception(
            "Follow-up rule %s (%s) failed and was skipped", self.id, self.name
        )
        message = (
            error.args[0]
            if isinstance(error, UserError | ValidationError) and error.args
            else f"{type(error).__name__}: {error}"
        )
        try:
            with self.env.cr.savepoint():
                self._record_run(error=message, finished=True)
        except OperationalError:
            # A concurrent run is writing the rule: its own outcome wins.
            self.env.invalidate_all(flush=False)
        return "failed", None

    def _try_lock(self):
        """Take the rule's transaction-level advisory lock, without waiting."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                LOCK_NAMESPACE,
                self.id,
            )
        )
        return self.env.cr.fetchone()[0]

    def _record_run(self, error=None, finished=True):
        """Write the run's outcome on the rules, in SQL (users cannot write
        these fields, and the rule's own constraints are not concerned):
        ``finished`` sets the last run date; ``error`` the last error (None
        clears it, unless the run finishes)."""
        if not self:
            return
        assignments = []
        if finished:
            assignments.append(SQL("last_run_date = %s", fields.Datetime.now()))
        if error is not None:
            assignments.append(SQL("last_error = %s", str(error)[:10000]))
        elif not finished:
            assignments.append(SQL("last_error = NULL"))
        self.env.cr.execute(
            SQL(
                "UPDATE sales_followup_rule SET %s WHERE id IN %s",
                SQL(", ").join(assignments),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["last_run_date", "last_error"])

    def _cron_start_id(self, today):
        """Where the cron's pass of today stands for this rule: 0 to start,
        an id to go on after, or PASS_DONE."""
        self.ensure_one()
        if self.cron_pass_date == today:
            return self.cron_after_id
        return 0

    def _set_cron_progress(self, after_id, today):
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE sales_followup_rule SET cron_after_id = %s, "
                "cron_pass_date = %s WHERE id IN %s",
                after_id,
                today or None,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["cron_after_id", "cron_pass_date"])

    def _find_candidates(self, today, limit=None, after_id=0):
        """The records this rule should follow up today, in one query."""
        self.ensure_one()
        model, query = self._candidates_query(today, after_id)
        query = SQL(
            "%s ORDER BY rec.id %s", query, SQL("LIMIT %s", limit) if limit else SQL()
        )
        self._disable_jit()
        self.env.cr.execute(query)
        return self.env[model].browse(row[0] for row in self.env.cr.fetchall())

    def _count_candidates(self, today, after_id=0):
        self.ensure_one()
        __, query = self._candidates_query(today, after_id)
        self._disable_jit()
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) AS candidates", query))
        return self.env.cr.fetchone()[0]

    def _disable_jit(self):
        """The index probes make the finders look expensive to the planner,
        which then JIT-compiles them: that costs more (~50 ms a query) than
        the queries themselves. Off until the end of the transaction."""
        self.env.cr.execute(SQL("SET LOCAL jit = off"))

    def _candidates_query(self, today, after_id=0):
        """``SELECT rec.id FROM <table> rec WHERE ...`` for this rule: the
        trigger's own condition (its finder, see :meth:`_followup_triggers`),
        the rule's company and teams, the coordination scope, and no open (or
        recently done) follow-up of this rule on the record.

        :return: (the model of the records found, the query)
        """
        self.ensure_one()
        # The finders read the tables directly: write pending changes first.
        self.env.flush_all()
        trigger = self._followup_trigger()
        model = trigger["model"]
        Model = self.env[model]
        query = Query(self.env, "rec", SQL.identifier(Model._table))
        query.add_where(SQL("(%s)", trigger["find"](today)))
        query.add_where(SQL("rec.id > %s", after_id or 0))
        if self.company_id and "company_id" in Model._fields:
            query.add_where(SQL("rec.company_id = %s", self.company_id.id))
        # set by run_followups only: the companies of the manager running it
        companies = self.env.context.get("sc_followup_company_ids")
        if companies and "company_id" in Model._fields:
            query.add_where(
                SQL(
                    "(rec.company_id IS NULL OR rec.company_id IN %s)",
                    tuple(companies),
                )
            )
        if self.team_ids and "team_id" in Model._fields:
            query.add_where(SQL("rec.team_id IN %s", tuple(self.team_ids.ids)))
        self._add_coordinated_condition(Model, query)
        if "plan" not in trigger:
            # Done follow-ups are kept (keep_done): plan again only once
            # delay_days have passed since the last one was done.
            # A correlated probe of the (followup_rule_id, res_id) index per
            # row, written so the planner cannot turn it into an anti-join:
            # right after a run inserted thousands of follow-ups the table
            # statistics are stale, and an anti-join planned on them is
            # quadratic. (``|| ''`` keeps it off the res_model index.)
            # A trigger that plans its follow-ups on other records ("plan")
            # keeps them from being planned twice itself.
            query.add_where(
                SQL(
                    """(SELECT 1 FROM mail_activity act
                         WHERE act.followup_rule_id = %(rule)s
                           AND act.res_id = rec.id
                           AND act.res_model || '' = %(model)s
                           AND (act.active OR act.date_done > %(since)s)
                         LIMIT 1) IS NULL""",
                    rule=self.id,
                    model=model,
                    since=today - timedelta(days=self.delay_days),
                )
            )
        return model, SQL(
            "SELECT rec.id FROM %s WHERE %s", query.from_clause, query.where_clause
        )

    def _add_coordinated_condition(self, Model, query):
        """Leave out of ``query`` (on the alias ``rec``) the records out of
        coordination, as the workspaces do: the model's own definition
        (``sales.coordination.scope.mixin``: ``_sc_coordinated_domain``), or,
        for a model without it that has a sales team, the mixin's definition
        on ``team_id``. Nothing is added when every team is coordinated."""
        Scope = self.env["sales.coordination.scope.mixin"]
        if isinstance(Model, type(Scope)):
            domain = Model._sc_coordinated_domain()
        elif "team_id" in Model._fields:
            domain = Scope._sc_coordinated_domain()
        else:
            return
        if domain == expression.TRUE_DOMAIN:
            return
        # as superuser and with the context of the workspaces' searches: the
        # scope is the same for everyone
        Model = Model.sudo().with_context(active_test=True)
        expression.expression(domain, Model, alias="rec", query=query)

    def _day_after(self, today):
        """Timestamps strictly before this (UTC) moment are at least
        ``delay_days`` days old today."""
        self.ensure_one()
        return datetime.combine(today - timedelta(days=self.delay_days - 1), time.min)

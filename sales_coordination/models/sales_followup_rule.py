import logging
import threading
from datetime import datetime, time, timedelta

from psycopg2 import OperationalError
from psycopg2.errors import UniqueViolation

from odoo import SUPERUSER_ID, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

from .sales_coordination_rule_mixin import RULE_NUMBER_RANGES

_logger = logging.getLogger(__name__)

# The context of the nightly creation of follow-ups: Odoo's own bulk flags,
# so that no assignment e-mail or notification is sent per activity.
FOLLOWUP_CREATE_CONTEXT = {
    "mail_activity_quick_update": True,
    "mail_create_nosubscribe": True,
    "tracking_disable": True,
}

# The columns _insert_followups_sql writes itself.
FOLLOWUP_INSERTED_FIELDS = frozenset(
    {
        "id",
        "res_model_id",
        "res_model",
        "res_id",
        "res_name",
        "activity_type_id",
        "summary",
        "date_deadline",
        "user_id",
        "user_tz",
        "automated",
        "active",
        "followup_rule_id",
        "followup_escalated",
        "create_uid",
        "create_date",
        "write_uid",
        "write_date",
    }
)

# How each document model reaches its owners: the fields read by the assignee
# chain, when the model has them.
OWNER_FIELDS = {
    "sale.order": {
        "coordinator": "coordinator_id",
        "administrator": "administrator_id",
        "salesperson": "user_id",
    },
    "account.move": {"salesperson": "invoice_user_id"},
    "crm.lead": {"salesperson": "user_id"},
}
DEFAULT_OWNER_FIELDS = {
    "coordinator": "coordinator_id",
    "administrator": "administrator_id",
    "salesperson": "user_id",
}

# The numbers a rule accepts: field name -> (minimum, maximum), both included.
# The constraint, its error, the field help and docs/rpc.md all read these.
FOLLOWUP_NUMBER_RANGES = {
    **RULE_NUMBER_RANGES,
    "delay_days": (0, 730),
    "deadline_days": (0, 365),
    "escalate_after_days": (0, 365),
}
# Fields only the follow-up engine writes: refused in create and write.
ENGINE_FIELDS = frozenset(
    {"last_run_date", "last_error", "cron_after_id", "cron_pass_date"}
)
# cron_after_id of a rule whose candidates are all done in the current pass.
PASS_DONE = -1
# The index that keeps one open follow-up per (rule, record): a run that
# conflicts with it lost the race to a concurrent run.
OPEN_FOLLOWUP_INDEX = "mail_activity_followup_rule_open_uniq"
# First key of the rules' advisory locks (the second is the rule id).
LOCK_NAMESPACE = 0x5C_F011


def _range_help(fname):
    low, high = FOLLOWUP_NUMBER_RANGES[fname]
    return f" From {low} to {high}."


# The activity type each built-in trigger plans by default.
TRIGGER_ACTIVITY_TYPES = {
    "quote_no_reply": "sales_coordination.mail_activity_type_quote_followup",
    "quote_expiring": "sales_coordination.mail_activity_type_quote_expiring",
    "order_late": "sales_coordination.mail_activity_type_delivery_update",
    "invoice_overdue": "sales_coordination.mail_activity_type_payment_followup",
    "lead_idle": "sales_coordination.mail_activity_type_lead_followup",
    "meeting_done": "sales_coordination.mail_activity_type_meeting_followup",
}


class SalesFollowupRule(models.Model):
    _name = "sales.followup.rule"
    _inherit = ["sales.coordination.rule.mixin"]  # noqa: RUF012
    _description = "Follow-up Rule"
    _number_ranges = FOLLOWUP_NUMBER_RANGES

    # === FIELDS ===

    trigger = fields.Selection(
        selection=[
            ("quote_no_reply", "Quotation sent, no reply"),
            ("quote_expiring", "Quotation about to expire"),
            ("order_late", "Order delivery late"),
            ("invoice_overdue", "Invoice overdue"),
            ("lead_idle", "Opportunity idle"),
            ("meeting_done", "Meeting held"),
            ("domain", "Records matching a domain"),
        ],
        required=True,
        default="quote_no_reply",
    )
    delay_days = fields.Integer(
        string="Delay (days)",
        default=3,
        help="Days after the triggering date (quotation sent, delivery "
        "scheduled, invoice due, last stage change, meeting held) before a "
        "follow-up is planned; for a quotation about to expire, the days "
        "before its expiration date." + _range_help("delay_days"),
    )
    activity_type_id = fields.Many2one(
        comodel_name="mail.activity.type",
        string="Activity Type",
        required=True,
        ondelete="restrict",
    )
    assign_to = fields.Selection(
        selection=[
            ("coordinator", "Coordinator"),
            ("administrator", "Administrator"),
            ("salesperson", "Salesperson"),
            ("team_leader", "Team Leader"),
        ],
        required=True,
        default="coordinator",
    )
    deadline_days = fields.Integer(
        string="Deadline (days)",
        default=1,
        help="Days the assignee has to do the follow-up."
        + _range_help("deadline_days"),
    )
    escalate_after_days = fields.Integer(
        string="Escalate after (days)",
        default=3,
        help="Escalate a follow-up to the Coordination Managers once it is "
        "overdue by this many days. 0 never escalates."
        + _range_help("escalate_after_days"),
    )
    fallback_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Fallback User",
        domain="[('share', '=', False)]",
        help="Assignee when the record has no owner for this rule.",
    )
    model_id = fields.Many2one(
        comodel_name="ir.model",
        string="Model",
        ondelete="cascade",
        domain="[('is_mail_activity', '=', True), ('transient', '=', False)]",
        help="For the 'domain' trigger: the model whose records are followed up.",
    )
    model_name = fields.Char(related="model_id.model", string="Model Name")
    activity_count = fields.Integer(
        string="Open Follow-ups", compute="_compute_activity_count"
    )
    last_run_date = fields.Datetime(
        string="Last Run",
        readonly=True,
        copy=False,
        help="When the rule last ran, from the daily cron or Run Now, "
        "successfully or not.",
    )
    last_error = fields.Text(
        readonly=True,
        copy=False,
        help="Why the last run of this rule failed, or skipped records; empty "
        "when it succeeded. The other rules run all the same.",
    )
    cron_after_id = fields.Integer(
        string="Cron Progress",
        readonly=True,
        copy=False,
        help="Technical: the candidates up to this id are done in the daily "
        "cron's current pass (-1: all of them).",
    )
    cron_pass_date = fields.Date(
        string="Cron Pass Date",
        readonly=True,
        copy=False,
        help="Technical: the day of the daily cron's pass that Cron Progress "
        "belongs to.",
    )

    # === SQL CONSTRAINTS ===

    _sql_constraints = [  # noqa: RUF012
        (
            "delays_positive",
            (
                "CHECK(delay_days >= 0 AND deadline_days >= 0 "
                "AND escalate_after_days >= 0)"
            ),
            "Delays, deadlines and escalation days cannot be negative.",
        ),
    ]

    # === COMPUTE METHODS ===

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_activity_count(self):
        # as the reader: the follow-ups of the records they may read
        Activity = self.env["mail.activity"]
        groups = (
            Activity._read_group(
                [("followup_rule_id", "in", self.ids)],
                ["followup_rule_id"],
                ["__count"],
            )
            if Activity.has_access("read")
            else []
        )
        counts = {rule.id: count for rule, count in groups}
        for rule in self:
            rule.activity_count = counts.get(rule.id, 0)

    # === CONSTRAINT AND ONCHANGE METHODS ===

    @api.constrains("trigger", "activity_type_id", "model_id")
    def _check_activity_type_model(self):
        for rule in self:
            type_model = rule.activity_type_id.res_model
            models_ = rule._target_models()
            if type_model and models_ and type_model not in models_:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s plans activities on %(models)s, but the "
                        "activity type %(type)s is for %(model)s.",
                        rule=rule.name,
                        models=", ".join(models_),
                        type=rule.activity_type_id.name,
                        model=type_model,
                    )
                )

    @api.onchange("trigger")
    def _onchange_trigger(self):
        xmlid = TRIGGER_ACTIVITY_TYPES.get(self.trigger)
        if xmlid:
            self.activity_type_id = self.env.ref(xmlid, raise_if_not_found=False)

    # === CRUD METHODS ===

    @api.model_create_multi
    def create(self, vals_list):
        self._refuse_engine_vals(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._refuse_engine_vals([vals])
        return super().write(vals)

    def _refuse_engine_vals(self, vals_list):
        """The run bookkeeping is written by the engine only (in SQL)."""
        given = {fname for vals in vals_list for fname in vals} & ENGINE_FIELDS
        if given and not self.env.su:
            raise UserError(
                self.env._(
                    "%(fields)s of a follow-up rule are set by its runs and "
                    "cannot be written.",
                    fields=", ".join(
                        self._fields[fname]._description_string(self.env)
                        for fname in sorted(given)
                    ),
                )
            )

    # === ACTION METHODS ===

    def action_view_activities(self):
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_coordination.mail_activity_action_followup_all"
        )
        action["domain"] = [("followup_rule_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_run_now(self):
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self)
        created = self.run_followups(self.ids)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s follow-ups planned.", count=created),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # === BUSINESS METHODS: PUBLIC ===

    @api.model
    def run_followups(self, rule_ids=None):
        """Plan the follow-ups of the given rules and escalate overdue ones.

        Public (RPC) entry point for Coordination Managers, called without
        ids: ``execute_kw(db, uid, key, "sales.followup.rule",
        "run_followups", [], {})`` runs every active rule of the user's
        companies; ``[[id, ...]]`` (or ``{"rule_ids": [...]}``) runs only
        those rules. Called in Python on a recordset without ``rule_ids``, it
        runs the rules of the recordset (all rules when it is empty). Runs in
        the caller's transaction; the daily cron runs the same logic in
        batches.

        :param list rule_ids: ids of the rules to run; empty or None: all
        :return: the number of follow-up activities created
        :rtype: int
        :raise AccessError: when the user is not a Coordination Manager
        :raise UserError: when ``rule_ids`` is not a list of ids
        :raise MissingError: when a rule does not exist
        """
        if not (
            self.env.su or self.env.user.has_group("sales_coordination.group_manager")
        ):
            raise AccessError(
                self.env._("Only Coordination Managers can run the follow-up rules.")
            )
        check = self.env["sales.coordination.rpc.check"]
        if rule_ids is None:
            rules = self
            check._sc_validate_ids(rules, allow_empty=True)
        else:
            rules = check._sc_browse_ids(
                self._name, rule_ids, self.env._("The rules to run")
            )
        if rules:
            rules.check_access("read")
            rules = rules.filtered("active")
        else:
            rules = self.search([])
        today = fields.Date.context_today(self)
        since = self.env.cr.now()
        rules._close_resolved_followups(today, batch_size=1000)
        created, __, __ = rules._run_batches(today, batch_size=1000)
        rules._escalate_overdue(today)
        rules._notify_assignees(since)
        return created

    # === BUSINESS METHODS: CRON ===

    @api.model
    def _cron_run_followups(self, batch_size=1000, max_batches=20):
        """Batched run for the daily cron.

        Each call processes at most ``max_batches`` batches of ``batch_size``
        candidates, commits after each batch (outside tests), and reports its
        progress through ``ir.cron._notify_progress``. When candidates
        remain, Odoo's cron runner calls it again straight away; each rule
        keeps how far the day's pass got (``cron_after_id``), so that each
        call picks up where the previous one stopped, also past candidates
        that could not be planned (no assignee). Overdue follow-ups are
        escalated once all candidates are done. A rule that fails is skipped
        and its error recorded on it (``last_error``): the cron itself does
        not fail.
        """
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        today = fields.Date.context_today(self)
        rules = self.search([])
        # Follow-ups whose reason is gone are closed before anything is planned
        # (also those of archived rules).
        self.with_context(active_test=False).search([])._close_resolved_followups(
            today, batch_size=batch_size, commit=auto_commit
        )
        created, done, remaining = rules._run_batches(
            today,
            batch_size=batch_size,
            max_batches=max_batches,
            commit=auto_commit,
        )
        if not remaining:
            rules._escalate_overdue(today, batch_size=batch_size, commit=auto_commit)
            rules._set_cron_progress(0, False)
            # One summary per assignee for the whole day's pass.
            rules._notify_assignees(datetime.combine(today, time.min))
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        _logger.info(
            "Follow-up rules: %s candidates processed, %s follow-ups created, "
            "%s candidates remaining",
            done,
            created,
            remaining,
        )
        return created

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
        trigger's own condition, the rule's company and teams, and no open (or
        recently done) follow-up of this rule on the record."""
        self.ensure_one()
        # The finders read the tables directly: write pending changes first.
        self.env.flush_all()
        model, table, condition = getattr(self, f"_find_candidates_{self.trigger}")(
            today
        )
        Model = self.env[model]
        conditions = [condition, SQL("rec.id > %s", after_id or 0)]
        if self.company_id and "company_id" in Model._fields:
            conditions.append(SQL("rec.company_id = %s", self.company_id.id))
        if self.team_ids and "team_id" in Model._fields:
            conditions.append(SQL("rec.team_id IN %s", tuple(self.team_ids.ids)))
        coordinated = self._coordinated_condition(Model)
        if coordinated:
            conditions.append(coordinated)
        if self.trigger != "meeting_done":
            # Done follow-ups are kept (keep_done): plan again only once
            # delay_days have passed since the last one was done.
            # A correlated probe of the (followup_rule_id, res_id) index per
            # row, written so the planner cannot turn it into an anti-join:
            # right after a run inserted thousands of follow-ups the table
            # statistics are stale, and an anti-join planned on them is
            # quadratic. (``|| ''`` keeps it off the res_model index.)
            conditions.append(
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
        query = SQL(
            "SELECT rec.id FROM %s rec WHERE %s",
            SQL.identifier(table),
            SQL(" AND ").join(conditions),
        )
        return model, query

    def _coordinated_condition(self, Model):
        """The SQL condition (on alias ``rec``) that leaves out the records of
        the sales teams out of coordination (``crm.team.use_coordination``
        unset), unless someone in coordination owns them (an order's
        coordinator or administrator), as the workspaces do; None when every
        team is coordinated or ``Model`` has no team."""
        if "team_id" not in Model._fields:
            return None
        excluded = self.env["crm.team"]._sc_uncoordinated_team_ids()
        if not excluded:
            return None
        owners = [
            SQL("rec.%s IS NOT NULL", SQL.identifier(fname))
            for fname in ("coordinator_id", "administrator_id")
            if fname in Model._fields and Model._fields[fname].store
        ]
        return SQL(
            "(%s)",
            SQL(" OR ").join(
                [
                    SQL("rec.team_id IS NULL"),
                    SQL("rec.team_id NOT IN %s", tuple(excluded)),
                ]
                + owners
            ),
        )

    def _day_after(self, today):
        """Timestamps strictly before this (UTC) moment are at least
        ``delay_days`` days old today."""
        self.ensure_one()
        return datetime.combine(today - timedelta(days=self.delay_days - 1), time.min)

    # === CANDIDATE FINDERS, one per trigger ===
    # Each returns (model, table, SQL condition on alias "rec").

    def _find_candidates_quote_no_reply(self, today):
        return (
            "sale.order",
            "sale_order",
            SQL(
                "rec.state = 'sent' "
                "AND COALESCE(rec.quotation_sent_date, rec.date_order) < %s",
                self._day_after(today),
            ),
        )

    def _find_candidates_quote_expiring(self, today):
        return (
            "sale.order",
            "sale_order",
            SQL(
                "rec.state = 'sent' AND rec.validity_date >= %s "
                "AND rec.validity_date <= %s",
                today,
                today + timedelta(days=self.delay_days),
            ),
        )

    def _find_candidates_order_late(self, today):
        limit = self._day_after(today)
        return (
            "sale.order",
            "sale_order",
            SQL(
                """rec.state = 'sale' AND EXISTS (
                    SELECT 1 FROM stock_picking pick
                      JOIN stock_picking_type ptype
                        ON ptype.id = pick.picking_type_id
                     WHERE pick.sale_id = rec.id
                       AND ptype.code = 'outgoing'
                       AND pick.state NOT IN ('done', 'cancel')
                       AND (pick.scheduled_date < %(limit)s
                            OR rec.commitment_date < %(limit)s)
                )""",
                limit=limit,
            ),
        )

    def _find_candidates_invoice_overdue(self, today):
        return (
            "account.move",
            "account_move",
            SQL(
                "rec.move_type = 'out_invoice' AND rec.state = 'posted' "
                "AND rec.payment_state IN ('not_paid', 'partial') "
                "AND rec.invoice_date_due <= %s",
                today - timedelta(days=self.delay_days),
            ),
        )

    def _find_candidates_lead_idle(self, today):
        limit = self._day_after(today)
        return (
            "crm.lead",
            "crm_lead",
            SQL(
                """rec.type = 'opportunity' AND rec.active
                   AND COALESCE(rec.probability, 0) < 100
                   AND NOT EXISTS (SELECT 1 FROM crm_stage stage
                                    WHERE stage.id = rec.stage_id AND stage.is_won)
                   AND COALESCE(rec.date_last_stage_update, rec.create_date) < %(limit)s
                   AND (SELECT 1 FROM mail_activity lact
                         WHERE lact.res_id = rec.id
                           AND lact.res_model || '' = 'crm.lead'
                           AND (lact.active OR lact.date_done >= %(day)s)
                         LIMIT 1) IS NULL
                   AND NOT EXISTS (SELECT 1 FROM mail_message msg
                                    WHERE msg.model = 'crm.lead'
                                      AND msg.res_id = rec.id
                                      AND msg.message_type IN ('comment', 'email')
                                      AND msg.date >= %(limit)s)""",
                limit=limit,
                day=limit.date(),
            ),
        )

    def _find_candidates_meeting_done(self, today):
        teams = SQL("TRUE")
        if self.team_ids:
            teams = SQL(
                "COALESCE(so.team_id, lead.team_id) IN %s", tuple(self.team_ids.ids)
            )
        company = SQL("TRUE")
        if self.company_id:
            company = SQL(
                "COALESCE(so.company_id, lead.company_id) = %s", self.company_id.id
            )
        return (
            "calendar.event",
            "calendar_event",
            SQL(
                """rec.coordination_outcome = 'held' AND rec.active
                   AND NOT COALESCE(rec.coordination_followup_done, FALSE)
                   AND rec.stop < %(limit)s
                   AND EXISTS (
                       SELECT 1 FROM calendar_event ev
                         LEFT JOIN sale_order so ON so.id = ev.sale_order_id
                         LEFT JOIN crm_lead lead ON lead.id = ev.opportunity_id
                        WHERE ev.id = rec.id
                          AND (so.id IS NOT NULL OR lead.id IS NOT NULL)
                          AND %(teams)s AND %(company)s
                   )""",
                limit=self._day_after(today),
                teams=teams,
                company=company,
            ),
        )

    def _find_candidates_domain(self, today):
        Model = self.env[self.model_id.model].sudo().with_context(active_test=True)
        query = Model._search(self._get_domain())
        return (
            Model._name,
            Model._table,
            SQL("rec.id IN (%s)", query.subselect()),
        )

    # === BUSINESS METHODS: RULE MIXIN ===

    @api.model
    def _rule_domain_depends(self):
        return ("trigger", "model_id", "domain")

    def _rule_uses_domain(self):
        self.ensure_one()
        return self.trigger == "domain"

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

    def _target_models(self):
        """Models the rule's activities are planned on."""
        self.ensure_one()
        if self.trigger == "domain":
            model_name = self.sudo().model_id.model
            return [model_name] if model_name else []
        if self.trigger == "meeting_done":
            return ["sale.order", "crm.lead"]
        return [
            {
                "quote_no_reply": "sale.order",
                "quote_expiring": "sale.order",
                "order_late": "sale.order",
                "invoice_overdue": "account.move",
                "lead_idle": "crm.lead",
            }[self.trigger]
        ]

    # === BUSINESS METHODS: PLANNING ===

    def _plan_followups(self, records, today):
        """Plan one follow-up per record (already filtered by the finder).

        :return: the number of activities created
        """
        self.ensure_one()
        records = records.sudo()
        if self.trigger == "meeting_done":
            targets = {
                event: event.sale_order_id or event.opportunity_id for event in records
            }
            # One open follow-up per (rule, lead or order): meetings whose
            # target already has one are covered by it.
            open_keys = self._open_followup_keys(list(targets.values()))
            targets = {
                event: target
                for event, target in targets.items()
                if (target._name, target.id) not in open_keys
            }
            unique = {}
            for target in targets.values():
                unique.setdefault((target._name, target.id), target)
            created = self._create_followups(list(unique.values()), today)
            records.write({"coordination_followup_done": True})
            return created
        return self._create_followups(list(records), today)

    def _open_followup_keys(self, targets):
        self.ensure_one()
        if not targets:
            return set()
        self.env.flush_all()
        by_model = {}
        for target in targets:
            by_model.setdefault(target._name, []).append(target.id)
        conditions = SQL(" OR ").join(
            SQL("(res_model = %s AND res_id IN %s)", model, tuple(ids))
            for model, ids in by_model.items()
        )
        self.env.cr.execute(
            SQL(
                "SELECT res_model, res_id FROM mail_activity "
                "WHERE followup_rule_id = %s AND active AND (%s)",
                self.id,
                conditions,
            )
        )
        return set(self.env.cr.fetchall())

    def _create_followups(self, targets, today):
        """Create the follow-up activities on ``targets`` (a list of records,
        possibly of several models). Records without any valid assignee are
        skipped and logged.

        :return: the number of activities created
        """
        self.ensure_one()
        if not targets:
            return 0
        assignees = self._resolve_assignees(targets)
        rows = []
        for target in targets:
            user = assignees.get((target._name, target.id))
            if user:
                rows.append((target, user))
            else:
                _logger.warning(
                    "Follow-up rule %s: no assignee for %s,%s",
                    self.id,
                    target._name,
                    target.id,
                )
        activities = self._insert_followups(
            rows, today + timedelta(days=self.deadline_days)
        )
        return len(activities)

    def _insert_followups(self, rows, deadline):
        """Store the follow-up activities of a batch: the one place where
        follow-ups are stored, override it to store them another way.

        Two paths, measured side by side by ``bench/bench_followups.py
        --insert sql|orm`` (figures in the closing note of issue 15 and in
        docs/rpc.md):

        - ``sql`` (the default): :meth:`_insert_followups_sql`, one statement
          per batch, as ``mail.activity.create`` would store the rows: other
          addons' column defaults (a required field with a default included)
          are applied, the assignees follow their records with the default
          subtypes; other addons' overrides of ``create`` do not run;
        - ``orm``: :meth:`_insert_followups_orm`, ``mail.activity.create``
          in one call in Odoo's bulk context: every addon's defaults,
          constraints and overrides apply, at several times the cost
          (the figures of both paths are in docs/rpc.md).

        The path is chosen by :meth:`_followup_insert_mode` (system parameter
        ``sales_coordination.followup_insert``): a database whose addons
        override ``mail.activity.create`` for follow-ups sets it to ``orm``.
        Either way no assignment e-mail or per-record notification is sent;
        the assignees get one summary per run (:meth:`_notify_assignees`).

        :param rows: list of (record, user)
        :return: the activities created
        """
        self.ensure_one()
        if not rows:
            return self.env["mail.activity"]
        if self._followup_insert_mode() == "orm":
            return self._insert_followups_orm(rows, deadline)
        return self._insert_followups_sql(rows, deadline)

    def _insert_followups_orm(self, rows, deadline):
        """The ORM path of :meth:`_insert_followups` (system parameter
        ``sales_coordination.followup_insert`` = ``orm``): one
        ``mail.activity.create`` call for the batch, with Odoo's bulk flags
        (``mail_activity_quick_update``: no assignment e-mail or
        notification per activity); the assignees follow their records as
        Odoo does it.

        :param rows: list of (record, user)
        :return: the activities created
        """
        self.ensure_one()
        activity_type = self.activity_type_id
        summary = activity_type.summary or self.name
        model_ids = {
            model: self.env["ir.model"]._get_id(model)
            for model in {record._name for record, __ in rows}
        }
        vals_list = [
            {
                "res_model_id": model_ids[record._name],
                "res_id": record.id,
                "activity_type_id": activity_type.id,
                "summary": summary,
                "date_deadline": deadline,
                "user_id": user.id,
                "automated": True,
                "followup_rule_id": self.id,
            }
            for record, user in rows
        ]
        Activity = (
            self.env["mail.activity"].sudo().with_context(**FOLLOWUP_CREATE_CONTEXT)
        )
        # The defaults are the same for the whole batch: asked once here
        # (every addon's included), instead of once per activity by create.
        defaults = Activity.default_get(
            [fname for fname in Activity._fields if fname not in vals_list[0]]
        )
        return Activity.create([{**defaults, **vals} for vals in vals_list])

    @api.model
    def _followup_insert_mode(self):
        """How follow-ups are stored (see :meth:`_insert_followups`): ``sql``
        (the default, the measured faster path) or ``orm`` (through
        ``mail.activity.create``), from the system parameter
        ``sales_coordination.followup_insert``; any other value means
        ``sql``."""
        mode = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("sales_coordination.followup_insert", "sql")
        )
        return "orm" if mode == "orm" else "sql"

    def _insert_followups_sql(self, rows, deadline):
        """The SQL path of :meth:`_insert_followups`, the default (system
        parameter ``sales_coordination.followup_insert`` unset or ``sql``):
        insert the activities of a batch in one statement, as
        ``mail.activity.create`` would store them (other addons' column
        defaults included, see :meth:`_followup_extra_defaults`; not their
        overrides of ``create``), and subscribe their assignees to the
        records with the default subtypes (:meth:`_subscribe_assignees`).

        The ORM's create costs about 1 ms per activity (defaults, computed
        fields, followers per assignee): several times this path, too slow
        for 100,000 candidates in a nightly run (``bench/bench_followups.py
        --insert sql|orm``). ``ON CONFLICT`` on the partial unique index
        drops the activities a concurrent run planned first. No e-mail is
        sent: the assignees see their follow-ups in the activity menu, and
        get a bus notification.

        :param rows: list of (record, user)
        :return: the activities created
        """
        self.ensure_one()
        if not rows:
            return self.env["mail.activity"]
        cr = self.env.cr
        self.env.flush_all()
        activity_type = self.activity_type_id
        summary = activity_type.summary or self.name
        names = {}
        for model in {record._name for record, __ in rows}:
            records = (
                self.env[model]
                .sudo()
                .browse(record.id for record, __ in rows if record._name == model)
            )
            names.update(
                {(model, record.id): record.display_name for record in records}
            )
        model_ids = {
            model: self.env["ir.model"]._get_id(model)
            for model in {record._name for record, __ in rows}
        }
        # Fields other addons add to activities get their defaults, as with
        # create() (a required field with a default must not fail here).
        extra = self._followup_extra_defaults()
        cr.execute(
            SQL(
                """
                INSERT INTO mail_activity (
                    res_model_id, res_model, res_id, res_name, activity_type_id,
                    summary, date_deadline, user_id, user_tz, automated, active,
                    followup_rule_id, followup_escalated,
                    create_uid, create_date, write_uid, write_date
                    %(extra_columns)s)
                SELECT data.model_id, data.model, data.res_id, data.res_name,
                       %(type)s, %(summary)s, %(deadline)s, data.user_id, users_tz.tz,
                       TRUE, TRUE, %(rule)s, FALSE,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                       %(extra_values)s
                  FROM unnest(%(model_ids)s::int[], %(models)s::varchar[],
                              %(res_ids)s::int[], %(res_names)s::varchar[],
                              %(user_ids)s::int[])
                       AS data(model_id, model, res_id, res_name, user_id)
                  JOIN LATERAL (
                       SELECT partner.tz FROM res_users usr
                         JOIN res_partner partner ON partner.id = usr.partner_id
                        WHERE usr.id = data.user_id
                  ) AS users_tz ON TRUE
                ON CONFLICT (followup_rule_id, res_model, res_id)
                   WHERE followup_rule_id IS NOT NULL AND active
                   DO NOTHING
                RETURNING res_model, res_id, user_id, id
                """,
                type=activity_type.id,
                summary=summary,
                deadline=deadline,
                rule=self.id,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                model_ids=[model_ids[record._name] for record, __ in rows],
                models=[record._name for record, __ in rows],
                res_ids=[record.id for record, __ in rows],
                res_names=[names[(record._name, record.id)] for record, __ in rows],
                user_ids=[user.id for __, user in rows],
                extra_columns=SQL("").join(
                    SQL(", %s", SQL.identifier(fname)) for fname in extra
                ),
                extra_values=SQL("").join(
                    SQL(", %s", value) for value in extra.values()
                ),
            )
        )
        created = cr.fetchall()
        if created:
            self._subscribe_assignees(created)
            users = self.env["res.users"].browse({row[2] for row in created})
            if deadline <= fields.Date.context_today(self):
                users._bus_send("mail.activity/updated", {"activity_created": True})
        # The rows were written behind the ORM's back.
        self.env.invalidate_all(flush=False)
        return self.env["mail.activity"].browse(row[3] for row in created)

    def _followup_extra_defaults(self):
        """Column values of the defaults of the stored ``mail.activity``
        fields that ``_insert_followups`` does not set itself."""
        Activity = self.env["mail.activity"]
        fnames = [
            fname
            for fname, field in Activity._fields.items()
            if field.store
            and field.column_type
            and fname not in FOLLOWUP_INSERTED_FIELDS
        ]
        defaults = Activity.default_get(fnames)
        return {
            fname: Activity._fields[fname].convert_to_column_insert(
                value, Activity, defaults
            )
            for fname, value in defaults.items()
            if fname in fnames
        }

    def _subscribe_assignees(self, created):
        """Make the assignees follow their records, as mail.activity does,
        with the default subtypes of internal users; existing followers keep
        their own subscription."""
        cr = self.env.cr
        users = self.env["res.users"].sudo().browse({row[2] for row in created})
        partner_of = {user.id: user.partner_id.id for user in users}
        cr.execute(
            SQL(
                """
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                SELECT DISTINCT data.model, data.res_id, data.partner_id
                  FROM unnest(%s::varchar[], %s::int[], %s::int[])
                       AS data(model, res_id, partner_id)
                ON CONFLICT (res_model, res_id, partner_id) DO NOTHING
                RETURNING id, res_model
                """,
                [row[0] for row in created],
                [row[1] for row in created],
                [partner_of[row[2]] for row in created],
            )
        )
        followers = cr.fetchall()
        Subtype = self.env["mail.message.subtype"].sudo()
        pairs = []
        for model in {row[1] for row in followers}:
            subtype_ids = Subtype._default_subtypes(model)[0]
            pairs += [
                (follower_id, subtype_id)
                for follower_id, follower_model in followers
                if follower_model == model
                for subtype_id in subtype_ids
            ]
        if pairs:
            cr.execute(
                SQL(
                    """
                    INSERT INTO mail_followers_mail_message_subtype_rel
                           (mail_followers_id, mail_message_subtype_id)
                    SELECT * FROM unnest(%s::int[], %s::int[])
                    ON CONFLICT DO NOTHING
                    """,
                    [pair[0] for pair in pairs],
                    [pair[1] for pair in pairs],
                )
            )

    def _notify_assignees(self, since):
        """One summary per assignee of the follow-ups the rules of ``self``
        created since ``since`` (the run's start): a notification in their
        browser ("3 new follow-ups planned for you"), never an e-mail, and
        their activity counter refreshed. One query."""
        if not self:
            return
        groups = (
            self.env["mail.activity"]
            .sudo()
            ._read_group(
                [
                    ("followup_rule_id", "in", self.ids),
                    ("followup_escalation_of_id", "=", False),
                    ("create_date", ">=", since),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        for user, count in groups:
            if not user:
                continue
            user._bus_send(
                "simple_notification",
                {
                    "type": "info",
                    "title": self.env._("Follow-ups"),
                    "message": self.env._(
                        "%(count)s new follow-ups planned for you.", count=count
                    ),
                },
            )
            user._bus_send("mail.activity/updated", {"activity_created": True})

    def _create_activities(self, vals_list):
        """Create activities through the ORM, as superuser (escalations:
        few, and their managers get notified). When the user running the
        rules has no email address, Odoo's assignment notification could not
        be sent in their name: it comes from OdooBot, as in the cron."""
        Activity = self.env["mail.activity"].sudo()
        if not self.env.user.email:
            Activity = Activity.with_user(SUPERUSER_ID)
        return Activity.create(vals_list) if vals_list else Activity

    def _resolve_assignees(self, targets):
        """Assignee per (model, id) through the chain: the record's (or its
        customer's) coordinator or administrator per ``assign_to``, the
        team's, the salesperson, then the rule's fallback user or the team
        leader. Users that are inactive, portal or not allowed in the
        record's company are skipped. The chain is walked lazily: most
        records stop at their first owner."""
        self.ensure_one()
        result = {}
        valid = {}

        def is_valid(user, company):
            key = (user.id, company.id)
            if key not in valid:
                valid[key] = (
                    user.active
                    and not user.share
                    and (not company or company in user.company_ids)
                )
            return valid[key]

        by_model = {}
        for target in targets:
            by_model.setdefault(target._name, []).append(target)
        for model, records in by_model.items():
            Model = self.env[model]
            has = {
                name: name in Model._fields
                and Model._fields[name].comodel_name == comodel
                for name, comodel in (
                    ("partner_id", "res.partner"),
                    ("team_id", "crm.team"),
                    ("company_id", "res.company"),
                )
            }
            fields_map = OWNER_FIELDS.get(model, DEFAULT_OWNER_FIELDS)
            owner_fields = {
                key: name for key, name in fields_map.items() if name in Model._fields
            }
            for target in records:
                company = target.company_id if has["company_id"] else self.company_id
                for user in self._assignee_chain(target, has, owner_fields):
                    if user and is_valid(user, company):
                        result[(model, target.id)] = user
                        break
        return result

    def _assignee_chain(self, target, has, owner_fields):
        """Candidate assignees of ``target``, best first (a generator)."""
        role = self.assign_to
        users = self.env["res.users"]
        team = target.team_id if has["team_id"] else self.env["crm.team"]
        if role in ("coordinator", "administrator"):
            yield target[owner_fields[role]] if role in owner_fields else users
            if has["partner_id"]:
                yield target.partner_id.commercial_partner_id[f"sales_{role}_id"]
            yield team[f"{role}_id"] if team else users
        if role == "team_leader":
            yield team.user_id
        else:
            yield (
                target[owner_fields["salesperson"]]
                if "salesperson" in owner_fields
                else users
            )
        yield self.fallback_user_id
        yield team.user_id

    # === BUSINESS METHODS: CLOSING ===

    @api.model
    def _close_reasons(self):
        """The feedback of a follow-up closed automatically, per reason key
        (the keys the ``_resolved_<trigger>`` queries return)."""
        return {
            "confirmed": self.env._(
                "Closed automatically: the quotation was confirmed."
            ),
            "cancelled": self.env._(
                "Closed automatically: the quotation was cancelled."
            ),
            "expired": self.env._("Closed automatically: the quotation expired."),
            "delivered": self.env._("Closed automatically: the delivery was done."),
            "delivery_cancelled": self.env._(
                "Closed automatically: the late delivery was cancelled."
            ),
            "order_cancelled": self.env._(
                "Closed automatically: the order was cancelled."
            ),
            "paid": self.env._("Closed automatically: the invoice was paid."),
            "reversed": self.env._(
                "Closed automatically: the invoice was reversed or cancelled."
            ),
            "stage_moved": self.env._(
                "Closed automatically: the opportunity moved stage."
            ),
            "won": self.env._("Closed automatically: the opportunity was won."),
            "lost": self.env._("Closed automatically: the opportunity was lost."),
            "no_match": self.env._(
                "Closed automatically: the record no longer matches the rule."
            ),
        }

    def _close_resolved_followups(self, today, batch_size=None, commit=False):
        """Close, as done, the open follow-ups of the rules in ``self`` whose
        reason is gone (see ``_resolved_query``), set-wise, rule by rule and
        batch by batch, each batch guarded like the planning
        (:meth:`_run_guarded`). Follow-ups closed by hand are never reopened:
        only open ones are read. Running it again closes nothing more.

        :return: the number of follow-ups closed
        """
        # One cache for the whole pass: the bodies rendered so far.
        return self._run_in_batches(
            "_close_resolved_batch", today, batch_size, commit, cache={}
        )

    def _run_in_batches(self, step, today, batch_size, commit, **kwargs):
        """Run ``step`` (the name of a batch method of the rule, returning
        None or ``(count, highest id done)``) for each rule in ``self``,
        batch after batch, each batch guarded (:meth:`_run_guarded`) and
        committed when ``commit`` is set, until a batch is short. Each batch
        starts after the highest id of the previous one (keyset pagination:
        no walk again over the rows done already).

        :return: the number of rows done
        """
        total = 0
        for rule in self:
            after_id = 0
            while True:
                status, result = rule._run_guarded(
                    getattr(rule, step),
                    today,
                    batch_size,
                    after_id=after_id,
                    **kwargs,
                )
                if status != "done" or not result:
                    break
                count, after_id = result
                total += count
                if commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                if not batch_size or count < batch_size:
                    break
        return total

    def _close_resolved_batch(
        self, today, batch_size=None, res_ids=None, reason=None, after_id=0, cache=None
    ):
        """Close the next ``batch_size`` follow-ups of this rule whose reason
        is gone, of ids above ``after_id`` (among the records ``res_ids``
        when given). With ``reason`` (a key of ``_close_reasons``), the open
        follow-ups of ``res_ids`` are closed for that reason, whatever the
        records' state. ``cache``: see :meth:`_mark_followups_done`.

        :return: (the number of follow-ups closed, the highest id closed),
            or None when nothing was closed
        """
        self.ensure_one()
        query = self._resolved_query(today, res_ids, reason)
        if query is None:
            return None
        self._disable_jit()
        self.env.cr.execute(
            SQL(
                "%s AND act.id > %s ORDER BY act.id %s",
                query,
                after_id,
                SQL("LIMIT %s", batch_size) if batch_size else SQL(),
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return None
        reasons = self._close_reasons()
        self._mark_followups_done(
            self.env["mail.activity"].sudo().browse(row[0] for row in rows),
            {row[0]: reasons[row[1]] for row in rows},
            cache=cache,
        )
        return len(rows), rows[-1][0]

    def _resolved_query(self, today, res_ids=None, reason=None):
        """``SELECT act.id, reason`` of the open follow-ups of this rule whose
        reason is gone, or None for a trigger that never closes (a meeting's
        follow-up is done by its assignee)."""
        self.ensure_one()
        method = getattr(self, f"_resolved_{self.trigger}", None)
        if method is None:
            return None
        # The queries read the tables directly: write pending changes first.
        self.env.flush_all()
        model = self._target_models()[0]
        if reason:
            table, reason = self.env[model]._table, SQL("%s", reason)
        else:
            table, reason = method(today)
        return SQL(
            """SELECT act.id, closing.reason
                 FROM mail_activity act
                 JOIN %(table)s rec ON rec.id = act.res_id
                 CROSS JOIN LATERAL (SELECT %(reason)s AS reason) closing
                WHERE act.followup_rule_id = %(rule)s
                  AND act.res_model = %(model)s AND act.active
                  AND act.followup_escalation_of_id IS NULL
                  AND closing.reason IS NOT NULL %(records)s""",
            table=SQL.identifier(table),
            reason=reason,
            rule=self.id,
            model=model,
            records=SQL("AND act.res_id IN %s", tuple(res_ids)) if res_ids else SQL(),
        )

    # --- why a follow-up is no longer needed, one per trigger ---
    # Each returns (table, SQL expression on "rec" and "act": a key of
    # _close_reasons, or NULL while the reason holds).

    def _resolved_quote_no_reply(self, today):
        return (
            "sale_order",
            SQL(
                """CASE WHEN rec.state = 'sale' THEN 'confirmed'
                        WHEN rec.state = 'cancel' THEN 'cancelled'
                        WHEN rec.validity_date < %s THEN 'expired' END""",
                today,
            ),
        )

    def _resolved_quote_expiring(self, today):
        return self._resolved_quote_no_reply(today)

    def _resolved_order_late(self, today):
        return (
            "sale_order",
            SQL(
                """CASE WHEN rec.state = 'cancel' THEN 'order_cancelled'
                        WHEN NOT EXISTS (
                            SELECT 1 FROM stock_picking pick
                              JOIN stock_picking_type ptype
                                ON ptype.id = pick.picking_type_id
                             WHERE pick.sale_id = rec.id
                               AND ptype.code = 'outgoing'
                               AND pick.state NOT IN ('done', 'cancel'))
                        THEN CASE WHEN EXISTS (
                            SELECT 1 FROM stock_picking pick
                              JOIN stock_picking_type ptype
                                ON ptype.id = pick.picking_type_id
                             WHERE pick.sale_id = rec.id
                               AND ptype.code = 'outgoing'
                               AND pick.state = 'done')
                             THEN 'delivered' ELSE 'delivery_cancelled' END
                   END"""
            ),
        )

    def _resolved_invoice_overdue(self, today):
        return (
            "account_move",
            SQL(
                """CASE WHEN rec.payment_state IN ('paid', 'in_payment') THEN 'paid'
                        WHEN rec.payment_state = 'reversed' OR rec.state = 'cancel'
                        THEN 'reversed' END"""
            ),
        )

    def _resolved_lead_idle(self, today):
        return (
            "crm_lead",
            SQL(
                """CASE WHEN NOT rec.active THEN 'lost'
                        WHEN COALESCE(rec.probability, 0) >= 100
                          OR EXISTS (SELECT 1 FROM crm_stage stage
                                      WHERE stage.id = rec.stage_id AND stage.is_won)
                        THEN 'won'
                        WHEN rec.date_last_stage_update >= act.create_date
                        THEN 'stage_moved' END"""
            ),
        )

    def _resolved_domain(self, today):
        Model = (
            self.env[self._rule_domain_model()].sudo().with_context(active_test=True)
        )
        query = Model._search(self._get_domain())
        return (
            Model._table,
            SQL("CASE WHEN rec.id NOT IN (%s) THEN 'no_match' END", query.subselect()),
        )

    @api.model
    def _close_followups_of(self, records, reason=None):
        """Close at once the follow-ups of ``records`` whose reason is gone:
        called where the event passes through the addon's code (an order
        confirmed or cancelled, a delivery validated, an invoice paid, an
        opportunity lost). What cannot be closed here (a concurrent run
        holds the rows) is closed by the next run; the caller's action never
        fails because of it.

        :param str reason: a key of ``_close_reasons``: close every open
            follow-up of ``records`` for this reason (before Odoo deletes the
            activities of records being archived)
        """
        if not records:
            return 0
        rules = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    "|",
                    ("trigger", "in", self._triggers_of_model(records._name)),
                    "&",
                    ("trigger", "=", "domain"),
                    ("model_id.model", "=", records._name),
                ]
            )
        )
        today = fields.Date.context_today(self)
        closed = 0
        for rule in rules:
            try:
                # flush=False: the caller's pending precommit work (e.g. the
                # tracking message its feedback goes into) stays pending
                with self.env.cr.savepoint(flush=False):
                    result = rule._close_resolved_batch(
                        today, res_ids=records.ids, reason=reason
                    )
                closed += result[0] if result else 0
            except Exception:  # the next run closes them
                self.env.invalidate_all(flush=False)
                _logger.warning(
                    "Follow-up rule %s: follow-ups of %s not closed now",
                    rule.id,
                    records,
                    exc_info=True,
                )
        return closed

    @api.model
    def _triggers_of_model(self, model):
        """The built-in triggers that plan follow-ups on ``model``."""
        return [
            trigger
            for trigger, __ in self._fields["trigger"].selection
            if trigger not in ("domain", "meeting_done")
            and self.new({"trigger": trigger})._target_models() == [model]
        ]

    def _mark_followups_done(self, activities, feedback, cache=None):
        """Mark ``activities`` done the Odoo way, with ``feedback`` (a dict
        activity id: text): a message on each record, as
        ``mail.activity.action_feedback`` posts it (the template
        ``mail.message_activity_done``, subtype Activities, from OdooBot),
        then the activities of types that keep done activities archived
        (``date_done`` set), the others deleted.

        The one place where follow-ups are closed automatically, in batches.
        The ORM's ``mail.message.create`` costs several milliseconds per
        message (the body is sanitized each time): too slow for a closing
        pass over 100,000 follow-ups. The messages are inserted in one
        statement (:meth:`_insert_done_messages`, measured by
        ``bench/bench_followups.py``), each distinct body rendered and
        sanitized once by Odoo's own template; the activities are archived
        through the ORM. What the messages need of the activities is read in
        one query, and of their records only what the reply-to reads (the
        ORM would load every column of both, for each batch). Override it to
        close them another way.

        :param dict cache: kept by the caller across the batches of one
            pass: the bodies rendered so far
        """
        if not activities:
            return
        cache = {} if cache is None else cache
        activities = activities.sudo()
        subtype = self.env.ref("mail.mt_activities")
        author = self.env.ref("base.partner_root")
        QWeb = self.env["ir.qweb"]
        activities.flush_recordset()
        self.env.cr.execute(
            SQL(
                """SELECT id, res_model, res_id, res_name, activity_type_id,
                          summary, note, user_id
                     FROM mail_activity WHERE id = ANY(%s) ORDER BY id""",
                activities.ids,
            )
        )
        rows = self.env.cr.fetchall()
        # The reply-to of each record, computed for all of them at once
        # (mail.message.create would compute it one record at a time).
        reply_to = {}
        by_model = {}
        for row in rows:
            by_model.setdefault(row[1], []).append(row[2])
        for model, res_ids in by_model.items():
            records = self.env[model].sudo().browse(res_ids)
            records.fetch(
                [
                    fname
                    for fname in (records._rec_name, records._mail_get_company_field())
                    if fname and fname in records._fields
                ]
            )
            reply_to[model] = records._notify_get_reply_to(
                default=author.email_formatted
            )
        # The message depends on the type, summary, note, assignee and
        # feedback only: rendered once per distinct combination.
        bodies = cache.setdefault("bodies", {})
        vals_list = []
        for act_id, model, res_id, res_name, type_id, summary, note, user_id in rows:
            key = (type_id, summary, note, user_id, feedback.get(act_id))
            if key not in bodies:
                bodies[key] = QWeb._render(
                    "mail.message_activity_done",
                    {
                        "activity": activities.browse(act_id).with_prefetch(
                            activities._prefetch_ids
                        ),
                        "feedback": feedback.get(act_id),
                        "display_assignee": True,
                    },
                    minimal_qcontext=True,
                    raise_if_not_found=False,
                )
            vals_list.append(
                {
                    "model": model,
                    "res_id": res_id,
                    "record_name": res_name,
                    "reply_to": reply_to[model][res_id],
                    "body": bodies[key],
                    "message_type": "notification",
                    "subtype_id": subtype.id,
                    "mail_activity_type_id": type_id,
                    "author_id": author.id,
                }
            )
        self._insert_done_messages(vals_list, cache=cache)
        types = self.env["mail.activity.type"].browse({row[4] for row in rows})
        kept_types = set(types.filtered("keep_done").ids)
        kept = activities.browse(row[0] for row in rows if row[4] in kept_types)
        kept.with_context(mail_activity_quick_update=True).action_archive()
        (activities - kept).unlink()

    @api.model
    def _insert_done_messages(self, vals_list, cache=None):
        """Insert the "done" messages of ``vals_list`` (``mail.message``
        create values) in one statement, as ``mail.message.create`` stores
        them (a Message-Id each, other addons' column defaults included).

        :param dict cache: kept by the caller across batches: the bodies
            sanitized so far
        """
        if not vals_list:
            return
        Message = self.env["mail.message"]
        self.env.flush_all()
        now = fields.Datetime.now()
        author = self.env["res.partner"].browse(vals_list[0]["author_id"])
        common = {
            "message_type": "notification",
            "subtype_id": vals_list[0]["subtype_id"],
            "author_id": author.id,
            "email_from": author.email_formatted or "",
            "date": now,
            "create_uid": self.env.uid,
            "create_date": now,
            "write_uid": self.env.uid,
            "write_date": now,
        }
        per_row = (
            "model",
            "res_id",
            "record_name",
            "reply_to",
            "body",
            "mail_activity_type_id",
            "message_id",
        )
        written = set(common) | set(per_row) | {"id"}
        fnames = [
            fname
            for fname, field in Message._fields.items()
            if field.store and field.column_type and fname not in written
        ]
        defaults = Message.default_get(fnames)
        extra = {
            fname: Message._fields[fname].convert_to_column_insert(
                value, Message, defaults
            )
            for fname, value in defaults.items()
            if fname in fnames
        }
        common.update(extra)
        body_field = Message._fields["body"]
        bodies = ({} if cache is None else cache).setdefault("sanitized", {})
        columns = {fname: [] for fname in per_row}
        for vals in vals_list:
            body = vals["body"]
            if body not in bodies:
                # sanitized once per distinct body, as create() would
                bodies[body] = body_field.convert_to_column(body, Message)
            vals = dict(
                vals,
                body=bodies[body],
                message_id=tools.mail.generate_tracking_message_id(
                    f"{vals['res_id']}-{vals['model']}"
                ),
            )
            for fname in per_row:
                columns[fname].append(vals[fname])
        types = {
            "model": "varchar",
            "res_id": "int",
            "record_name": "varchar",
            "reply_to": "varchar",
            "body": "jsonb" if body_field.translate else "text",
            "mail_activity_type_id": "int",
            "message_id": "varchar",
        }
        self.env.cr.execute(
            SQL(
                """INSERT INTO mail_message (%(common_columns)s, %(row_columns)s)
                   SELECT %(common_values)s, data.*
                     FROM unnest(%(arrays)s) AS data(%(row_columns)s)""",
                common_columns=SQL(", ").join(SQL.identifier(f) for f in common),
                row_columns=SQL(", ").join(SQL.identifier(f) for f in per_row),
                common_values=SQL(", ").join(SQL("%s", v) for v in common.values()),
                arrays=SQL(", ").join(
                    SQL("%s::%s[]", columns[f], SQL(types[f])) for f in per_row
                ),
            )
        )
        # The messages were written behind the ORM's back.
        Message.invalidate_model()
        for model in {vals["model"] for vals in vals_list}:
            self.env[model].invalidate_model(["message_ids"])

    # === BUSINESS METHODS: ESCALATION ===

    def _escalate_overdue(self, today, batch_size=None, commit=False):
        """Escalate, once, the open follow-ups of ``self`` overdue by
        ``escalate_after_days``: one activity per Coordination Manager of the
        company, naming the original assignee. Rule by rule, each batch
        guarded like the planning (:meth:`_run_guarded`).

        :return: the number of follow-ups escalated
        """
        return self._run_in_batches("_escalate_batch", today, batch_size, commit)

    def _escalate_batch(self, today, batch_size=None, after_id=0):
        """Escalate the next ``batch_size`` overdue follow-ups of this rule,
        of ids above ``after_id``.

        :return: (the number of follow-ups escalated, the highest id), or
            None when none was
        """
        self.ensure_one()
        if self.escalate_after_days <= 0:
            return None
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT act.id FROM mail_activity act
                    WHERE act.followup_rule_id = %(rule)s
                      AND act.active AND NOT COALESCE(act.followup_escalated, FALSE)
                      AND act.date_deadline <= %(due)s
                      AND act.id > %(after_id)s
                    ORDER BY act.id %(limit)s""",
                rule=self.id,
                after_id=after_id,
                due=today - timedelta(days=self.escalate_after_days),
                limit=SQL("LIMIT %s", batch_size) if batch_size else SQL(),
            )
        )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .browse(row[0] for row in self.env.cr.fetchall())
        )
        if not activities:
            return None
        self._escalate(activities, today)
        return len(activities), max(activities.ids)

    @api.model
    def _escalate(self, activities, today):
        managers = self.env["res.company"]._sc_coordination_managers()
        vals_list = []
        for activity in activities:
            rule = activity.followup_rule_id
            record = self.env[activity.res_model].sudo().browse(activity.res_id)
            company = (
                record.company_id
                if "company_id" in record._fields
                and record._fields["company_id"].comodel_name == "res.company"
                else rule.company_id
            ) or activity.user_id.company_id
            for manager in managers.filtered(lambda u, c=company: c in u.company_ids):
                vals_list.append(
                    {
                        "res_model_id": activity.res_model_id.id,
                        "res_id": activity.res_id,
                        "activity_type_id": activity.activity_type_id.id,
                        "summary": self.env._(
                            "Escalated: %(summary)s (assigned to %(user)s)",
                            summary=activity.summary or rule.name,
                            user=activity.user_id.name,
                        ),
                        "note": self.env._(
                            "Follow-up of %(user)s due on %(deadline)s is overdue.",
                            user=activity.user_id.name,
                            deadline=activity.date_deadline,
                        ),
                        "date_deadline": today,
                        "user_id": manager.id,
                        "followup_escalation_of_id": activity.id,
                        "automated": True,
                    }
                )
        activities.write({"followup_escalated": True})
        self._create_activities(vals_list)
        return True

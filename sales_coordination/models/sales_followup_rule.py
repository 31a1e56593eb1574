import logging
import threading
from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .sales_coordination_rule_mixin import RULE_NUMBER_RANGES

_logger = logging.getLogger(__name__)

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


def _range_help(fname):
    low, high = FOLLOWUP_NUMBER_RANGES[fname]
    return f" From {low} to {high}."


class SalesFollowupRule(models.Model):
    """A follow-up rule: which records need a follow-up (its trigger), who
    does it, by when, and when it is escalated.

    The rule is split by capability, one ``_inherit`` file each: the batch
    engine (``sales_followup_rule_engine.py``), planning and assignees
    (``_planning``), automatic closing (``_closing``), escalation
    (``_escalation``), and one file per trigger family
    (``sales_followup_trigger_<family>.py``) that declares its triggers
    through :meth:`_followup_triggers` and :meth:`_close_reasons`.
    """

    _name = "sales.followup.rule"
    _inherit = ["sales.coordination.rule.mixin"]  # noqa: RUF012
    _description = "Follow-up Rule"
    _number_ranges = FOLLOWUP_NUMBER_RANGES

    # === FIELDS ===

    # The values come from the trigger families (selection_add).
    trigger = fields.Selection(selection=[], required=True)
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
        xmlid = self._followup_triggers().get(self.trigger, {}).get("activity_type")
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
            # never the archived rules, whatever the caller's active_test says
            rules = self.with_context(active_test=True).search([])
        # a manager plans in the companies they work in, even with a rule
        # shared by every company (the cron plans in every company)
        rules = rules.with_context(
            sc_followup_company_ids=tuple(self.env.companies.ids)
        )
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

    # === BUSINESS METHODS: THE TRIGGERS' CONTRACT ===

    def _followup_triggers(self):
        """The follow-up triggers, ``{trigger: spec}``: the one place the
        engine learns about them. Each trigger family
        (``sales_followup_trigger_<family>.py``, or another addon) adds its
        value to ``trigger`` with ``selection_add`` and extends this hook with
        ``super()``. Called on one rule (its callables are bound to that rule)
        or on the empty model (to list the triggers). A spec holds:

        - ``"model"``: the model whose records the finder returns (a model
          name; the rule's own model for the domain trigger, False on the
          empty model);
        - ``"activity_type"``: the XML id of the activity type proposed for
          the trigger, or None;
        - ``"find"``: ``find(today)``, the SQL condition (on the alias
          ``rec``, a row of the model's table) of the records that need a
          follow-up today, in one query whatever their number; the engine
          adds the rule's company and teams, the coordination scope and the
          absence of an open or recent follow-up of the rule;
        - ``"resolve"`` (optional): ``resolve(today)``, an SQL expression on
          ``rec`` and ``act`` (the open follow-up) that gives a key of
          :meth:`_close_reasons` when the follow-up has no reason left, NULL
          while it has; without it, follow-ups are done by their assignee;
        - ``"targets"`` and ``"plan"`` (optional, together): when the
          follow-ups go on other records than those found (a meeting's goes on
          its order or opportunity): the models they go on, and
          ``plan(records, today)``, which plans them (see
          :meth:`_create_followups`) and returns how many it created.
        """
        return {}

    def _followup_trigger(self):
        """The spec of this rule's trigger (see :meth:`_followup_triggers`)."""
        self.ensure_one()
        return self._followup_triggers()[self.trigger]

    def _target_models(self):
        """Models the rule's activities are planned on."""
        self.ensure_one()
        spec = self._followup_triggers().get(self.trigger)
        if not spec:
            return []
        if "targets" in spec:
            return list(spec["targets"])
        return [spec["model"]] if spec["model"] else []

    # === BUSINESS METHODS: RULE MIXIN ===

    @api.model
    def _rule_domain_depends(self):
        return ("trigger", "model_id", "domain")

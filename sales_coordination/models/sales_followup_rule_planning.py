# The rule split by capability (see sales_followup_rule.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
import logging
from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# The context of the nightly creation of follow-ups: Odoo's own bulk flags,
# so that no assignment e-mail or notification is sent per activity.
FOLLOWUP_CREATE_CONTEXT = {
    "mail_activity_quick_update": True,
    "mail_create_nosubscribe": True,
    "tracking_disable": True,
}


# How each document model reaches its owners: the fields read by the assignee
# chain, when the model has them (see _followup_owner_fields).
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


class SalesFollowupRule(models.Model):
    """Planning of the follow-ups: the records found get one activity each,
    assigned through the assignee chain, stored by :meth:`_insert_followups`,
    and their assignees get one summary per run."""

    _inherit = "sales.followup.rule"

    # === BUSINESS METHODS: PLANNING ===

    def _plan_followups(self, records, today):
        """Plan one follow-up per record (already filtered by the finder), or
        let the trigger plan them when it has its own ``plan`` (see
        :meth:`_followup_triggers`).

        :return: the number of activities created
        """
        self.ensure_one()
        records = records.sudo()
        plan = self._followup_trigger().get("plan")
        if plan:
            return plan(records, today)
        return self._create_followups(list(records), today)

    def _open_followup_keys(self, targets):
        """The ``(model, id)`` of ``targets`` (a list of records) that have an
        open follow-up of this rule."""
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

        - ``sql`` (the default): ``mail.activity._sc_insert_followups``, one
          statement per batch, as ``mail.activity.create`` would store the
          rows: other addons' column defaults (a required field with a
          default included) are applied, the assignees follow their records
          with the default subtypes; other addons' overrides of ``create`` do
          not run;
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
        return self.env["mail.activity"]._sc_insert_followups(
            rows, self._followup_activity_values(deadline)
        )

    def _followup_activity_values(self, deadline):
        """The values every follow-up this rule plans in a batch shares."""
        self.ensure_one()
        return {
            "activity_type_id": self.activity_type_id.id,
            "summary": self.activity_type_id.summary or self.name,
            "date_deadline": deadline,
            "followup_rule_id": self.id,
        }

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
        common = self._followup_activity_values(deadline)
        model_ids = {
            model: self.env["ir.model"]._get_id(model)
            for model in {record._name for record, __ in rows}
        }
        vals_list = [
            {
                "res_model_id": model_ids[record._name],
                "res_id": record.id,
                **common,
                "user_id": user.id,
                "automated": True,
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
            fields_map = self._followup_owner_fields(model)
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

    @api.model
    def _followup_owner_fields(self, model):
        """How the records of ``model`` reach their owners: ``{role: field}``
        for the roles ``coordinator``, ``administrator`` and ``salesperson``
        (the fields the model lacks are skipped)."""
        return OWNER_FIELDS.get(model, DEFAULT_OWNER_FIELDS)

    def _assignee_chain(self, target, has, owner_fields):
        """Candidate assignees of ``target``, best first (a generator)."""
        role = self.assign_to
        users = self.env["res.users"]
        team = target.team_id if has["team_id"] else self.env["crm.team"]
        if role in ("coordinator", "administrator"):
            yield target[owner_fields[role]] if role in owner_fields else users
            # the customer's owner, else the team's (the one resolver); the
            # team's again when the customer's cannot take it
            Partner = self.env["res.partner"]
            customer = target.partner_id if has["partner_id"] else Partner
            yield customer._sc_resolve_owner(role, team)
            yield Partner._sc_resolve_owner(role, team)
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

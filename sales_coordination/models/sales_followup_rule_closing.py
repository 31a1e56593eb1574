# The rule split by capability (see sales_followup_rule.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class SalesFollowupRule(models.Model):
    """Automatic closing of the follow-ups whose reason is gone: in a pass
    before each run, and at once where the event passes through the addon's
    code (:meth:`_close_followups_of`); closed means done the Odoo way
    (:meth:`_mark_followups_done`)."""

    _inherit = "sales.followup.rule"

    # === BUSINESS METHODS: CLOSING ===

    @api.model
    def _close_reasons(self):
        """The feedback of a follow-up closed automatically, per reason key
        (the keys the triggers' ``resolve`` expressions give, see
        :meth:`_followup_triggers`): each trigger family extends it with
        ``super()``."""
        return {}

    def _close_resolved_followups(self, today, batch_size=None, commit=False):
        """Close, as done, the open follow-ups of the rules in ``self`` whose
        reason is gone (see ``_resolved_query``), set-wise, rule by rule and
        batch by batch, each batch guarded like the planning
        (:meth:`_run_guarded_batches`). Follow-ups closed by hand are never
        reopened: only open ones are read. Running it again closes nothing
        more.

        :return: the number of follow-ups closed
        """
        # One cache for the whole pass: the bodies rendered so far.
        cache = {}
        return self._run_guarded_batches(
            lambda rule, after_id: rule._close_resolved_batch(
                today, batch_size, after_id=after_id, cache=cache
            ),
            batch_size,
            commit=commit,
        )

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
        reason is gone (its trigger's ``resolve``, see
        :meth:`_followup_triggers`), or None for a trigger that never closes
        (a meeting's follow-up is done by its assignee)."""
        self.ensure_one()
        trigger = self._followup_trigger()
        resolve = trigger.get("resolve")
        if resolve is None:
            return None
        # The queries read the tables directly: write pending changes first.
        self.env.flush_all()
        model = trigger["model"]
        table = self.env[model]._table
        reason = SQL("%s", reason) if reason else resolve(today)
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
            .search(self._close_rules_domain(records._name))
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
    @api.model
    def _close_rules_domain(self, model):
        """The search domain of the rules whose follow-ups on records of
        ``model`` close automatically: those whose trigger finds records of
        ``model`` and resolves them; a trigger family whose model is the
        rule's own (the domain trigger) extends it."""
        triggers = self.browse()._followup_triggers()
        return [
            (
                "trigger",
                "in",
                [
                    trigger
                    for trigger, spec in triggers.items()
                    if spec["model"] == model and spec.get("resolve")
                ],
            )
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
        statement (``mail.message._sc_insert_done_messages``, measured by
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
        self.env["mail.message"]._sc_insert_done_messages(vals_list, cache=cache)
        types = self.env["mail.activity.type"].browse({row[4] for row in rows})
        kept_types = set(types.filtered("keep_done").ids)
        kept = activities.browse(row[0] for row in rows if row[4] in kept_types)
        kept.with_context(mail_activity_quick_update=True).action_archive()
        (activities - kept).unlink()

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL


class SalesCoordinationReassign(models.AbstractModel):
    """Moving work from one person to another, set-wise: the owner field of
    many records in one statement, their followers swapped, one note per
    record. The portfolio hand-over (``sales.coordination.handoff``) and the
    hand-over at the start of an absence (``sales.coordination.absence``)
    both use it. (A service model, like ``sales.coordination.field.guard``.)

    The writes are done in SQL on purpose: the ORM's ``write`` of these
    fields runs per record (a partner syncs its contacts one company at a
    time, an activity subscribes its assignee one document at a time, a
    support request notifies its assignee one by one), which a hand-over of
    thousands of records cannot afford (``bench/bench_handoff.py``). The
    fields' dependencies are still recomputed (``modified``), and each record
    gets a note in its chatter instead of a tracking line.
    """

    _name = "sales.coordination.reassign"
    _description = "Sales Coordination: moving work between people"

    # === BUSINESS METHODS ===

    @api.model
    def _sc_reassign(self, records, fname, to_user):
        """Set ``fname`` (a many2one to ``res.users``) of ``records`` to
        ``to_user`` in one statement, and mark what depends on it for
        recomputation. The caller has checked the rights."""
        if not records:
            return
        Model = records.browse().sudo()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET %s = %s, write_uid = %s, write_date = %s WHERE id IN %s",
                SQL.identifier(Model._table),
                SQL.identifier(fname),
                to_user.id,
                self.env.uid,
                fields.Datetime.now(),
                tuple(records.ids),
            )
        )
        records.invalidate_recordset([fname, "write_uid", "write_date"])
        # read back at once (the stored columns): what depends on the field
        # is recomputed from the cache, not by chunks of the prefetch size
        records.fetch(
            [
                name
                for name, field in records._fields.items()
                if field.store and field.column_type and field.prefetch is True
            ]
        )
        records.modified([fname])

    @api.model
    def _sc_swap_followers(self, model, res_ids, from_partner, to_partner):
        """Replace ``from_partner`` by ``to_partner`` among the followers of
        the ``model`` records ``res_ids`` (two statements); where both
        follow, ``from_partner``'s subscription goes.

        :return: the number of subscriptions of ``from_partner`` replaced
        """
        if not res_ids or not from_partner or from_partner == to_partner:
            return 0
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """DELETE FROM mail_followers old
                    WHERE old.res_model = %(model)s AND old.res_id IN %(ids)s
                      AND old.partner_id = %(old)s
                      AND EXISTS (SELECT 1 FROM mail_followers new
                                   WHERE new.res_model = old.res_model
                                     AND new.res_id = old.res_id
                                     AND new.partner_id = %(new)s)""",
                model=model,
                ids=tuple(res_ids),
                old=from_partner.id,
                new=to_partner.id,
            )
        )
        count = cr.rowcount
        cr.execute(
            SQL(
                "UPDATE mail_followers SET partner_id = %s "
                "WHERE res_model = %s AND res_id IN %s AND partner_id = %s",
                to_partner.id,
                model,
                tuple(res_ids),
                from_partner.id,
            )
        )
        count += cr.rowcount
        self.env["mail.followers"].invalidate_model()
        if "message_follower_ids" in self.env[model]._fields:
            self.env[model].invalidate_model(
                ["message_follower_ids", "message_partner_ids", "message_is_follower"]
            )
        return count

    @api.model
    def _sc_count_followers(self, model, res_ids, partner):
        """How many of the ``model`` records ``res_ids`` ``partner`` follows
        (what :meth:`_sc_swap_followers` would replace)."""
        if not res_ids or not partner:
            return 0
        return (
            self.env["mail.followers"]
            .sudo()
            .search_count(
                [
                    ("res_model", "=", model),
                    ("res_id", "in", list(res_ids)),
                    ("partner_id", "=", partner.id),
                ]
            )
        )

    @api.model
    def _sc_log_notes(self, model, bodies):
        """One note per record, by the current user, in one statement
        (``mail.message._sc_insert_done_messages``: the ORM's create of
        messages costs about a millisecond each, the body sanitized every
        time): ``bodies`` is ``{res_id: text}``; a model without a chatter
        gets none."""
        Model = self.env[model]
        if not bodies or not hasattr(Model, "_message_log_batch"):
            return
        records = Model.sudo().browse(list(bodies))
        # what the names and reply-to read, in one query for all the records
        records.fetch(
            [
                fname
                for fname in (
                    records._rec_name,
                    "complete_name",
                    records._mail_get_company_field(),
                )
                if fname and fname in records._fields and records._fields[fname].store
            ]
        )
        author = self.env.user.partner_id
        reply_to = records._notify_get_reply_to(default=author.email_formatted)
        subtype = self.env.ref("mail.mt_note")
        escaped = {}
        vals_list = []
        for record in records:
            text = bodies[record.id]
            if text not in escaped:
                escaped[text] = Markup("<p>%s</p>") % text
            vals_list.append(
                {
                    "model": model,
                    "res_id": record.id,
                    "record_name": record.display_name,
                    "reply_to": reply_to.get(record.id) or False,
                    "body": escaped[text],
                    "message_type": "notification",
                    "subtype_id": subtype.id,
                    "mail_activity_type_id": None,
                    "author_id": author.id,
                }
            )
        self.env["mail.message"]._sc_insert_done_messages(vals_list)

    @api.model
    def _sc_move_activities(self, activities, to_user, note, noted=None):
        """Give ``activities`` to ``to_user``: one statement, the new assignee
        follows their documents (bulk), one note per document (``note``, a
        text; not on the documents of ``noted``, ``{model: ids}``, which got
        theirs already) and one refresh of both activity counters."""
        if not activities:
            return
        activities = activities.sudo()
        # all of them in one read (a loop over the records would read them by
        # chunks of the prefetch size)
        activities.fetch(["res_model", "res_id", "user_id"])
        rows = [(a.res_model, a.res_id) for a in activities if a.res_model]
        before = activities.user_id
        self._sc_reassign(activities, "user_id", to_user)
        self.env["mail.followers"]._sc_insert_followers(
            [(model, res_id, to_user.partner_id.id) for model, res_id in set(rows)]
        )
        by_model = {}
        for model, res_id in rows:
            by_model.setdefault(model, set()).add(res_id)
        for model, res_ids in by_model.items():
            if model in self.env:
                res_ids -= set((noted or {}).get(model, ()))
                self._sc_log_notes(model, dict.fromkeys(res_ids, note))
        (before | to_user)._bus_send(
            "mail.activity/updated", {"activity_created": True}
        )

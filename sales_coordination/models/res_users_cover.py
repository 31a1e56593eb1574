# res.users split by capability: this file says who covers for whom.
# pylint: disable=consider-merging-classes-inherited
from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError


class ResUsers(models.Model):
    """Who covers for whom (``sales.coordination.absence``): the one lookup
    of cover, used by the follow-ups, the support requests, the override
    requests, *My Day* and integrators."""

    _inherit = "res.users"

    # === BUSINESS METHODS: PUBLIC ===

    @api.model
    @api.readonly
    def get_coordination_cover(self, user_ids, at=None):
        """Who covers for each of ``user_ids`` on a day.

        Public (RPC) entry point for internal users:
        ``execute_kw(db, uid, key, "res.users", "get_coordination_cover",
        [[7, 9]], {"at": "2026-12-24"})``. Read-only; two queries whatever
        the number of users.

        :param list user_ids: ids of users (readable by the caller)
        :param at: a date or ``'YYYY-MM-DD'``; default today in the
            caller's time zone
        :return: one dict per id of ``user_ids``, in that order:
            ``{"user_id": id, "covered_by": id or False, "until": 'YYYY-MM-DD'
            or False}``. ``until`` is the last day of the user's absence when
            the user is away that day (else False); ``covered_by`` whoever
            receives their work then: the backup, or the backup's backup when
            the backup is away too (False when nobody can)
        :raise UserError: when ``user_ids`` is not a list of ids or ``at``
            not a date
        :raise MissingError: on the id of a user that does not exist
        :raise AccessError: for a portal user, or a user the caller may not
            read
        """
        if not self.env.user._is_internal():
            raise AccessError(self.env._("Only internal users may look up cover."))
        Check = self.env["sales.coordination.rpc.check"]
        users = Check._sc_browse_ids("res.users", user_ids, "user_ids").with_context(
            active_test=False
        )
        users.check_access("read")
        if at is None:
            day = fields.Date.context_today(self)
        else:
            day = Check._sc_check_date(at, "at")
            if isinstance(day, datetime):
                day = day.date()
        cover = users._sc_cover_map(day)
        result = []
        for user_id in user_ids:
            entry = cover.get(user_id)
            backup = entry["user"] if entry else False
            result.append(
                {
                    "user_id": user_id,
                    "covered_by": backup.id if backup else False,
                    "until": fields.Date.to_string(entry["until"]) if entry else False,
                }
            )
        return result

    # === BUSINESS METHODS ===

    def _sc_cover_map(self, day):
        """The users of ``self`` away on ``day``, and who covers for them.

        The backup covers; when the backup is away too, the backup's
        backup, and so on (a loop of absences ends with nobody). A backup
        who is no longer an active internal user is skipped the same way.

        :return: ``{user id: {"user": the covering user (empty when nobody
            can), "absence": the absence, "until": its last day}}`` for the
            users of ``self`` away that day; one query
        """
        if not self:
            return {}
        absences = (
            self.env["sales.coordination.absence"]
            .sudo()
            .search([("date_from", "<=", day), ("date_to", ">=", day)])
        )
        away = {absence.user_id.id: absence for absence in absences}
        result = {}
        for user in self:
            absence = away.get(user.id)
            if not absence:
                continue
            seen = {user.id}
            backup = absence.backup_user_id
            while backup and backup.id not in seen:
                seen.add(backup.id)
                if backup.active and not backup.share and backup.id not in away:
                    break
                # away too, or gone: their own backup takes it
                backup = away[backup.id].backup_user_id if backup.id in away else None
            else:
                backup = None
            result[user.id] = {
                "user": (backup or self.browse()).with_env(self.env),
                "absence": absence,
                "until": absence.date_to,
            }
        return result

    @api.model
    def _sc_covering_note(self, absent):
        """The words that tell that work went to a backup."""
        return self.env._("covering for %(name)s", name=absent.name)

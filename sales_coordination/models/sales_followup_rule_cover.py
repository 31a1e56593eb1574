# The rule split by capability (see sales_followup_rule.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class SalesFollowupRule(models.Model):
    """Cover: the assignee chain continues to the backup of an assignee who
    is away (``res.users._sc_cover_map``), for every trigger, the delivery
    follow-ups included; the follow-up's summary says whom the backup covers
    for."""

    _inherit = "sales.followup.rule"

    # === BUSINESS METHODS: COVER ===

    def _create_followups(self, targets, today):
        # the day the cover is looked up for: the run's
        rule = self.with_context(sc_cover_day=fields.Date.to_string(today))
        return super(SalesFollowupRule, rule)._create_followups(targets, today)

    def _insert_followups(self, rows, deadline):
        day = self.env.context.get("sc_cover_day") or fields.Date.context_today(self)
        rows, covered = self._cover_rows(rows, fields.Date.to_date(day))
        activities = super()._insert_followups(rows, deadline)
        if covered:
            self.env["mail.activity"]._sc_note_cover(activities, covered)
        return activities

    def _cover_rows(self, rows, day):
        """``rows`` (record, user) with the users away on ``day`` replaced by
        whoever covers for them and may work in the record's company.

        :return: (the rows, ``{(model, id): the user away}`` of the rows
            given to a backup)
        """
        users = self.env["res.users"].union(*(user for __, user in rows))
        cover = users._sc_cover_map(day)
        if not cover:
            return rows, {}
        result = []
        covered = {}
        for record, user in rows:
            backup = cover.get(user.id, {}).get("user")
            company = record.company_id if "company_id" in record._fields else None
            if backup and (not company or company in backup.company_ids):
                covered[(record._name, record.id)] = user
                user = backup
            result.append((record, user))
        return result, covered

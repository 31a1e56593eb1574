# Cover beside the follow-up fields of activities: the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # === BUSINESS METHODS: COVER ===

    @api.model
    def _sc_note_cover(self, activities, covered):
        """Say on ``activities`` given to a backup whom the backup covers
        for: "<summary> (covering for <name>)". One write per person away
        and summary.

        :param covered: ``{(res_model, res_id): the user away}``
        """
        groups = {}
        for activity in activities.sudo():
            absent = covered.get((activity.res_model, activity.res_id))
            if absent:
                key = (absent, activity.summary or activity.activity_type_id.name)
                groups.setdefault(key, activities.browse())
                groups[key] |= activity
        Users = self.env["res.users"]
        for (absent, summary), group in groups.items():
            group.sudo().with_context(mail_activity_quick_update=True).write(
                {
                    "summary": self.env._(
                        "%(summary)s (%(cover)s)",
                        summary=summary or "",
                        cover=Users._sc_covering_note(absent),
                    )
                }
            )

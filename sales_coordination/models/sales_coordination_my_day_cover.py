# The cover section beside My Day's own sections: the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models


class SalesCoordinationMyDay(models.AbstractModel):
    _inherit = "sales.coordination.my.day"

    # === BUSINESS METHODS: PUBLIC ===

    @api.model
    @api.readonly
    def get_my_day(self, limit=10):
        """See ``sales_coordination_my_day.py``; adds the section
        ``covering``: the absences of the people I cover for today (one
        record per person away: their name, and their last day away as
        ``date``)."""
        result = super().get_my_day(limit=limit)
        result["covering"] = self._my_day_covering(
            fields.Date.context_today(self), limit
        )
        return result

    # === BUSINESS METHODS: SECTIONS ===

    def _my_day_covering(self, today, limit):
        """The people away today for whom I am the one who covers (directly,
        or because their backup is away too)."""
        Absence = self.env["sales.coordination.absence"].sudo()
        absences = Absence.search(
            [("date_from", "<=", today), ("date_to", ">=", today)]
        )
        cover = absences.user_id._sc_cover_map(today)
        mine = absences.filtered(
            lambda a: cover.get(a.user_id.id, {}).get("user") == self.env.user
        ).sorted(lambda a: (a.date_to, a.id))
        domain = [("id", "in", mine.ids)]
        return {
            "count": len(mine),
            "model": Absence._name,
            "domain": domain,
            "records": [
                {
                    "id": absence.id,
                    "model": absence._name,
                    "name": absence.user_id.name,
                    "customer": "",
                    "date": fields.Date.to_string(absence.date_to),
                    "detail": self.env._(
                        "Covering until %(day)s",
                        day=fields.Date.to_string(absence.date_to),
                    ),
                    "state": "covering",
                }
                for absence in mine[:limit]
            ],
        }

# The cover section beside My Day's own sections: the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class SalesCoordinationMyDay(models.AbstractModel):
    _inherit = "sales.coordination.my.day"

    # === BUSINESS METHODS: SECTIONS ===

    def _my_day_sections(self):
        """Adds ``covering``: the absences of the people I cover for today
        (one record per person away: their name, and their last day away as
        ``date``); shown only while there is one (``hide_empty``)."""
        return [
            *super()._my_day_sections(),
            (
                "covering",
                self.env._("Covering for colleagues away"),
                self._my_day_covering,
            ),
        ]

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
            "hide_empty": True,
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
                    "date_label": self._my_day_date_label(absence.date_to),
                    "detail": self.env._(
                        "Covering until %(day)s",
                        day=self._my_day_date_label(absence.date_to),
                    ),
                    "state": "covering",
                }
                for absence in mine[:limit]
            ],
        }

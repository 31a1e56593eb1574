# My Day split by capability (see sales_coordination_my_day.py).
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class SalesCoordinationMyDay(models.AbstractModel):
    """*My Day*'s follow-ups include those waiting in the coordination queue
    of the user's teams (see ``mail.activity.coordination_team_id``)."""

    _inherit = "sales.coordination.my.day"

    # === BUSINESS METHODS: SECTIONS ===

    def _my_day_followup_owner_domain(self):
        """Whose follow-ups *My Day* lists: the user's own, and those in the
        queues of the teams they coordinate."""
        return [
            "|",
            ("user_id", "=", self.env.uid),
            ("followup_in_my_queue", "=", True),
        ]

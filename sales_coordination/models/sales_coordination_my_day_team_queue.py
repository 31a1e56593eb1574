# My Day split by capability (see sales_coordination_my_day.py).
# pylint: disable=consider-merging-classes-inherited
from odoo import models
from odoo.osv import expression


class SalesCoordinationMyDay(models.AbstractModel):
    """*My Day*'s follow-ups include those waiting in the coordination queue
    of the user's teams (see ``mail.activity.coordination_team_id``)."""

    _inherit = "sales.coordination.my.day"

    # === BUSINESS METHODS: SECTIONS ===

    def _my_day_followup_domain(self):
        """My follow-ups, and those waiting in the queues of the teams I
        coordinate (only the follow-up rules put an activity in a queue)."""
        return expression.OR(
            [super()._my_day_followup_domain(), [("followup_in_my_queue", "=", True)]]
        )

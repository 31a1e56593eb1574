# The indexes on calendar_event live in the init() of the model that owns it.
# pylint: disable=consider-merging-classes-inherited
from odoo import models
from odoo.tools.sql import create_index


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    # === INIT: indexes the KPI queries rely on ===

    def init(self):
        res = super().init()
        create_index(
            self.env.cr,
            "calendar_event_sc_kpi_start_index",
            "calendar_event",
            ["start"],
        )
        return res

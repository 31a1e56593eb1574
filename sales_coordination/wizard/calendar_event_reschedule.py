from datetime import timedelta

from odoo import api, fields, models


class CalendarEventReschedule(models.TransientModel):
    """The dialog of the meeting form's *Reschedule*: the new date and time,
    and whether the attendees get an invitation (not unless asked)."""

    _name = "calendar.event.reschedule"
    _description = "Reschedule a Meeting"

    # === FIELDS ===

    event_id = fields.Many2one(
        comodel_name="calendar.event",
        string="Meeting",
        required=True,
        ondelete="cascade",
    )
    start = fields.Datetime(string="New Start", required=True)
    notify_attendees = fields.Boolean(
        string="Send the attendees an invitation",
        help="Odoo's calendar invitation, with the new date, to every attendee "
        "but you.",
    )

    # === CRUD METHODS ===

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        active_id = self.env.context.get("active_id")
        if (
            self.env.context.get("active_model") == "calendar.event"
            and isinstance(active_id, int)
            and not isinstance(active_id, bool)
        ):
            event = self.env["calendar.event"].browse(active_id).exists()
            if event:
                values.setdefault("event_id", event.id)
                if "start" in fields_list and event.start:
                    values.setdefault("start", event.start + timedelta(days=7))
        return values

    # === ACTION METHODS ===

    def action_apply(self):
        """Reschedule the meeting (see ``calendar.event.
        action_outcome_rescheduled``) and open the new one."""
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        return self.event_id.action_outcome_rescheduled(
            self.start, notify_attendees=self.notify_attendees
        )

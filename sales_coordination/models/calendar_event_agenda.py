# calendar.event split by capability (see calendar_event.py).
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class CalendarEvent(models.Model):
    """Where a meeting stands for the coordinator: still to come, or over
    and waiting for its outcome. One definition for the filters of the
    *Meetings* list and for the domains that select meetings to act on: a
    meeting with an outcome is neither."""

    _inherit = "calendar.event"

    # === FIELDS ===

    coordination_agenda = fields.Selection(
        selection=[
            ("upcoming", "Upcoming"),
            ("outcome_due", "Past without Outcome"),
        ],
        string="Agenda",
        compute="_compute_coordination_agenda",
        search="_search_coordination_agenda",
        help="Upcoming: planned and not over yet. Past without outcome: over, "
        "and no outcome recorded. Empty once the meeting has an outcome.",
    )

    # === COMPUTE METHODS ===

    @api.depends("coordination_outcome", "stop")
    def _compute_coordination_agenda(self):
        now = fields.Datetime.now()
        for event in self:
            if event.coordination_outcome != "planned":
                event.coordination_agenda = False
            elif event.stop and event.stop < now:
                event.coordination_agenda = "outcome_due"
            else:
                event.coordination_agenda = "upcoming"

    def _search_coordination_agenda(self, operator, value):
        several = operator in ("in", "not in")
        values = list(value) if several and isinstance(value, list | tuple) else [value]
        if operator not in ("=", "!=", "in", "not in") or not all(
            isinstance(item, str | bool) or item is None for item in values
        ):
            raise UserError(
                self.env._(
                    "The meetings' agenda is searched with =, !=, in or not in "
                    "and its values (upcoming, outcome_due or False), got "
                    "%(operator)s %(value)r.",
                    operator=operator,
                    value=value,
                )
            )
        values = set(values)
        now = fields.Datetime.to_string(fields.Datetime.now())
        planned = [("coordination_outcome", "=", "planned")]
        parts = []
        if "upcoming" in values:
            parts.append(planned + ["|", ("stop", "=", False), ("stop", ">=", now)])
        if "outcome_due" in values:
            parts.append(planned + [("stop", "<", now)])
        if False in values or None in values:
            parts.append([("coordination_outcome", "!=", "planned")])
        domain = expression.OR(parts) if parts else list(expression.FALSE_DOMAIN)
        if operator in ("!=", "not in"):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

# Set by the outcome actions and the follow-up rules only (see
# sales.coordination.field.guard).
PROTECTED_FIELDS = frozenset(
    {
        "coordination_outcome",
        "rescheduled_event_id",
        "coordination_followup_done",
        "coordination_partner_id",
    }
)


class CalendarEvent(models.Model):
    _name = "calendar.event"
    _inherit = ["calendar.event", "sales.coordination.scope.mixin"]  # noqa: RUF012

    # === FIELDS ===

    coordination_outcome = fields.Selection(
        selection=[
            ("planned", "Planned"),
            ("held", "Held"),
            ("no_show", "No Show"),
            ("rescheduled", "Rescheduled"),
            ("cancelled", "Cancelled"),
        ],
        string="Outcome",
        default="planned",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
        help="What happened to the meeting, recorded with the outcome buttons. "
        "Held meetings linked to an opportunity or an order get a follow-up.",
    )
    sale_order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Sales Order",
        index="btree_not_null",
        ondelete="set null",
    )
    rescheduled_event_id = fields.Many2one(
        comodel_name="calendar.event",
        string="Rescheduled To",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        readonly=True,
    )
    coordination_followup_done = fields.Boolean(
        string="Follow-up Planned",
        copy=False,
        readonly=True,
        help="Set once the follow-up rules handled this held meeting.",
    )
    sc_coordinated = fields.Boolean(
        string="Coordinated Meeting",
        help="Technical: unset when the meeting belongs to a sales team out of "
        "coordination: its opportunity's or order's, or else its organizer's.",
    )

    # === SCOPE ===

    @api.model
    def _sc_coordinated_domain(self, prefix=""):
        """A meeting belongs to its opportunity's or order's team, else to its
        organizer's (see the scope mixin)."""
        teams = self.env["crm.team"]._sc_uncoordinated_team_ids()
        if not teams:
            return list(expression.TRUE_DOMAIN)
        of_teams = [("team_id", "in", teams)]
        return [
            (f"{prefix}opportunity_id", "not any", of_teams),
            (f"{prefix}sale_order_id", "not any", of_teams),
            "|",
            "|",
            (f"{prefix}opportunity_id", "!=", False),
            (f"{prefix}sale_order_id", "!=", False),
            (f"{prefix}user_id", "not any", [("sale_team_id", "in", teams)]),
        ]

    @api.model
    def _sc_coordinated_sql(self, alias):
        """:meth:`_sc_coordinated_domain` as an SQL condition on the
        ``calendar_event`` row ``alias``, for the aggregates: the same
        meetings (the opportunity, the order and the organizer are searched
        as the domain searches them, record rules included), but each
        opportunity and order is probed by its id (a correlated NOT EXISTS)
        instead of a NOT IN over every lead and order of the teams, which
        PostgreSQL rescans for each meeting once it is too big to hash."""
        teams = self.env["crm.team"]._sc_uncoordinated_team_ids()
        if not teams:
            return SQL("TRUE")
        event = SQL.identifier(alias)
        conditions = []
        for fname in ("opportunity_id", "sale_order_id"):
            query = self.env[self._fields[fname].comodel_name]._search(
                [("team_id", "in", teams)]
            )
            query.add_where(
                SQL(
                    "%s = %s.%s",
                    SQL.identifier(query.table, "id"),
                    event,
                    SQL.identifier(fname),
                )
            )
            # OFFSET 0 keeps it a probe by id for each meeting of the period:
            # as an anti-join, PostgreSQL would hash every lead of the teams.
            conditions.append(SQL("NOT EXISTS(%s OFFSET 0)", query.select(SQL("1"))))
        organizers = self.env["res.users"]._search([("sale_team_id", "in", teams)])
        conditions.append(
            SQL(
                "(%(e)s.opportunity_id IS NOT NULL OR %(e)s.sale_order_id IS NOT NULL"
                " OR %(e)s.user_id IS NULL OR %(e)s.user_id NOT IN %(organizers)s)",
                e=event,
                organizers=organizers.subselect(),
            )
        )
        return SQL("(%s)", SQL(" AND ").join(conditions))

    # === CONSTRAINT METHODS ===

    @api.constrains("sale_order_id", "user_id")
    def _check_sale_order_id(self):
        """A meeting links only an order its author may read, of a company of
        the meeting's organizer."""
        for event in self.filtered("sale_order_id"):
            order = event.sudo().sale_order_id
            if not self.env.su and not order.with_env(self.env).has_access("read"):
                raise ValidationError(
                    self.env._(
                        "You cannot link meeting %(meeting)s to order %(order)s: "
                        "you may not read that order.",
                        meeting=event.sudo().display_name,
                        order=order.id,
                    )
                )
            organizer = event.sudo().user_id
            if organizer and order.company_id not in organizer.company_ids:
                raise ValidationError(
                    self.env._(
                        "Order %(order)s belongs to %(company)s, a company "
                        "%(organizer)s does not work for: it cannot be linked "
                        "to their meeting %(meeting)s.",
                        order=order.name,
                        company=order.company_id.name,
                        organizer=organizer.name,
                        meeting=event.sudo().display_name,
                    )
                )

    # === CRUD METHODS ===

    @api.model_create_multi
    def create(self, vals_list):
        events = self.env["sales.coordination.field.guard"]._sc_guard_create(
            self, vals_list, PROTECTED_FIELDS
        )
        return super(CalendarEvent, events).create(vals_list)

    def write(self, vals):
        self.env["sales.coordination.field.guard"]._sc_guard_write(
            self, vals, PROTECTED_FIELDS
        )
        return super().write(vals)

    # === ACTION METHODS ===

    def action_outcome_held(self):
        """Record that the meeting took place. It must have started."""
        self._check_outcome_change()
        now = fields.Datetime.now()
        future = self.filtered(lambda e: e.start and e.start > now)
        if future:
            raise UserError(
                self.env._(
                    "Meeting %(name)s has not started yet: it cannot be held.",
                    name=future[0].display_name,
                )
            )
        self._write_outcome({"coordination_outcome": "held"})
        return True

    def action_outcome_no_show(self):
        self._check_outcome_change()
        self._write_outcome({"coordination_outcome": "no_show"})
        return True

    def action_outcome_cancelled(self):
        self._check_outcome_change()
        self._write_outcome({"coordination_outcome": "cancelled"})
        return True

    def action_outcome_reset(self):
        """Back to planned, e.g. after a wrong click."""
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self)
        self.check_access("write")
        self._check_outcome_author()
        followed = self.filtered("coordination_followup_done")
        if followed:
            raise UserError(
                self.env._(
                    "Meeting %(name)s already has its follow-up: its outcome "
                    "can no longer change.",
                    name=followed[0].display_name,
                )
            )
        self._write_outcome(
            {"coordination_outcome": "planned", "rescheduled_event_id": False}
        )
        return True

    def action_outcome_rescheduled(self, start=None, notify_attendees=False):
        """Mark the meeting rescheduled and create the new one, linked to it.

        :param start: start of the new meeting (datetime or string); one week
            later by default
        :param notify_attendees: send the attendees the invitation to the new
            meeting (Odoo's calendar invitation); none by default
        :return: an action opening the new meeting
        """
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        self._check_outcome_change()
        check = self.env["sales.coordination.rpc.check"]
        if start:
            try:
                start = fields.Datetime.to_datetime(start)
            except (TypeError, ValueError) as error:
                raise UserError(
                    self.env._("%(start)s is not a valid date and time.", start=start)
                ) from error
            check._sc_check_date(start, self.env._("The new start"))
        else:
            check._sc_check_date(self.start, self.env._("The meeting's start"))
        new_start = start or self.start + timedelta(days=7)
        duration = (self.stop - self.start) if self.stop else timedelta(hours=1)
        if duration > check._sc_latest_datetime() - new_start:
            raise UserError(
                self.env._(
                    "A meeting starting on %(start)s and lasting as long as this "
                    "one would end after %(latest)s.",
                    start=new_start,
                    latest=check._sc_latest_datetime().date(),
                )
            )
        new_event = self.with_context(no_mail_to_attendees=not notify_attendees).copy(
            {"start": new_start, "stop": new_start + duration, "allday": self.allday}
        )
        self._write_outcome(
            {
                "coordination_outcome": "rescheduled",
                "rescheduled_event_id": new_event.id,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": new_event.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_open_rescheduled(self):
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        if not self.rescheduled_event_id:
            raise UserError(
                self.env._(
                    "Meeting %(name)s was not rescheduled.", name=self.display_name
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": self.rescheduled_event_id.id,
            "view_mode": "form",
            "target": "current",
        }

    # === BUSINESS METHODS ===

    def _write_outcome(self, vals):
        """Write the outcome fields (protected) for the outcome actions."""
        return self.env["sales.coordination.field.guard"]._sc_write_trusted(self, vals)

    def _check_outcome_change(self):
        """Refuse malformed or unknown ids and meetings that already have an
        outcome; called before anything is written."""
        if not self:
            raise UserError(self.env._("Select the meetings to record an outcome for."))
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self)
        self.check_access("write")
        self._check_outcome_author()
        done = self.filtered(
            lambda e: e.sudo().coordination_outcome not in ("planned", False)
        )
        if done:
            outcome = done[0].sudo().coordination_outcome
            raise UserError(
                self.env._(
                    "Meeting %(name)s already has the outcome %(outcome)s; "
                    "reset it first.",
                    name=done[0].display_name,
                    outcome=dict(
                        self._fields["coordination_outcome"]._description_selection(
                            self.env
                        )
                    ).get(outcome, outcome),
                )
            )

    def _check_outcome_author(self):
        """Who records a meeting's outcome: its organizer, its attendees, and
        for a meeting that is not private to others, the coordination roles.
        Anyone else gets a clear error rather than a private meeting's
        hidden values."""
        if self.env.su:
            return
        user = self.env.user
        coordination = user.has_group(
            "sales_coordination.group_coordinator"
        ) or user.has_group("sales_coordination.group_administrator")
        for event in self:
            sudo_event = event.sudo()
            if user == sudo_event.user_id or user.partner_id in sudo_event.partner_ids:
                continue
            if event._check_private_event_conditions():
                raise UserError(
                    self.env._(
                        "Meeting %(meeting)s is private: only its organizer and "
                        "its attendees record its outcome.",
                        meeting=event.id,
                    )
                )
            if not coordination:
                raise UserError(
                    self.env._(
                        "Only the organizer, the attendees and the coordination "
                        "team record the outcome of meeting %(meeting)s.",
                        meeting=event.display_name,
                    )
                )

    @api.model
    def _coordination_meeting_domain(self):
        """Upcoming meetings and past ones still without an outcome (see
        ``coordination_agenda``): never one with an outcome."""
        return [("coordination_agenda", "in", ["upcoming", "outcome_due"])]

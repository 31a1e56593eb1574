from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sales_coordination_rpc_check import DATE_MAX, DATE_MIN

# Set by the daily hand-over of the absences only (see the field guard).
PROTECTED_FIELDS = frozenset({"handover_done_date"})


class SalesCoordinationAbsence(models.Model):
    """Someone away, from one day to another (both included), and who covers
    for them: while it lasts, what the addon assigns to them goes to the
    backup (``res.users._sc_cover_map``), and the backup's *My Day* shows
    whom they cover for. Nothing moves back by itself at the end."""

    _name = "sales.coordination.absence"
    _description = "Sales Coordination: Absence and Cover"
    _inherit = ["mail.thread"]  # noqa: RUF012
    _order = "date_from desc, id desc"
    _check_company_auto = True

    # === FIELDS ===

    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Away",
        required=True,
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        ondelete="cascade",
        domain="[('share', '=', False)]",
    )
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(
        string="To", required=True, tracking=True, help="The last day away."
    )
    backup_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Covered By",
        required=True,
        index=True,
        tracking=True,
        ondelete="cascade",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Receives what the application assigns to the person away while "
        "the absence lasts.",
    )
    note = fields.Text()
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    handover_open = fields.Boolean(
        string="Hand Over Open Work",
        help="On the first day of the absence, the open follow-ups and "
        "support requests of the person away go to the backup (a note on "
        "each says so). They do not come back by themselves.",
    )
    handover_done_date = fields.Datetime(
        string="Handed Over On",
        readonly=True,
        copy=False,
        help="When the open work was handed to the backup.",
    )

    # === COMPUTE METHODS ===

    @api.depends("user_id", "backup_user_id", "date_from", "date_to")
    def _compute_display_name(self):
        for absence in self:
            absence.display_name = self.env._(
                "%(user)s away, covered by %(backup)s",
                user=absence.user_id.name or "",
                backup=absence.backup_user_id.name or "",
            )

    # === CONSTRAINT METHODS ===

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for absence in self:
            if absence.date_to < absence.date_from:
                raise ValidationError(
                    self.env._(
                        "An absence ends on or after its first day: %(end)s is "
                        "before %(start)s.",
                        end=absence.date_to,
                        start=absence.date_from,
                    )
                )
            if absence.date_from < DATE_MIN or absence.date_to > DATE_MAX:
                raise ValidationError(
                    self.env._(
                        "An absence lies between %(minimum)s and %(maximum)s.",
                        minimum=DATE_MIN,
                        maximum=DATE_MAX,
                    )
                )

    @api.constrains("user_id", "backup_user_id", "company_id")
    def _check_users(self):
        for absence in self.sudo():
            user, backup = absence.user_id, absence.backup_user_id
            if user.share:
                raise ValidationError(
                    self.env._(
                        "Only internal users have absences, not %(user)s.",
                        user=user.name,
                    )
                )
            if backup == user:
                raise ValidationError(
                    self.env._("%(user)s cannot cover for themselves.", user=user.name)
                )
            if not backup.active or backup.share:
                raise ValidationError(
                    self.env._(
                        "%(backup)s cannot cover: choose an active internal user.",
                        backup=backup.name,
                    )
                )
            for person in user | backup:
                if absence.company_id not in person.company_ids:
                    raise ValidationError(
                        self.env._(
                            "%(user)s does not work for %(company)s: the person "
                            "away and their backup both must.",
                            user=person.name,
                            company=absence.company_id.name,
                        )
                    )

    @api.constrains("user_id", "backup_user_id", "date_from", "date_to")
    def _check_overlaps(self):
        """One absence at a time per person, and a backup who is there."""
        Absence = self.sudo()
        for absence in self.sudo():
            overlapping = [
                ("id", "!=", absence.id),
                ("date_from", "<=", absence.date_to),
                ("date_to", ">=", absence.date_from),
            ]
            own = Absence.search(
                [("user_id", "=", absence.user_id.id), *overlapping], limit=1
            )
            if own:
                raise ValidationError(
                    self.env._(
                        "%(user)s is already away from %(start)s to %(end)s: "
                        "change that absence instead.",
                        user=absence.user_id.name,
                        start=own.date_from,
                        end=own.date_to,
                    )
                )
            away = Absence.search(
                [("user_id", "=", absence.backup_user_id.id), *overlapping], limit=1
            )
            if away:
                raise ValidationError(
                    self.env._(
                        "%(backup)s is away from %(start)s to %(end)s and cannot "
                        "cover for %(user)s then: choose someone else.",
                        backup=absence.backup_user_id.name,
                        user=absence.user_id.name,
                        start=away.date_from,
                        end=away.date_to,
                    )
                )

    # === CRUD METHODS ===

    @api.model_create_multi
    def create(self, vals_list):
        absences = self.env["sales.coordination.field.guard"]._sc_guard_create(
            self, vals_list, PROTECTED_FIELDS
        )
        return super(SalesCoordinationAbsence, absences).create(vals_list)

    def write(self, vals):
        self.env["sales.coordination.field.guard"]._sc_guard_write(
            self, vals, PROTECTED_FIELDS
        )
        return super().write(vals)

    # === BUSINESS METHODS ===

    @api.model
    def _cron_hand_over_open_work(self):
        """Daily: the absences that start (or started and were not handed
        over yet) and asked for it hand their person's open follow-ups and
        support requests to the backup."""
        today = fields.Date.context_today(self)
        absences = self.sudo().search(
            [
                ("handover_open", "=", True),
                ("handover_done_date", "=", False),
                ("date_from", "<=", today),
                ("date_to", ">=", today),
            ]
        )
        absences._hand_over_open_work(today)

    def _hand_over_open_work(self, today):
        """Move each absence's open work to whoever covers today (the backup,
        or the backup's backup when the backup is away too)."""
        Reassign = self.env["sales.coordination.reassign"]
        cover = self.user_id._sc_cover_map(today)
        for absence in self.sudo():
            backup = cover.get(absence.user_id.id, {}).get("user")
            if not backup:
                continue
            note = self.env._(
                "Handed over from %(user)s to %(backup)s, who covers until %(until)s.",
                user=absence.user_id.name,
                backup=backup.name,
                until=absence.date_to,
            )
            Reassign._sc_move_activities(absence._open_followups(), backup, note)
            requests = (
                self.env["sales.support.request"]
                .sudo()
                .search(
                    [
                        ("assigned_to_id", "=", absence.user_id.id),
                        ("state", "not in", ("done", "cancelled")),
                    ]
                )
            )
            Reassign._sc_reassign(requests, "assigned_to_id", backup)
            Reassign._sc_swap_followers(
                requests._name,
                requests.ids,
                absence.user_id.partner_id,
                backup.partner_id,
            )
            Reassign._sc_log_notes(requests._name, dict.fromkeys(requests.ids, note))
            self.env["sales.coordination.field.guard"]._sc_write_trusted(
                absence, {"handover_done_date": fields.Datetime.now()}
            )

    def _open_followups(self):
        """The open follow-ups of the person away: the activities the rules
        planned and those of the addon's activity types."""
        self.ensure_one()
        types = self.env["sales.coordination.my.day"]._my_day_followup_types()
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.user_id.id),
                    "|",
                    ("followup_rule_id", "!=", False),
                    ("activity_type_id", "in", types.ids),
                ]
            )
        )

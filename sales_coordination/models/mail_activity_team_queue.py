# The activity split by capability (see mail_activity.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

# Set by the follow-up rules and taken by action_take_followup only.
QUEUE_PROTECTED_FIELDS = frozenset({"coordination_team_id"})


class MailActivity(models.Model):
    """Follow-ups in a sales team's coordination queue: planned by a rule
    that assigns to the team (``assign_to`` = ``team_queue``), seen by every
    coordinator of the team until one of them takes it."""

    _inherit = "mail.activity"

    # === FIELDS ===

    coordination_team_id = fields.Many2one(
        comodel_name="crm.team",
        string="Team Queue",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
        help="The sales team whose coordinators share this follow-up until "
        "one of them takes it. Empty once taken.",
    )
    followup_in_my_queue = fields.Boolean(
        string="In My Team Queues",
        compute="_compute_followup_in_my_queue",
        search="_search_followup_in_my_queue",
        help="The follow-up waits in the queue of a team the current user coordinates.",
    )

    # === COMPUTE METHODS ===

    @api.depends("coordination_team_id")
    @api.depends_context("uid")
    def _compute_followup_in_my_queue(self):
        teams = self.env["crm.team"]._sc_queue_teams_of(self.env.user)
        for activity in self:
            activity.followup_in_my_queue = activity.coordination_team_id in teams

    def _search_followup_in_my_queue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("Search the team queues with = True or = False only.")
            )
        team_ids = self.env["crm.team"]._sc_queue_teams_of(self.env.user).ids
        positive = (operator == "=") == value
        if positive:
            return [("coordination_team_id", "in", team_ids)]
        return [
            "|",
            ("coordination_team_id", "=", False),
            ("coordination_team_id", "not in", team_ids),
        ]

    # === CRUD METHODS ===

    @api.model_create_multi
    def create(self, vals_list):
        activities = self.env["sales.coordination.field.guard"]._sc_guard_create(
            self, vals_list, QUEUE_PROTECTED_FIELDS
        )
        return super(MailActivity, activities).create(vals_list)

    def write(self, vals):
        self.env["sales.coordination.field.guard"]._sc_guard_write(
            self, vals, QUEUE_PROTECTED_FIELDS
        )
        return super().write(vals)

    # === ACTION METHODS ===

    def action_take_followup(self):
        """Take follow-ups out of their team's coordination queue: they are
        assigned to the current user and leave the queue.

        Public (RPC) entry point for Sales Coordinators:
        ``execute_kw(db, uid, key, "mail.activity", "action_take_followup",
        [[id, ...]])``. Every activity must wait in the queue of a team the
        user coordinates (the team's coordinator, or a member who is a Sales
        Coordinator); nothing is taken otherwise.

        :return: True
        :raise UserError: on malformed ids, or an activity in no team queue
        :raise AccessError: when the user is not a coordinator of an
            activity's team
        :raise MissingError: when an activity does not exist
        """
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self)
        self.check_access("read")
        not_queued = self.filtered(lambda activity: not activity.coordination_team_id)
        if not_queued:
            raise UserError(
                self.env._(
                    "%(activities)s is in no team queue: only a follow-up that "
                    "waits in its team's queue can be taken.",
                    activities=", ".join(
                        not_queued.mapped(lambda a: a.summary or a.res_name or "")
                    ),
                )
            )
        teams = self.env["crm.team"]._sc_queue_teams_of(self.env.user)
        foreign = self.coordination_team_id - teams
        if foreign:
            raise AccessError(
                self.env._(
                    "Only the coordinators of %(teams)s can take these follow-ups.",
                    teams=", ".join(foreign.sudo().mapped("name")),
                )
            )
        self._sc_take_followups(self.env.user)
        return True

    # === BUSINESS METHODS ===

    def _sc_take_followups(self, user):
        """Assign the activities to ``user`` and take them out of their
        queue (as superuser: the assignee of an activity may be another
        user; the caller's right to take them is checked before)."""
        activities = self.sudo().with_context(mail_activity_quick_update=True)
        activities.write({"user_id": user.id, "coordination_team_id": False})

    @api.model
    def _sc_set_queue_teams(self, team_of):
        """Put activities in team queues, in one statement.

        :param dict team_of: ``{activity id: crm.team id}``
        """
        self._sc_set_column("coordination_team_id", team_of)

    @api.model
    def _sc_set_column(self, fname, value_of):
        """Set the many2one column ``fname`` of activities, each to its own
        value, in one statement (the team queues here, the activity team of
        the bridge to OCA's mail_activity_team).

        :param dict value_of: ``{activity id: id of the target record}``
        """
        if not value_of:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE mail_activity act SET %s = data.value
                     FROM unnest(%s::int[], %s::int[]) AS data(id, value)
                    WHERE act.id = data.id""",
                SQL.identifier(fname),
                list(value_of),
                list(value_of.values()),
            )
        )
        self.browse(value_of).invalidate_recordset([fname])

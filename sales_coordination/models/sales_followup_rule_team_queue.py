# The rule split by capability (see sales_followup_rule.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class SalesFollowupRule(models.Model):
    """Follow-ups for a sales team's coordination queue: with ``assign_to``
    = ``team_queue``, each follow-up goes to the queue of its record's sales
    team (else its customer's), where every coordinator of the team sees it
    until one of them takes it (``mail.activity.action_take_followup``).
    Odoo requires an assignee on every activity: it is held by the team's
    coordinator, else the team leader, else the rule's fallback user."""

    _inherit = "sales.followup.rule"

    # === FIELDS ===

    assign_to = fields.Selection(
        selection_add=[("team_queue", "Team Queue")],
        ondelete={"team_queue": "set default"},
    )

    # === BUSINESS METHODS: PLANNING ===

    def _insert_followups(self, rows, deadline):
        activities = super()._insert_followups(rows, deadline)
        if activities and self.assign_to == "team_queue":
            self._queue_followups(activities, [record for record, __ in rows])
        return activities

    def _queue_followups(self, activities, targets):
        """Put the new ``activities`` of ``targets`` in their team queues
        (those whose record has a team, or a customer with one)."""
        self.ensure_one()
        teams = self._followup_queue_teams(targets)
        team_of = {}
        for activity in activities.sudo():
            team = teams.get((activity.res_model, activity.res_id))
            if team:
                team_of[activity.id] = team.id
        self.env["mail.activity"]._sc_set_queue_teams(team_of)

    def _followup_queue_teams(self, targets):
        """The queue team of each target: ``{(model, id): crm.team}``, the
        record's sales team, else its customer's (the team of the customer's
        salesperson); targets without either are left out."""
        result = {}
        for target in targets:
            team = self._followup_queue_team(target)
            if team:
                result[(target._name, target.id)] = team
        return result

    def _followup_queue_team(self, target):
        """The sales team whose queue ``target``'s follow-up goes to."""
        fields_ = target._fields
        team = self.env["crm.team"]
        if "team_id" in fields_ and fields_["team_id"].comodel_name == "crm.team":
            team = target.team_id
        if (
            not team
            and "partner_id" in fields_
            and fields_["partner_id"].comodel_name == "res.partner"
        ):
            # the team of the customer's salesperson
            team = target.partner_id.commercial_partner_id.user_id.sale_team_id
        return team

    def _assignee_chain(self, target, has, owner_fields):
        if self.assign_to == "team_queue":
            team = self._followup_queue_team(target)
            # who holds the queued follow-up until a coordinator takes it
            yield team.coordinator_id
            yield team.user_id
            yield self.fallback_user_id
        yield from super()._assignee_chain(target, has, owner_fields)

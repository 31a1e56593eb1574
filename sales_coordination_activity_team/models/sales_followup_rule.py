from odoo import fields, models


class SalesFollowupRule(models.Model):
    _inherit = "sales.followup.rule"

    activity_team_id = fields.Many2one(
        comodel_name="mail.activity.team",
        string="Activity Team",
        ondelete="set null",
        help="The activity team of the follow-ups this rule plans. Empty: "
        "the activity team of the sales team whose queue a follow-up waits "
        "in (rules that assign to the team queue), else none.",
    )

    # === BUSINESS METHODS: PLANNING ===

    def _insert_followups(self, rows, deadline):
        activities = super()._insert_followups(rows, deadline)
        if activities:
            self._set_followup_activity_teams(activities)
        return activities

    def _set_followup_activity_teams(self, activities):
        """The activity team of each new follow-up: the rule's own, else the
        one of the sales team whose queue it waits in."""
        self.ensure_one()
        team_of = {}
        for activity in activities.sudo():
            team = (
                self.activity_team_id or activity.coordination_team_id.activity_team_id
            )
            if team:
                team_of[activity.id] = team.id
        self.env["mail.activity"]._sc_set_activity_teams(team_of)

from odoo import api, models

# The context key that carries, during one computation of ``team_id``, the
# activities being computed and the default teams found for them.
DEFAULT_TEAMS_KEY = "sc_default_teams"


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # === COMPUTE METHODS ===

    @api.depends("res_model_id", "user_id")
    def _compute_team_id(self):
        """mail_activity_team's computation, whose default team lookup
        (``_get_default_team_id``, a search per activity) is done once for
        the whole batch: a hand-over that gives many follow-ups to someone
        else must not cost a query per follow-up. Their conditions decide,
        unchanged, which activities take the default team."""
        if len(self) < 2 or self.env.context.get(DEFAULT_TEAMS_KEY):
            return super()._compute_team_id()
        batch = {"ids": tuple(self._ids), "teams": None}
        return super(
            MailActivity, self.with_context(**{DEFAULT_TEAMS_KEY: batch})
        )._compute_team_id()

    # === BUSINESS METHODS ===

    def _get_default_team_id(self, user_id=None, model_id=None):
        batch = self.env.context.get(DEFAULT_TEAMS_KEY)
        if not batch:
            return super()._get_default_team_id(user_id=user_id, model_id=model_id)
        # their defaults: the activity's assignee, else the current user; the
        # activity's model, else none
        key = (
            user_id or self.user_id.id or self.env.uid,
            model_id or self.res_model_id.id or None,
        )
        if batch["teams"] is None:
            batch["teams"] = self._sc_default_teams(self.browse(batch["ids"]))
        if key not in batch["teams"]:
            return super()._get_default_team_id(user_id=user_id, model_id=model_id)
        return self.env["mail.activity.team"].browse(batch["teams"][key])

    @api.model
    def _sc_default_teams(self, activities):
        """The default team of each (assignee, model) of ``activities``, as
        mail_activity_team's ``_get_default_team_id`` finds it, in one search:
        ``{(user id, model id or None): team id or None}``."""
        pairs = {
            (activity.user_id.id or self.env.uid, activity.res_model_id.id or None)
            for activity in activities
        }
        teams = (
            self.env["mail.activity.team"]
            .search([("member_ids", "in", list({user for user, _model in pairs}))])
            # their search reads the membership table as it is: archived
            # members too
            .with_context(active_test=False)
        )
        defaults = {}
        for user, model in pairs:
            found = teams.filtered(
                lambda team, user=user, model=model: (
                    user in team.member_ids.ids
                    and (
                        not model
                        or not team.res_model_ids
                        or model in team.res_model_ids.ids
                    )
                )
            )
            if model:
                # their preference: a team of the model itself
                found = (
                    found.filtered(
                        lambda team, model=model: model in team.res_model_ids.ids
                    )
                    or found
                )
            defaults[user, model] = found[:1].id or None
        return defaults

    @api.model
    def _sc_set_activity_teams(self, team_of):
        """Set the activity team of follow-ups, in one statement. The
        assignee is left as it is: Odoo's mail requires one, and the follow-up
        rules chose it (a queued follow-up's holder).

        :param dict team_of: ``{activity id: mail.activity.team id}``
        """
        self._sc_set_column("team_id", team_of)

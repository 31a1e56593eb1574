# The team split by capability (see crm_team.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models

COORDINATOR_GROUP = "sales_coordination.group_coordinator"


class CrmTeam(models.Model):
    """The team's coordination queue: the follow-ups a rule assigned to the
    team rather than to a person, which any coordinator of the team may take.
    """

    _inherit = "crm.team"

    # === BUSINESS METHODS ===

    def _sc_queue_users(self):
        """The coordinators of the teams of ``self``: the team's own
        coordinator and its members who are Sales Coordinators (active
        internal users only). Read as superuser: a coordinator may not read
        every team membership."""
        teams = self.sudo()
        users = teams.coordinator_id | teams.member_ids
        return users.filtered(
            lambda user: (
                user.active and not user.share and user.has_group(COORDINATOR_GROUP)
            )
        ).with_env(self.env)

    @api.model
    def _sc_queue_teams_of(self, user):
        """The teams whose coordination queue ``user`` works on (see
        :meth:`_sc_queue_users`), archived teams left out; one query."""
        if not user.has_group(COORDINATOR_GROUP):
            return self.browse()
        teams = (
            self.sudo()
            .with_context(active_test=True)
            .search(
                ["|", ("coordinator_id", "=", user.id), ("member_ids", "in", user.ids)]
            )
        )
        return teams.with_env(self.env)

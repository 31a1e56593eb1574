# res.users split by capability: this file says who coordinates.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import UserError

# The groups behind each flag (implied groups count: a manager is both).
COORDINATION_GROUPS = {
    "sc_is_coordinator": "sales_coordination.group_coordinator",
    "sc_is_administrator": "sales_coordination.group_administrator",
}
# The internal users who coordinate: the choices of the addon's user fields,
# filters and dashboards (any internal user may still be written there).
COORDINATION_USERS_DOMAIN = (
    "[('share', '=', False), '|', ('sc_is_coordinator', '=', True), "
    "('sc_is_administrator', '=', True)]"
)
COORDINATORS_DOMAIN = "[('share', '=', False), ('sc_is_coordinator', '=', True)]"
ADMINISTRATORS_DOMAIN = "[('share', '=', False), ('sc_is_administrator', '=', True)]"


class ResUsers(models.Model):
    """Who coordinates: one definition of the people the addon's user
    choices list (coordinators, administrators and their managers), rather
    than every internal user of the database."""

    _inherit = "res.users"

    # === FIELDS ===

    sc_is_coordinator = fields.Boolean(
        string="Is a Sales Coordinator",
        compute="_compute_sc_coordination_flags",
        search="_search_sc_is_coordinator",
    )
    sc_is_administrator = fields.Boolean(
        string="Is a Sales Administrator",
        compute="_compute_sc_coordination_flags",
        search="_search_sc_is_administrator",
    )

    # === COMPUTE METHODS ===

    @api.depends("groups_id")
    def _compute_sc_coordination_flags(self):
        for name, xmlid in COORDINATION_GROUPS.items():
            group = self.env.ref(xmlid)
            for user in self:
                user[name] = group in user.sudo().groups_id

    def _search_sc_is_coordinator(self, operator, value):
        return self._sc_search_group("sc_is_coordinator", operator, value)

    def _search_sc_is_administrator(self, operator, value):
        return self._sc_search_group("sc_is_administrator", operator, value)

    def _sc_search_group(self, name, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._(
                    "%(field)s can only be searched with = or !=.",
                    field=self._fields[name].string,
                )
            )
        group = self.env.ref(COORDINATION_GROUPS[name])
        member = (operator == "=") == bool(value)
        return [("groups_id", "in" if member else "not in", group.ids)]

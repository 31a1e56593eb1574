# The owner resolver beside the partner's ownership fields: the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _sc_resolve_owner(self, role, team):
        """The one resolver of an owner: the customer's, then the team's.

        :param str role: ``"coordinator"`` or ``"administrator"``
        :param team: a ``crm.team`` record, or empty
        :return: the ``sales_<role>_id`` of this partner's commercial partner
            (``self`` is one partner, or empty), else the team's
            ``<role>_id``: a ``res.users`` record, empty when neither has one
        """
        return self.commercial_partner_id[f"sales_{role}_id"] or team[f"{role}_id"]

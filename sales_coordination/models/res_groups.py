from odoo import models


class ResGroups(models.Model):
    """Users added to the Coordination Manager group from the group's side
    (its users, or a group that comes to imply it) are subscribed to the
    coordination digest, as from the user's side (res.users)."""

    _inherit = "res.groups"

    # === CRUD METHODS ===

    def write(self, vals):
        if not {"users", "implied_ids"}.intersection(vals):
            return super().write(vals)
        Digest = self.env["digest.digest"]
        before = Digest._sc_managers_ids()
        res = super().write(vals)
        Digest._sc_subscribe_new_managers(before)
        return res

from odoo import api, models
from odoo.tools import SQL

# Keys of a res.users write that may change its groups (the user form
# writes the reified "in_group_<id>" and "sel_groups_<ids>" fields).
GROUP_KEY_PREFIXES = ("in_group_", "sel_groups_")


class ResUsers(models.Model):
    """A user who becomes a Coordination Manager is subscribed to the
    coordination digest, however he joins the group (see also res.groups).
    A deleted user leaves the orders he owned without an owner (the
    database does it): their days of the KPI totals are noted as changed."""

    _inherit = "res.users"

    # === CRUD METHODS ===

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        group = self.env.ref("sales_coordination.group_manager", False)
        if group:
            managers = users.sudo().filtered(
                lambda user: not user.share and group in user.groups_id
            )
            if managers:
                digest = self.env["digest.digest"]._sc_shipped_digest()
                if digest:
                    digest._action_subscribe_users(managers)
        return users

    def write(self, vals):
        if not any(
            key == "groups_id" or key.startswith(GROUP_KEY_PREFIXES) for key in vals
        ):
            return super().write(vals)
        Digest = self.env["digest.digest"]
        before = Digest._sc_managers_ids()
        res = super().write(vals)
        Digest._sc_subscribe_new_managers(before)
        return res

    def unlink(self):
        self._sc_kpi_day_note_owned_orders()
        return super().unlink()

    def _sc_kpi_day_note_owned_orders(self):
        """Note the KPI days of the orders these users own (before the
        database empties their coordinator or administrator)."""
        KpiDay = self.env["sales.coordination.kpi.day"]
        if not self or not KpiDay._sc_writer_cutoff():
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sale_order WHERE coordinator_id = ANY(%(ids)s)"
                " OR administrator_id = ANY(%(ids)s)",
                ids=self.ids,
            )
        )
        KpiDay._sc_note_orders([row[0] for row in self.env.cr.fetchall()])

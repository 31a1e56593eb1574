from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .sales_coordination_kpi_definitions import KPI_DEFINITIONS

# The KPIs a digest can show (a number for every period).
DIGEST_KPIS = [definition for definition in KPI_DEFINITIONS if definition.digest]
# The coordination digest the addon ships.
SHIPPED_DIGEST = "sales_coordination.digest_digest_coordination"


def _digest_fields():
    """``kpi_sc_<key>`` (shown in the digest or not) and its computed
    ``kpi_sc_<key>_value``, for each KPI of DIGEST_KPIS."""
    result = {}
    for definition in DIGEST_KPIS:
        name = f"kpi_sc_{definition.key}"
        result[name] = fields.Boolean(string=definition.label)
        value_type = fields.Integer if definition.unit == "count" else fields.Float
        result[f"{name}_value"] = value_type(
            string=f"{definition.label} (value)",
            compute="_compute_kpi_sc_values",
        )
    return result


class DigestDigest(models.Model):
    _inherit = "digest.digest"

    vars().update(_digest_fields())

    # === COMPUTE METHODS ===

    @api.depends_context("start_datetime", "end_datetime", "allowed_company_ids", "uid")
    def _compute_kpi_sc_values(self):
        """``get_kpis`` of the digest's period in whole days: from the day
        of ``start_datetime`` to the day before ``end_datetime`` (the digest's
        "last 7 days" are the 7 days before today), per digest company; a
        KPI without a value is 0. Skipped (AccessError, as Odoo's digest
        expects) for a user without a coordination role."""
        user = self.env.user
        if not (
            user.has_group("sales_coordination.group_coordinator")
            or user.has_group("sales_coordination.group_administrator")
        ):
            raise AccessError(
                self.env._("Do not have access, skip this data for user's digest email")
            )
        first, last = self._sc_digest_days()
        kpis_by_company = {}
        for digest in self:
            company = digest.company_id or self.env.company
            if company not in kpis_by_company:
                kpi = self.env["sales.coordination.kpi"].with_context(
                    allowed_company_ids=company.ids
                )
                kpis_by_company[company] = kpi.get_kpis(
                    fields.Date.to_string(first), fields.Date.to_string(last)
                )
            kpis = kpis_by_company[company]
            for definition in DIGEST_KPIS:
                digest[f"kpi_sc_{definition.key}_value"] = kpis[definition.key] or 0

    # === BUSINESS METHODS ===

    def _sc_digest_days(self):
        """The digest's period as ``(first day, last day)``: the day of its
        start to the day before its end (a period from midnight to midnight
        is its own days)."""

        check = self.env["sales.coordination.rpc.check"]

        def day(argument):
            # Odoo's digest passes datetimes localized in the company's
            # timezone; others pass strings; anything else is refused
            value = self.env.context.get(argument)
            if value is None or value is False:
                return fields.Date.today()
            value = check._sc_check_date(value, argument)
            return value.date() if isinstance(value, datetime) else value

        first = day("start_datetime")
        return first, max(first, day("end_datetime") - timedelta(days=1))

    def _compute_kpis_actions(self, company, user):
        result = super()._compute_kpis_actions(company, user)
        action = "sales_coordination.sales_coordination_kpi_client_action"
        menu = self.env.ref("sales_coordination.menu_root", raise_if_not_found=False)
        suffix = f"&menu_id={menu.id}" if menu else ""
        for definition in DIGEST_KPIS:
            result[f"kpi_sc_{definition.key}"] = action + suffix
        return result

    @api.model
    def _sc_subscribe_managers(self):
        """Make the Coordination Managers the recipients of the shipped
        coordination digest (called once, at install and at the update that
        activates it)."""
        digest = self._sc_shipped_digest()
        if digest:
            digest.user_ids |= self.env["res.company"]._sc_coordination_managers()

    @api.model
    def _sc_shipped_digest(self):
        """The coordination digest the addon ships (as superuser), if any."""
        digest = self.env.ref(SHIPPED_DIGEST, raise_if_not_found=False)
        return digest.sudo() if digest else self.browse()

    @api.model
    def _sc_managers_ids(self):
        """Ids of the internal users in the Coordination Manager group now."""
        group = self.env.ref("sales_coordination.group_manager", False)
        if not group:
            return set()
        users = self.env["res.users"].sudo().with_context(active_test=False)
        return set(
            users.search([("groups_id", "in", group.id), ("share", "=", False)]).ids
        )

    @api.model
    def _sc_subscribe_new_managers(self, before_ids):
        """Subscribe to the shipped coordination digest the users who joined
        the Coordination Manager group since ``before_ids`` (ids of its
        members then). Only joining subscribes: a manager who unsubscribed
        stays unsubscribed while he stays a manager."""
        joined = self._sc_managers_ids() - set(before_ids)
        digest = self._sc_shipped_digest()
        if joined and digest:
            digest._action_subscribe_users(self.env["res.users"].browse(joined))

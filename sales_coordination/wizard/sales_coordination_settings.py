from odoo import api, fields, models
from odoo.exceptions import AccessError

# The company settings a Coordination Manager may change here.
COMPANY_FIELDS = (
    "accuracy_mode",
    "delivery_risk_days",
    "delivery_update_interval_days",
)
DIGEST = "sales_coordination.digest_digest_coordination"


class SalesCoordinationSettings(models.TransientModel):
    """*Coordination › Manager › Configuration › Settings*: what a
    Coordination Manager configures without being a Settings administrator
    (Odoo's settings stay closed to them): the accuracy mode, the delivery
    promises and the coordination digest, for one of their companies."""

    _name = "sales.coordination.settings"
    _description = "Sales Coordination Settings"

    # === FIELDS ===

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    accuracy_mode = fields.Selection(
        selection=[("observe", "Observe"), ("enforce", "Enforce")],
        string="Order Accuracy Mode",
        required=True,
        default="observe",
        help="Observe: the checks record issues and never block. Enforce: open "
        "blocking issues stop the confirmation (a sales team may have its own "
        "mode).",
    )
    accuracy_mode_date = fields.Datetime(
        string="In This Mode Since", compute="_compute_from_company"
    )
    delivery_risk_days = fields.Integer(
        string="At Risk When Not Reserved Within (days)", default=2
    )
    delivery_update_interval_days = fields.Integer(
        string="Automatic Updates At Most Every (days)", default=3
    )
    digest_active = fields.Boolean(
        string="Send the Coordination Digest",
        help="The weekly (or other) email of the coordination KPIs to the "
        "Coordination Managers.",
    )
    digest_periodicity = fields.Selection(
        selection=[
            ("daily", "Daily"),
            ("weekly", "Weekly"),
            ("monthly", "Monthly"),
            ("quarterly", "Quarterly"),
        ],
        string="Digest Sent",
        default="weekly",
    )

    # === COMPUTE METHODS ===

    @api.depends("company_id")
    def _compute_from_company(self):
        for settings in self:
            settings.accuracy_mode_date = settings.company_id.sudo().accuracy_mode_date

    # === CRUD METHODS ===

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        company = self.env.company.sudo()
        for name in COMPANY_FIELDS:
            if name in fields_list:
                values[name] = company[name]
        digest = self.env.ref(DIGEST, raise_if_not_found=False)
        if digest:
            digest = digest.sudo()
            values["digest_active"] = digest.state == "activated"
            values["digest_periodicity"] = digest.periodicity
        return values

    # === ACTION METHODS ===

    def action_save(self):
        """Save the settings on the company (and the shipped digest).

        :return: Odoo's notification
        :raise AccessError: for a user who is not a Coordination Manager, or
            a company they do not work in
        """
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        if not self.env.user.has_group("sales_coordination.group_manager"):
            raise AccessError(
                self.env._("Only Coordination Managers change these settings.")
            )
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You do not work in %(company)s.", company=self.company_id.name
                )
            )
        self._sc_save_as_superuser()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("Coordination settings saved."),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # === BUSINESS METHODS ===

    def _sc_save_as_superuser(self):
        """Write the checked settings: the company and the digest are
        Settings administrators' records."""
        self.ensure_one()
        self.company_id.sudo().write({name: self[name] for name in COMPANY_FIELDS})
        digest = self.env.ref(DIGEST, raise_if_not_found=False)
        if digest and self.digest_periodicity:
            digest.sudo().write(
                {
                    "state": "activated" if self.digest_active else "deactivated",
                    "periodicity": self.digest_periodicity,
                }
            )

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    accuracy_mode = fields.Selection(
        selection=[("observe", "Observe"), ("enforce", "Enforce")],
        string="Order Accuracy Mode",
        # not required: companies created while this addon is not loaded
        # (e.g. during an upgrade) simply observe
        default="observe",
        help="Observe: the checks run and record issues but never block. "
        "Enforce: orders with open blocking issues cannot be confirmed unless a "
        "Coordination Manager overrides them.",
    )
    accuracy_mode_date = fields.Datetime(
        string="Order Accuracy Mode Since",
        readonly=True,
        copy=False,
        help="When the order accuracy mode was last changed: the accuracy KPIs "
        "before and after this date compare the two modes.",
    )

    delivery_risk_days = fields.Integer(
        string="At Risk When Not Reserved Within (days)",
        default=2,
        help="A confirmed order whose goods are not all reserved this many days "
        "before its promised delivery is at risk.",
    )
    delivery_update_interval_days = fields.Integer(
        string="Automatic Updates At Most Every (days)",
        default=3,
        help="A customer with automatic delivery updates gets at most one per "
        "order in this many days.",
    )

    # === CONSTRAINT METHODS ===

    @api.constrains("delivery_risk_days", "delivery_update_interval_days")
    def _check_delivery_days(self):
        for company in self:
            for name in ("delivery_risk_days", "delivery_update_interval_days"):
                if not 0 <= company[name] <= 365:
                    raise ValidationError(
                        self.env._(
                            "%(field)s must be between 0 and 365 days, not %(value)s.",
                            field=company._fields[name].string,
                            value=company[name],
                        )
                    )

    # === CRUD ===

    def write(self, vals):
        if "accuracy_mode" in vals and "accuracy_mode_date" not in vals:
            changed = self.filtered(
                lambda company: company.accuracy_mode != vals["accuracy_mode"]
            )
            result = super().write(vals)
            if changed:
                changed.write({"accuracy_mode_date": fields.Datetime.now()})
            return result
        return super().write(vals)

    # === BUSINESS METHODS ===

    def _sc_coordination_managers(self):
        """The Coordination Managers who may act for these companies: active
        internal members of the Manager group allowed in at least one of them
        (all of them for an empty recordset), by id. The one lookup of the
        managers: override requests, escalations and the digest use it."""
        group = self.env.ref("sales_coordination.group_manager")
        domain = [("groups_id", "in", group.id), ("share", "=", False)]
        if self:
            domain.append(("company_ids", "in", self.ids))
        return self.env["res.users"].sudo().search(domain, order="id")

    @api.model
    def _sc_load_demo_story(self):
        """Play the demo story (demo data only): imported here, on demand,
        so that no demo code is loaded, and no demo model exists, in a
        database without demo data."""
        from ..demo.story import DemoStory

        DemoStory(self.env).load()

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class SalesCoordinationSharedMixin(models.AbstractModel):
    """Configuration records whose empty company means "every company".

    Such a record decides how the orders of every company are handled, so
    only a user allowed in every company may create, change or delete it; a
    manager of one company changes the records of their company. A record
    rule for write, create and unlink, ``[('sc_shared_editable', '=', True)]``,
    applies it.
    """

    _name = "sales.coordination.shared.mixin"
    _description = "Sales Coordination: shared by every company"

    sc_shared_editable = fields.Boolean(
        string="Editable Here",
        compute="_compute_sc_shared_editable",
        search="_search_sc_shared_editable",
        help="Set on a company's records, and on the records of every company "
        "for users allowed in every company.",
    )

    # === COMPUTE METHODS ===

    @api.depends("company_id")
    @api.depends_context("uid")
    def _compute_sc_shared_editable(self):
        everywhere = self._sc_user_in_every_company()
        for record in self:
            record.sc_shared_editable = everywhere or bool(record.sudo().company_id)

    def _search_sc_shared_editable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._(
                    "%(field)s can only be compared with = or != to True or False.",
                    field=self._fields["sc_shared_editable"].string,
                )
            )
        if self._sc_user_in_every_company():
            domain = expression.TRUE_DOMAIN
        else:
            domain = [("company_id", "!=", False)]
        if (operator == "=") != value:
            domain = ["!", *domain]
        return domain

    # === BUSINESS METHODS ===

    @api.model
    def _sc_default_company_id(self):
        """Every company for those who may choose it (and for data files),
        else the current company."""
        if self.env.su or self._sc_user_in_every_company():
            return False
        return self.env.company

    @api.model
    def _sc_user_in_every_company(self):
        companies = self.env["res.company"].sudo().search([])
        return not (companies - self.env.user.sudo().company_ids)

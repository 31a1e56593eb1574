from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    sales_coordinator_id = fields.Many2one(
        comodel_name="res.users",
        string="Sales Coordinator",
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Central point of contact for this customer inside the company: "
        "follows up its quotes, orders, shipments and meetings. Kept on the "
        "company; its contacts and branches show the company's coordinator.",
    )
    sales_administrator_id = fields.Many2one(
        comodel_name="res.users",
        string="Sales Administrator",
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Enters and checks this customer's orders and gets its invoices "
        "out. Kept on the company; its contacts and branches show the "
        "company's administrator.",
    )

    # === BUSINESS METHODS ===

    @api.model
    def _commercial_fields(self):
        # Owners belong to the commercial entity: contacts and branches
        # (delivery addresses) are synchronised from their company.
        return super()._commercial_fields() + [
            "sales_coordinator_id",
            "sales_administrator_id",
        ]

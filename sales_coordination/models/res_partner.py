from odoo import api, fields, models
from odoo.osv import expression

from .res_users_coordination import ADMINISTRATORS_DOMAIN, COORDINATORS_DOMAIN


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "sales.coordination.scope.mixin"]  # noqa: RUF012

    sales_coordinator_id = fields.Many2one(
        comodel_name="res.users",
        string="Sales Coordinator",
        index="btree_not_null",
        tracking=True,
        domain=COORDINATORS_DOMAIN,
        help="Central point of contact for this customer inside the company: "
        "follows up its quotes, orders, shipments and meetings. Kept on the "
        "company; its contacts and branches show the company's coordinator.",
    )
    sales_administrator_id = fields.Many2one(
        comodel_name="res.users",
        string="Sales Administrator",
        index="btree_not_null",
        tracking=True,
        domain=ADMINISTRATORS_DOMAIN,
        help="Enters and checks this customer's orders and gets its invoices "
        "out. Kept on the company; its contacts and branches show the "
        "company's administrator.",
    )
    sc_coordinated = fields.Boolean(
        string="Coordinated Customer",
        help="Technical: unset when the customer is served only by sales "
        "teams out of coordination (all its orders and invoices are theirs) "
        "and has no coordinator or administrator.",
    )

    # === COMPUTE METHODS ===

    def _compute_sc_coordinated(self):
        outside = self._sc_uncoordinated_commercial_ids()
        for partner in self:
            partner.sc_coordinated = partner.commercial_partner_id.id not in outside

    @api.model
    def _sc_coordinated_domain(self, prefix=""):
        """A customer is out of coordination when only teams out of
        coordination serve it and nobody in coordination owns it (see the
        scope mixin)."""
        outside = list(self._sc_uncoordinated_commercial_ids())
        if not outside:
            return list(expression.TRUE_DOMAIN)
        return [(f"{prefix}commercial_partner_id", "not in", outside)]

    # === BUSINESS METHODS ===

    @api.model
    def _sc_uncoordinated_commercial_ids(self):
        """Ids of the commercial partners whose orders and customer invoices
        all belong to sales teams out of coordination, and that no
        coordinator or administrator owns (none when every team is
        coordinated)."""
        teams = self.env["crm.team"]._sc_uncoordinated_team_ids()
        if not teams:
            return set()
        # every document counts, whoever may read it
        orders = self.env["sale.order"].sudo().with_context(active_test=False)
        moves = self.env["account.move"].sudo()
        invoices = [("move_type", "in", ("out_invoice", "out_refund"))]

        def customers(model, domain, fname):
            return {
                partner.commercial_partner_id.id
                for [partner] in model._read_group(domain, [fname])
            }

        suspects = customers(
            orders, [("team_id", "in", teams)], "partner_id"
        ) | customers(
            moves, [*invoices, ("team_id", "in", teams)], "commercial_partner_id"
        )
        # a customer someone in coordination owns stays
        suspects -= set(
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("id", "in", list(suspects)),
                    "|",
                    ("sales_coordinator_id", "!=", False),
                    ("sales_administrator_id", "!=", False),
                ]
            )
            .ids
        )
        if not suspects:
            return set()
        elsewhere = ("team_id", "not in", teams)  # or no team
        served = customers(
            orders,
            [("partner_id", "child_of", list(suspects)), elsewhere],
            "partner_id",
        ) | customers(
            moves,
            [*invoices, ("commercial_partner_id", "in", list(suspects)), elsewhere],
            "commercial_partner_id",
        )
        return suspects - served

    @api.model
    def _commercial_fields(self):
        # Owners belong to the commercial entity: contacts and branches
        # (delivery addresses) are synchronised from their company.
        return super()._commercial_fields() + [
            "sales_coordinator_id",
            "sales_administrator_id",
        ]

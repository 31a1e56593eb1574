# One file per check type (the architecture): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class SaleAccuracyRule(models.Model):
    """Order data checks: customer reference, delivery address, payment term."""

    _inherit = "sale.accuracy.rule"

    check_type = fields.Selection(
        selection_add=[
            ("missing_client_ref", "Missing customer reference"),
            ("incomplete_delivery_address", "Incomplete delivery address"),
            ("missing_payment_term", "Missing payment term"),
        ],
        ondelete={
            "missing_client_ref": "cascade",
            "incomplete_delivery_address": "cascade",
            "missing_payment_term": "cascade",
        },
    )

    def _accuracy_check_missing_client_ref(self, data, order_ids, lines):
        return [
            (
                oid,
                False,
                self.env._(
                    "%(order)s has no customer reference. Enter the customer's "
                    "PO number in Customer Reference.",
                    order=data.orders[oid]["name"],
                ),
            )
            for oid in order_ids
            if not (data.orders[oid]["client_order_ref"] or "").strip()
        ]

    def _accuracy_check_incomplete_delivery_address(self, data, order_ids, lines):
        labels = (
            ("street", self.env._("street")),
            ("city", self.env._("city")),
            ("country_id", self.env._("country")),
        )
        incomplete = {}
        for oid in order_ids:
            order = data.orders[oid]
            missing = [label for key, label in labels if not order[key]]
            if missing:
                incomplete[oid] = missing
        addresses = (
            self.env["res.partner"]
            .sudo()
            .browse(
                {data.orders[oid]["partner_shipping_id"] for oid in incomplete} - {None}
            )
        )
        names = {address.id: address.display_name for address in addresses}
        return [
            (
                oid,
                False,
                self.env._(
                    "The delivery address %(address)s lacks: %(missing)s. "
                    "Complete the address before confirming.",
                    address=names.get(data.orders[oid]["partner_shipping_id"])
                    or self.env._("(none)"),
                    missing=", ".join(missing),
                ),
            )
            for oid, missing in incomplete.items()
        ]

    def _accuracy_check_missing_payment_term(self, data, order_ids, lines):
        return [
            (
                oid,
                False,
                self.env._(
                    "%(order)s has no payment term. Set the customer's agreed "
                    "payment term.",
                    order=data.orders[oid]["name"],
                ),
            )
            for oid in order_ids
            if not data.orders[oid]["payment_term_id"]
        ]

    def _accuracy_fix_incomplete_delivery_address(self, issues):
        """Deliver to the customer's complete delivery address, when it has
        one (the first delivery contact with a street, a city and a country,
        else the customer's own address when complete)."""
        plans = {}
        for issue in issues:
            order = issue.order_id
            customer = order.partner_id.commercial_partner_id
            candidates = (customer.child_ids | customer).filtered(
                lambda p: p.street and p.city and p.country_id and p.active
            )
            address = candidates.filtered(lambda p: p.type == "delivery")[:1] or (
                candidates & customer
            )
            if not address or address == order.partner_shipping_id:
                continue
            plans[issue.id] = (
                self.env._("Deliver to %(address)s", address=address.display_name),
                order,
                {"partner_shipping_id": address.id},
            )
        return plans

    def _accuracy_fix_missing_payment_term(self, issues):
        """Take the customer's payment term, when it has one."""
        plans = {}
        for issue in issues:
            order = issue.order_id
            term = order.partner_id.commercial_partner_id.with_company(
                order.company_id
            ).property_payment_term_id
            if term:
                plans[issue.id] = (
                    self.env._("Use the payment term %(term)s", term=term.name),
                    order,
                    {"payment_term_id": term.id},
                )
        return plans

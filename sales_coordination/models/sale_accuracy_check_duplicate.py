# One file per check type (the architecture): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict
from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL


class SaleAccuracyRule(models.Model):
    """Duplicate order check."""

    _inherit = "sale.accuracy.rule"

    check_type = fields.Selection(
        selection_add=[
            ("duplicate_order", "Duplicate order"),
        ],
        ondelete={"duplicate_order": "cascade"},
    )

    def _accuracy_check_duplicate_order(self, data, order_ids, lines):
        """Another non-cancelled order of the same commercial partner with the
        same customer reference, or with the same products and quantities
        within ``threshold`` days."""
        days = timedelta(days=self.threshold or 0.0)
        orders = [data.orders[oid] for oid in order_ids]
        dates = [order["date_order"] for order in orders]
        others = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    (
                        "partner_id",
                        "child_of",
                        list({order["commercial_partner_id"] for order in orders}),
                    ),
                    ("state", "!=", "cancel"),
                    ("company_id", "in", list({o["company_id"] for o in orders})),
                    "|",
                    (
                        "client_order_ref",
                        "in",
                        [
                            o["client_order_ref"]
                            for o in orders
                            if o["client_order_ref"]
                        ],
                    ),
                    "&",
                    ("date_order", ">=", min(dates) - days),
                    ("date_order", "<=", max(dates) + days),
                ]
            )
        )
        # The orders found and their products and quantities, in two queries.
        rows = self.env.execute_query_dict(
            SQL(
                "SELECT o.id, o.name, o.company_id, p.commercial_partner_id, "
                "o.client_order_ref, o.date_order FROM sale_order o "
                "JOIN res_partner p ON p.id = o.partner_id WHERE o.id = ANY(%s)",
                others.ids,
            )
        )
        products_by_order = defaultdict(list)
        for order_id, product_id, qty in self.env.execute_query(
            SQL(
                "SELECT order_id, product_id, product_uom_qty FROM sale_order_line "
                "WHERE order_id = ANY(%s) AND display_type IS NULL "
                "AND product_id IS NOT NULL",
                others.ids,
            )
        ):
            products_by_order[order_id].append((product_id, qty))
        signatures = {
            oid: tuple(sorted(products)) for oid, products in products_by_order.items()
        }

        def key(order):
            return (order["company_id"], order["commercial_partner_id"])

        by_ref = defaultdict(list)
        by_lines = defaultdict(list)
        for other in rows:
            if other["client_order_ref"]:
                ref = other["client_order_ref"].strip().lower()
                by_ref[key(other) + (ref,)].append(other)
            by_lines[key(other) + (signatures.get(other["id"], ()),)].append(other)
        findings = []
        for order in orders:
            ref = (order["client_order_ref"] or "").strip().lower()
            same_ref = [
                o for o in by_ref.get(key(order) + (ref,), []) if o["id"] != order["id"]
            ]
            if ref and same_ref:
                findings.append(
                    (
                        order["id"],
                        False,
                        self.env._(
                            "%(other)s already carries the customer reference "
                            "%(ref)s. Check that this order is not entered twice.",
                            other=same_ref[0]["name"],
                            ref=order["client_order_ref"],
                        ),
                    )
                )
                continue
            signature = signatures.get(order["id"])
            if not signature:
                continue
            same_lines = [
                o
                for o in by_lines.get(key(order) + (signature,), [])
                if o["id"] != order["id"]
                and abs(o["date_order"] - order["date_order"]) <= days
            ]
            if same_lines:
                findings.append(
                    (
                        order["id"],
                        False,
                        self.env._(
                            "%(other)s has the same products and quantities within "
                            "%(days)s days. Check that this order is not entered "
                            "twice.",
                            other=same_lines[0]["name"],
                            days=self.threshold or 0.0,
                        ),
                    )
                )
        return findings

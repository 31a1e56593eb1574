# One file per check type (the architecture): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict
from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL

from .sale_accuracy_data import query_dicts


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
        rows = self._duplicate_candidates(orders, days)
        signatures = {row["id"]: row["signature"] for row in rows if row["signature"]}

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

    def _duplicate_candidates(self, orders, days):
        """The non-cancelled orders that may duplicate one of ``orders`` (rows
        of ``_AccuracyData.orders``), ``orders`` included: same company and
        commercial partner, and the same customer reference or a date within
        ``days`` of theirs; in one query (the check runs before every commit
        that touches a quotation), newest first.

        :return: rows with ``id``, ``name``, ``company_id``,
            ``commercial_partner_id``, ``client_order_ref``, ``date_order``
            and ``signature``: the sorted ``(product, quantity)`` pairs of
            the order's product lines
        """
        self.env["sale.order"].flush_model(
            ["name", "state", "company_id", "partner_id", "client_order_ref",
             "date_order"]
        )  # fmt: skip
        self.env["sale.order.line"].flush_model(
            ["order_id", "display_type", "product_id", "product_uom_qty"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        dates = [order["date_order"] for order in orders]
        rows = query_dicts(
            self.env,
            SQL(
                """
            SELECT o.id, o.name, o.company_id, p.commercial_partner_id,
                   o.client_order_ref, o.date_order, l.product_ids, l.qtys
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
         LEFT JOIN LATERAL (
                    SELECT array_agg(sl.product_id) AS product_ids,
                           array_agg(sl.product_uom_qty::float8) AS qtys
                      FROM sale_order_line sl
                     WHERE sl.order_id = o.id AND sl.display_type IS NULL
                       AND sl.product_id IS NOT NULL
                   ) l ON TRUE
             WHERE p.commercial_partner_id = ANY(%(partners)s)
               AND o.company_id = ANY(%(companies)s)
               AND (o.state != 'cancel' OR o.state IS NULL)
               AND (o.client_order_ref = ANY(%(refs)s)
                    OR (o.date_order >= %(date_from)s
                        AND o.date_order <= %(date_to)s))
          ORDER BY o.date_order DESC, o.id DESC
                """,
                partners=list({order["commercial_partner_id"] for order in orders}),
                companies=list({order["company_id"] for order in orders}),
                refs=[o["client_order_ref"] for o in orders if o["client_order_ref"]],
                date_from=min(dates) - days,
                date_to=max(dates) + days,
            ),
        )
        for row in rows:
            products, qtys = row.pop("product_ids") or (), row.pop("qtys") or ()
            row["signature"] = tuple(sorted(zip(products, qtys, strict=True)))
        return rows

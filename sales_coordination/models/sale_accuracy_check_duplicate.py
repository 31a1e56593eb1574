# One file per check type (the architecture): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict
from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL

from .sale_accuracy_data import pg_array


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
        threshold = self.threshold or 0.0
        days = timedelta(days=threshold)
        orders = [data.orders[oid] for oid in order_ids]
        # the candidates, newest first, by (company, partner, reference) and
        # by (company, partner, products and quantities)
        by_ref = defaultdict(list)
        by_lines = defaultdict(list)
        signatures = {}
        for row in self._duplicate_candidates(orders, days):
            oid, name, company_id, partner_id, ref, date_order, signature = row
            if ref:
                by_ref[company_id, partner_id, ref.strip().lower()].append((oid, name))
            if signature:
                signatures[oid] = signature
                by_lines[company_id, partner_id, signature].append(
                    (oid, name, date_order)
                )
        findings = []
        for order in orders:
            order_id = order["id"]
            company_id = order["company_id"]
            partner_id = order["commercial_partner_id"]
            ref = (order["client_order_ref"] or "").strip().lower()
            other = ref and next(
                (
                    name
                    for oid, name in by_ref.get((company_id, partner_id, ref), ())
                    if oid != order_id
                ),
                None,
            )
            if other:
                findings.append(
                    (
                        order_id,
                        False,
                        self.env._(
                            "%(other)s already carries the customer reference "
                            "%(ref)s. Check that this order is not entered twice.",
                            other=other,
                            ref=order["client_order_ref"],
                        ),
                    )
                )
                continue
            signature = signatures.get(order_id)
            if not signature:
                continue
            date_order = order["date_order"]
            other = next(
                (
                    name
                    for oid, name, other_date in by_lines[
                        company_id, partner_id, signature
                    ]
                    if oid != order_id and abs(other_date - date_order) <= days
                ),
                None,
            )
            if other:
                findings.append(
                    (
                        order_id,
                        False,
                        self.env._(
                            "%(other)s has the same products and quantities within "
                            "%(days)s days. Check that this order is not entered "
                            "twice.",
                            other=other,
                            days=threshold,
                        ),
                    )
                )
        return findings

    def _duplicate_candidates(self, orders, days):
        """The non-cancelled orders that may duplicate one of ``orders`` (rows
        of ``_AccuracyData.orders``), ``orders`` included: same commercial
        partner, and the same customer reference or a date within ``days`` of
        theirs; in one query (the check runs before every commit that touches
        a quotation), newest first. The company is compared by the caller:
        with it in the query, a planner without fresh statistics (just after
        thousands of quotations were created) combined the company index,
        which holds nearly every order, with the partner's.

        :return: tuples ``(id, name, company_id, commercial_partner_id,
            client_order_ref, date_order, signature)``; the signature is the
            sorted tuple of the ``(product, quantity)`` pairs of the order's
            product lines
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
        rows = self.env.execute_query(
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
             WHERE p.commercial_partner_id = ANY(%(partners)s::int4[])
               AND (o.state != 'cancel' OR o.state IS NULL)
               AND (o.client_order_ref = ANY(%(refs)s::varchar[])
                    OR (o.date_order >= %(date_from)s
                        AND o.date_order <= %(date_to)s))
          ORDER BY o.date_order DESC, o.id DESC
                """,
                partners=pg_array({order["commercial_partner_id"] for order in orders}),
                refs=pg_array(
                    [o["client_order_ref"] for o in orders if o["client_order_ref"]]
                ),
                date_from=min(dates) - days,
                date_to=max(dates) + days,
            ),
        )
        return [
            (
                *row[:6],
                tuple(sorted(zip(row[6], row[7], strict=True))) if row[6] else (),
            )
            for row in rows
        ]

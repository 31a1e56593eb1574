# The first confirmed order of each customer, kept for the new-clients KPI.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.tools import SQL

# A change of one of these may change which order is a customer's first.
FIRST_SALE_FIELDS = frozenset({"state", "date_order", "partner_id", "company_id"})
# ... and of these, which customer and company an order counts for.
FIRST_SALE_OWNER_FIELDS = frozenset({"partner_id", "company_id"})
# Set by the addon only (see sales.coordination.field.guard).
FIRST_SALE_PROTECTED_FIELDS = frozenset({"sc_first_sale"})


class SaleOrder(models.Model):
    """``sc_first_sale`` marks the first confirmed order (by order date, then
    id) of each customer contact in each company. The new-clients KPI starts
    from these few orders instead of asking, for every customer of the
    period, whether it ordered before (``sales.coordination.kpi``,
    ``_kpi_new_client_rows``).

    The mark follows every write of the order's state, date, customer or
    company that reaches the database (``_write_multi``: the ORM's flushes and
    ``_write``), in one statement per write for all the pairs it touches.
    """

    _inherit = "sale.order"

    sc_first_sale = fields.Boolean(
        string="First Order of the Customer",
        readonly=True,
        copy=False,
        help="Technical: set on the first confirmed order (by order date) of its "
        "customer contact in its company. The application keeps it when an order "
        "is confirmed or cancelled, or its date, customer or company changes; "
        "the new-clients KPI starts from these orders.",
    )

    # === INIT ===

    def init(self):
        res = super().init()
        cr = self.env.cr
        # the new clients of a period: the first orders dated in it
        cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_sc_first_sale_date_index "
            "ON sale_order (date_order) INCLUDE (partner_id, company_id) "
            "WHERE sc_first_sale"
        )
        # the marks of a customer, when its orders change
        cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_sc_first_sale_partner_index "
            "ON sale_order (partner_id, company_id) WHERE sc_first_sale"
        )
        return res

    # === CRUD METHODS ===

    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sales.coordination.field.guard"]._sc_guard_create(
            self, vals_list, FIRST_SALE_PROTECTED_FIELDS
        )
        records = super(SaleOrder, orders).create(vals_list)
        # orders created confirmed (imports, data files): their pairs
        confirmed = records.filtered(lambda order: order.state == "sale")
        if confirmed:
            confirmed.flush_recordset(list(FIRST_SALE_FIELDS))
            self._sc_first_sale_refresh(
                self._sc_first_sale_pairs_sql(confirmed.ids, confirmed_only=True)
            )
        return records

    def write(self, vals):
        self.env["sales.coordination.field.guard"]._sc_guard_write(
            self, vals, FIRST_SALE_PROTECTED_FIELDS
        )
        return super().write(vals)

    def _write_multi(self, vals_list):
        # the ORM's flush and _write come here, one dict of values per record
        touched = set()
        for vals in vals_list:
            touched.update(FIRST_SALE_FIELDS.intersection(vals))
        if not self or not touched:
            super()._write_multi(vals_list)
            return
        before = []
        if FIRST_SALE_OWNER_FIELDS & touched:
            # the pairs an order may leave: read before the update
            self.env.cr.execute(self._sc_first_sale_pairs_sql(self.ids))
            before = self.env.cr.fetchall()
        super()._write_multi(vals_list)
        # the orders' pairs now (an order cancelled or moved in time keeps its
        # mark until the refresh: its pair is among these)
        after = self._sc_first_sale_pairs_sql(self.ids)
        if before:
            after = SQL(
                "%s UNION SELECT * FROM unnest(%s::int[], %s::int[])",
                after,
                [partner for partner, __ in before],
                [company for __, company in before],
            )
        self._sc_first_sale_refresh(after)

    # === BUSINESS METHODS ===

    @api.model
    def _sc_first_sale_pairs_sql(self, order_ids, confirmed_only=False):
        """SQL of the (customer, company) pairs of the orders ``order_ids``:
        confirmed or marked ones, or (``confirmed_only``) confirmed ones."""
        condition = (
            SQL("state = 'sale'")
            if confirmed_only
            else SQL("(state = 'sale' OR sc_first_sale)")
        )
        return SQL(
            "SELECT partner_id, company_id FROM sale_order WHERE id = ANY(%s) AND %s",
            list(order_ids),
            condition,
        )

    @api.model
    def _sc_first_sale_refresh(self, pairs=None):
        """Set ``sc_first_sale`` right for the orders of the (customer,
        company) pairs that the SQL ``pairs`` selects (every pair when None:
        the back-fill), in one statement that updates only the orders whose
        mark changes; return their ids. The ORM's cache of the mark is
        invalidated for them.

        The first order of a pair is its confirmed order of the earliest
        order date (then the smallest id): one probe of the partial index on
        the confirmed orders per pair.
        """
        if pairs is None:
            pairs = SQL(
                "SELECT partner_id, company_id FROM sale_order "
                "WHERE state = 'sale' OR sc_first_sale"
            )
        self.env.cr.execute(
            SQL(
                """
                WITH sc_pairs AS (
                    SELECT DISTINCT sc_src.partner_id, sc_src.company_id
                      FROM (%(pairs)s) AS sc_src(partner_id, company_id)
                     WHERE sc_src.partner_id IS NOT NULL
                ), sc_firsts AS (
                    SELECT f.id
                      FROM sc_pairs p
                     CROSS JOIN LATERAL (
                        SELECT o.id FROM sale_order o
                         WHERE o.partner_id = p.partner_id
                           AND o.company_id = p.company_id
                           AND o.state = 'sale'
                         ORDER BY o.date_order, o.id
                         LIMIT 1
                     ) AS f
                ), sc_targets AS (
                    SELECT id FROM sc_firsts
                    UNION
                    SELECT o.id FROM sale_order o
                      JOIN sc_pairs p ON o.partner_id = p.partner_id
                                     AND o.company_id = p.company_id
                     WHERE o.sc_first_sale
                )
                UPDATE sale_order o
                   SET sc_first_sale = o.id IN (SELECT id FROM sc_firsts)
                  FROM sc_targets t
                 WHERE o.id = t.id
                   AND o.sc_first_sale IS DISTINCT FROM
                       (o.id IN (SELECT id FROM sc_firsts))
             RETURNING o.id
                """,
                pairs=pairs,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if ids:
            self.browse(ids).invalidate_recordset(["sc_first_sale"])
        return ids

# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
import logging
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# cursor.cache key of the forecasts of a pass over many orders.
FORECAST_CACHE_KEY = "sales_coordination.delivery_forecasts"


class SaleOrder(models.Model):
    """Delivery promises, the stock side: the order's moves to the customer,
    whether they are reserved, Odoo's forecast of the unreserved ones, what
    is still to come and the deliveries already made. One query for the
    moves of all the orders; the forecast only for the unreserved moves."""

    _inherit = "sale.order"

    # === BUSINESS METHODS ===

    def _delivery_first_picking_dates(self):
        """{order id: earliest deadline, else scheduled date, of its outgoing
        deliveries}."""
        self.env["stock.picking"].flush_model(
            ["sale_id", "date_deadline", "scheduled_date", "picking_type_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """SELECT pick.sale_id,
                          min(COALESCE(pick.date_deadline, pick.scheduled_date))
                     FROM stock_picking pick
                     JOIN stock_picking_type ptype ON ptype.id = pick.picking_type_id
                    WHERE pick.sale_id = ANY(%s) AND ptype.code = 'outgoing'
                 GROUP BY pick.sale_id""",
                list(self.ids),
            )
        )
        return dict(rows)

    @api.model
    def _delivery_names(self, moves):
        """``(product names, unit names)`` of the moves, read once."""
        products = self.env["product.product"].browse({m["product_id"] for m in moves})
        uoms = self.env["uom.uom"].browse({m["uom_id"] for m in moves})
        return (
            {
                product.id: product.display_name
                for product in products.sudo().with_context(display_default_code=False)
            },
            {uom.id: uom.name for uom in uoms.sudo()},
        )

    @api.model
    def _delivery_missing_text(self, open_moves, names):
        """What is still to deliver: "12 Units Dog Food, 3 Units ..."."""
        product_names, uom_names = names
        quantities = defaultdict(float)
        for move in open_moves:
            quantities[move["product_id"], move["uom_id"]] += move["remaining"]
        return ", ".join(
            f"{quantity:g} {uom_names.get(uom_id, '')} "
            f"{product_names.get(product_id, '')}"
            for (product_id, uom_id), quantity in quantities.items()
        )[:500]

    def _delivery_read_moves(self):
        """{order id: [move values]}: what the order still has to ship and
        what it shipped. Open: the open moves of the order that no other open
        move of it follows (in a multi-step delivery, the step the goods are
        at: Odoo 18 creates the next step when one is done, or has it wait
        for the earlier one); done: the moves done to a customer location.
        Returns from the customer are left out. A move waiting for an earlier
        step counts as reserved when every move it waits for is reserved or
        done."""
        self.env["stock.move"].flush_model(
            [
                "state",
                "date",
                "product_uom_qty",
                "quantity",
                "picking_id",
                "sale_line_id",
                "location_id",
                "location_dest_id",
                "move_orig_ids",
                "move_dest_ids",
                "product_id",
                "product_uom",
            ]
        )
        self.env["stock.picking"].flush_model(["scheduled_date", "date_done"])
        rows = self.env.execute_query_dict(self._delivery_moves_query(self.ids))
        result = defaultdict(list)
        for row in rows:
            is_open = row["state"] not in ("done", "cancel")
            if is_open and row["followed"]:
                continue
            if not is_open and not (row["state"] == "done" and row["to_customer"]):
                continue
            row["open"] = is_open
            row["reserved"] = row["state"] == "assigned" or (
                row["state"] == "waiting" and bool(row["origins_ready"])
            )
            row["scheduled"] = row["scheduled_date"] or row["date"]
            row["remaining"] = row["product_uom_qty"]
            result[row["order_id"]].append(row)
        return result

    @api.model
    def _delivery_moves_query(self, order_ids):
        """The one query of the orders' moves (overridable)."""
        return SQL(
            """SELECT sol.order_id, m.id, m.sale_line_id, m.state, m.date,
                      m.product_id, m.product_uom AS uom_id, m.product_uom_qty,
                      m.quantity, m.company_id,
                      dest.usage = 'customer' AS to_customer,
                      pick.scheduled_date, pick.date_done AS done_date,
                      EXISTS (
                        SELECT 1 FROM stock_move_move_rel rel
                          JOIN stock_move nxt ON nxt.id = rel.move_dest_id
                         WHERE rel.move_orig_id = m.id
                           AND nxt.state NOT IN ('done', 'cancel')
                      ) AS followed,
                      (SELECT bool_and(orig.state IN ('assigned', 'done'))
                         FROM stock_move_move_rel rel
                         JOIN stock_move orig ON orig.id = rel.move_orig_id
                        WHERE rel.move_dest_id = m.id
                          AND orig.state != 'cancel') AS origins_ready
                 FROM stock_move m
                 JOIN sale_order_line sol ON sol.id = m.sale_line_id
                 JOIN stock_location src ON src.id = m.location_id
                 JOIN stock_location dest ON dest.id = m.location_dest_id
            LEFT JOIN stock_picking pick ON pick.id = m.picking_id
                WHERE sol.order_id = ANY(%s) AND src.usage != 'customer'
                  AND m.state != 'cancel'""",
            list(order_ids),
        )

    @api.model
    def _delivery_forecasts(self, moves):
        """{move id: forecast arrival (a datetime), False (free stock is
        there, just not reserved) or None (nothing forecast)} of the
        unreserved moves ``moves`` (or of the earlier steps they wait for).

        Odoo's own forecast, in one query (:meth:`_delivery_forecast_query`)
        instead of Odoo's forecast report: in each warehouse, the unreserved
        demand of a product queues by priority and date, and each move is
        served by the free stock, then by the incoming moves in the order of
        their dates; its arrival is the date of the receipt that completes
        it. During a pass over many orders (``_delivery_refresh_batches``)
        the queue of a product is computed once."""
        if not moves:
            return {}
        cache = self.env.cr.cache.get(FORECAST_CACHE_KEY)
        move_ids = [move["id"] for move in moves]
        targets = defaultdict(list)
        forecast = {} if cache is None else cache
        to_read = move_ids
        if cache is not None:
            to_read = [
                move["id"]
                for move in moves
                if move["state"] == "waiting" or move["id"] not in cache
            ]
            for move in moves:
                if move["id"] not in to_read:
                    targets[move["id"]].append(move["id"])
        if to_read:
            rows = self.env.execute_query(
                self._delivery_forecast_query(to_read, whole_queue=cache is not None)
            )
            for move_id, forecast_move_id, servable, covered, arrival in rows:
                if move_id:
                    targets[move_id].append(forecast_move_id)
                forecast[forecast_move_id] = (servable, covered, arrival)
        result = {}
        for move_id in move_ids:
            arrival = False
            for forecast_move_id in targets.get(move_id) or [None]:
                servable, covered, date = forecast.get(forecast_move_id, (0, 0, 0))
                if not (servable and covered):
                    arrival = None
                    break
                if date:
                    arrival = max(arrival or date, date)
            result[move_id] = arrival
        return result

    @api.model
    def _delivery_forecast_query(self, move_ids, whole_queue=False):
        """Rows ``(move id, forecast move id, servable, covered, arrival)``:
        the moves whose forecast the moves ``move_ids`` wait for (the move
        itself; for a move waiting for an earlier step, the earlier steps
        not reserved yet), whether that move takes stock from a warehouse
        (``servable``), whether the warehouse's free stock and incoming
        moves cover it in the queue of the product, and the date of the
        incoming move that completes it (NULL: the free stock). With
        ``whole_queue``, also the other moves of the products' queues
        (``move id`` NULL), for the next batches of a pass."""
        self.env["stock.move"].flush_model(
            [
                "state",
                "date",
                "priority",
                "product_qty",
                "product_uom_qty",
                "quantity",
                "location_id",
                "location_dest_id",
                "move_orig_ids",
            ]
        )
        self.env["stock.quant"].flush_model(
            ["quantity", "reserved_quantity", "location_id", "product_id"]
        )
        return SQL(
            """
            WITH target AS (
                SELECT t.id AS move_id, t.id AS fmove
                  FROM stock_move t
                 WHERE t.id = ANY(%(ids)s) AND t.state != 'waiting'
                UNION ALL
                SELECT t.id, orig.id
                  FROM stock_move t
                  JOIN stock_move_move_rel rel ON rel.move_dest_id = t.id
                  JOIN stock_move orig ON orig.id = rel.move_orig_id
                 WHERE t.id = ANY(%(ids)s) AND t.state = 'waiting'
                   AND orig.state NOT IN ('assigned', 'done', 'cancel')
            ),
            queue_key AS MATERIALIZED (
                SELECT DISTINCT m.product_id, loc.warehouse_id
                  FROM target JOIN stock_move m ON m.id = target.fmove
                  JOIN stock_location loc ON loc.id = m.location_id
                 WHERE loc.warehouse_id IS NOT NULL
            ),
            demand AS (
                SELECT m.id, m.product_id, loc.warehouse_id,
                       sum(GREATEST(m.product_qty - CASE WHEN m.product_uom_qty > 0
                               THEN m.quantity * m.product_qty / m.product_uom_qty
                               ELSE 0 END, 0))
                         OVER (PARTITION BY m.product_id, loc.warehouse_id
                               ORDER BY m.priority DESC, m.date, m.id) AS cum_need
                  FROM stock_move m
                  JOIN stock_location loc ON loc.id = m.location_id
                  JOIN queue_key k ON k.product_id = m.product_id
                                  AND k.warehouse_id = loc.warehouse_id
                 WHERE m.state IN ('confirmed', 'partially_available')
                   AND loc.usage = 'internal'
                   AND m.location_dest_id != m.location_id
            ),
            supply AS (
                SELECT q.product_id, loc.warehouse_id, NULL::timestamp AS date,
                       0 AS rank, GREATEST(sum(q.quantity - q.reserved_quantity), 0)
                           AS quantity
                  FROM stock_quant q
                  JOIN stock_location loc ON loc.id = q.location_id
                  JOIN queue_key k ON k.product_id = q.product_id
                                  AND k.warehouse_id = loc.warehouse_id
                 WHERE loc.usage = 'internal'
              GROUP BY q.product_id, loc.warehouse_id
                UNION ALL
                SELECT m.product_id, dest.warehouse_id, m.date, m.id, m.product_qty
                  FROM stock_move m
                  JOIN stock_location dest ON dest.id = m.location_dest_id
                  JOIN queue_key k ON k.product_id = m.product_id
                                  AND k.warehouse_id = dest.warehouse_id
             LEFT JOIN stock_location src ON src.id = m.location_id
                 WHERE m.state NOT IN ('draft', 'cancel', 'done')
                   AND dest.usage = 'internal'
                   AND src.warehouse_id IS DISTINCT FROM dest.warehouse_id
            ),
            cum_supply AS MATERIALIZED (
                SELECT product_id, warehouse_id, date,
                       sum(quantity) OVER (PARTITION BY product_id, warehouse_id
                                           ORDER BY date NULLS FIRST, rank)
                           AS cum_quantity
                  FROM supply
            ),
            answer AS (
                SELECT d.id, d.product_id, d.warehouse_id, d.cum_need
                  FROM demand d
                 WHERE %(whole)s OR d.id IN (SELECT fmove FROM target)
            )
            SELECT target.move_id, COALESCE(target.fmove, a.id),
                   a.id IS NOT NULL, s.covered IS NOT NULL, s.date
              FROM answer a
         FULL JOIN target ON target.fmove = a.id
         LEFT JOIN LATERAL (
                SELECT TRUE AS covered, cs.date
                  FROM cum_supply cs
                 WHERE cs.product_id = a.product_id
                   AND cs.warehouse_id = a.warehouse_id
                   AND cs.cum_quantity >= a.cum_need - 0.00001
              ORDER BY cs.cum_quantity
                 LIMIT 1
             ) s ON TRUE
            """,
            ids=list(move_ids),
            whole=bool(whole_queue),
        )

    def _delivery_lines_to_come(self):
        """{order id: [{product, quantity, expected}]}: the open moves to the
        customer, by product, with their expected date."""
        moves_by_order = self.sudo()._delivery_read_moves()
        forecasts = self._delivery_forecasts(
            [
                move
                for moves in moves_by_order.values()
                for move in moves
                if move["open"] and not move["reserved"]
            ]
        )
        product_names, _uom_names = self._delivery_names(
            [move for moves in moves_by_order.values() for move in moves]
        )
        result = {}
        for order_id, moves in moves_by_order.items():
            lines = []
            for move in moves:
                if not move["open"]:
                    continue
                expected = move["scheduled"]
                if not move["reserved"]:
                    forecast = forecasts.get(move["id"])
                    expected = (
                        False
                        if forecast is None
                        else max(expected, forecast or expected)
                    )
                lines.append(
                    {
                        "line_id": move["sale_line_id"],
                        "product": product_names[move["product_id"]],
                        "quantity": move["product_uom_qty"],
                        "expected": expected,
                    }
                )
            result[order_id] = lines
        return result

    def _delivery_pickings(self):
        """{order id: [picking values]}: the orders' outgoing deliveries by
        scheduled date, with their tracking reference where Odoo's
        stock_delivery gives one; one search for all the orders."""
        pickings = (
            self.env["stock.picking"]
            .sudo()
            .search(
                [
                    ("sale_id", "in", self.ids),
                    ("picking_type_code", "=", "outgoing"),
                ],
                order="scheduled_date, id",
            )
        )
        tracked = "carrier_tracking_ref" in pickings._fields
        result = {order_id: [] for order_id in self.ids}
        for picking in pickings:
            result[picking.sale_id.id].append(
                {
                    "name": picking.name,
                    "state": picking.state,
                    "scheduled": picking.scheduled_date,
                    "done": picking.date_done,
                    "tracking_ref": picking.carrier_tracking_ref if tracked else False,
                }
            )
        return result

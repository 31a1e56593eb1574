# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
import logging
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


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

    def _delivery_missing_text(self, open_moves):
        quantities = defaultdict(float)
        for move in open_moves:
            quantities[move["product_id"], move["uom_id"]] += move["remaining"]
        products = self.env["product.product"].browse(
            [product_id for product_id, __ in quantities]
        )
        names = {
            product.id: product.display_name
            for product in products.sudo().with_context(display_default_code=False)
        }
        uoms = self.env["uom.uom"].browse([uom_id for __, uom_id in quantities])
        uom_names = {uom.id: uom.name for uom in uoms.sudo()}
        return ", ".join(
            f"{quantity:g} {uom_names.get(uom_id, '')} {names.get(product_id, '')}"
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
        """{move id: forecast arrival (a datetime), False (in stock, just not
        reserved) or None (nothing forecast)} of the unreserved moves, from
        Odoo's own forecast of the moves (or of the earlier steps they wait
        for). Computed as superuser: the forecast reads every warehouse
        move."""
        if not moves:
            return {}
        Move = self.env["stock.move"].sudo()
        targets = {}
        for move in moves:
            record = Move.browse(move["id"])
            origins = record.move_orig_ids.filtered(
                lambda orig: orig.state not in ("done", "cancel", "assigned")
            )
            targets[move["id"]] = origins or record
        forecast_moves = Move.union(*targets.values())
        # the forecast depends on every other move of the warehouse: never
        # trust a value computed earlier in the transaction
        forecast_moves.invalidate_recordset(
            ["forecast_availability", "forecast_expected_date"]
        )
        forecast = {}
        try:
            with self.env.cr.savepoint(flush=False):
                for company in forecast_moves.company_id:
                    company_moves = forecast_moves.filtered(
                        lambda m, c=company: m.company_id == c
                    ).with_company(company)
                    for forecast_move in company_moves:
                        forecast[forecast_move.id] = (
                            forecast_move.forecast_expected_date,
                            forecast_move.forecast_availability
                            >= forecast_move.product_qty,
                        )
        except Exception:
            _logger.exception("Delivery forecast failed; orders shown at risk")
            return dict.fromkeys(targets, None)
        result = {}
        for move_id, forecast_moves_of in targets.items():
            arrival = False
            for forecast_move in forecast_moves_of:
                expected, covered = forecast.get(forecast_move.id, (False, False))
                if expected:
                    arrival = max(arrival or expected, expected)
                elif not covered:
                    arrival = None
                    break
            result[move_id] = arrival
        return result

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
        products = (
            self.env["product.product"].sudo().with_context(display_default_code=False)
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
                        "product": products.browse(move["product_id"]).display_name,
                        "quantity": move["product_uom_qty"],
                        "expected": expected,
                    }
                )
            result[order_id] = lines
        return result

    def _delivery_pickings(self):
        """The order's outgoing deliveries, with their tracking reference
        where Odoo's stock_delivery gives one."""
        self.ensure_one()
        pickings = self.sudo().picking_ids.filtered(
            lambda picking: picking.picking_type_code == "outgoing"
        )
        tracked = "carrier_tracking_ref" in pickings._fields
        return [
            {
                "name": picking.name,
                "state": picking.state,
                "scheduled": picking.scheduled_date,
                "done": picking.date_done,
                "tracking_ref": picking.carrier_tracking_ref if tracked else False,
            }
            for picking in pickings.sorted("scheduled_date")
        ]

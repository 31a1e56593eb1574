#!/usr/bin/env python3
"""Benchmark the delivery promises of sales_coordination against Odoo's own
availability computation of the same pickings, in one run.

Connects to an existing database that has sales_coordination installed and,
in a transaction rolled back at the end (the database is left as it was):

1. confirms one order of LINES storable products through the ORM (a real
   order, its delivery and its moves), then copies it in SQL into ORDERS
   confirmed orders with one open delivery each (ORDERS x LINES open moves):
   a third of the products in stock and reserved, a third in stock but not
   reserved, a third short with a supplier receipt planned, so that every
   path of the risk (reserved, forecast from stock, forecast from a receipt)
   is taken;
2. times the full risk pass of the hourly cron over all of them
   (``sale.order._delivery_refresh_batches``) against Odoo's own
   ``stock.picking.products_availability_state`` computed on the same
   pickings (caches invalidated before each), and prints both and the ratio;
3. validates one delivery of a LINES2-line order in full and counts the
   queries of the update of that order's status (the recomputation the ORM
   does when the order is read), against the queries of Odoo's
   ``products_availability_state`` of that picking.

``--peer-orders N`` times Odoo's computation (and ours again) on the first N
orders only: Odoo's forecast report grows faster than linearly with the
number of open moves (on this machine, 5.3 s for 3,000 pickings alone, 415 s
for 10,000 pickings among 300,000 open moves, more than 20 minutes for
100,000).

Usage::

    python3 bench/bench_delivery.py -d DB [--orders 100000] [--lines 3]
        [--lines2 50] [--db_host 127.0.0.1] [--db_user root]
"""

import argparse
import sys
import time

import benchlib

odoo = benchlib.import_odoo("bench_delivery")

from odoo import SUPERUSER_ID, Command, api
from odoo.tools import SQL


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    benchlib.add_db_options(parser)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=3)
    parser.add_argument("--lines2", type=int, default=50)
    parser.add_argument(
        "--peer-orders",
        type=int,
        default=None,
        help="compare with Odoo's computation on the first N orders only (both "
        "sides on the same N: Odoo's takes far longer than ours on 100,000 "
        "pickings); the full pass still runs on all the orders",
    )
    return parser.parse_args()


def make_products(env, count, warehouse, prefix):
    products = env["product.product"].create(
        [
            {
                "name": f"{prefix} {i}",
                "type": "consu",
                "is_storable": True,
                "list_price": 10.0 + i,
            }
            for i in range(count)
        ]
    )
    return products


def template_order(env, customer, products, warehouse):
    """One real order, confirmed through the ORM: its products in stock."""
    for product in products:
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, 10**6
        )
    order = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": 2})
                for product in products
            ],
        }
    )
    order.action_confirm()
    env.flush_all()
    return order


def copy_orders(env, order, count):
    """``count`` copies of ``order`` with its delivery and moves, in SQL
    (the moves keep the template's states; the first product's moves stay
    reserved, the others are made unreserved)."""
    cr = env.cr
    picking = order.picking_ids
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_map ON COMMIT DROP AS
            SELECT n, nextval('sale_order_id_seq') AS so_id,
                      nextval('stock_picking_id_seq') AS pick_id
              FROM generate_series(1, %s) n;
            INSERT INTO sale_order (id, name, partner_id, partner_invoice_id,
                   partner_shipping_id, company_id, state, date_order,
                   pricelist_id, currency_id, warehouse_id, picking_policy,
                   user_id, team_id, coordinator_id, administrator_id,
                   commitment_date, create_date, write_date, create_uid,
                   write_uid, delivery_risk)
            SELECT m.so_id, 'BENCH-' || m.n, o.partner_id, o.partner_invoice_id,
                   o.partner_shipping_id, o.company_id, 'sale', o.date_order,
                   o.pricelist_id, o.currency_id, o.warehouse_id, o.picking_policy,
                   o.user_id, o.team_id, o.coordinator_id, o.administrator_id,
                   now() at time zone 'UTC' + mod(m.n, 20) * interval '1 day',
                   o.create_date, o.write_date, 1, 1, 'none'
              FROM bench_map m, sale_order o WHERE o.id = %s;
            UPDATE sale_order so
               SET delivery_promise_date = so.commitment_date,
                   delivery_first_promise_date = so.commitment_date
              FROM bench_map m WHERE so.id = m.so_id;
            CREATE TEMP TABLE bench_lines ON COMMIT DROP AS
            SELECT m.n, m.so_id, m.pick_id, l.id AS old_line,
                   nextval('sale_order_line_id_seq') AS line_id
              FROM bench_map m, sale_order_line l WHERE l.order_id = %s;
            INSERT INTO sale_order_line (id, order_id, name, product_id,
                   product_uom_qty, product_uom, price_unit, company_id,
                   currency_id, order_partner_id, state, customer_lead,
                   sequence, create_date, write_date, create_uid, write_uid)
            SELECT b.line_id, b.so_id, l.name, l.product_id, l.product_uom_qty,
                   l.product_uom, l.price_unit, l.company_id, l.currency_id,
                   l.order_partner_id, 'sale', l.customer_lead, l.sequence,
                   l.create_date, l.write_date, 1, 1
              FROM bench_lines b JOIN sale_order_line l ON l.id = b.old_line;
            INSERT INTO stock_picking (id, name, origin, picking_type_id,
                   location_id, location_dest_id, partner_id, company_id,
                   state, scheduled_date, date_deadline, move_type, group_id,
                   sale_id, create_date, write_date, create_uid, write_uid)
            SELECT m.pick_id, 'BENCH/OUT/' || m.n, 'BENCH-' || m.n,
                   p.picking_type_id, p.location_id, p.location_dest_id,
                   p.partner_id, p.company_id, 'assigned',
                   now() at time zone 'UTC' + mod(m.n, 20) * interval '1 day',
                   now() at time zone 'UTC' + mod(m.n, 20) * interval '1 day',
                   p.move_type, p.group_id, m.so_id,
                   p.create_date, p.write_date, 1, 1
              FROM bench_map m, stock_picking p WHERE p.id = %s;
            INSERT INTO stock_move (name, sequence, priority, date, company_id,
                   product_id, product_uom_qty, product_qty, product_uom,
                   location_id, location_dest_id, picking_id, state,
                   picking_type_id, procure_method, sale_line_id, quantity,
                   reference, warehouse_id, create_date, write_date, create_uid,
                   write_uid, date_deadline)
            SELECT mv.name, mv.sequence, mv.priority,
                   now() at time zone 'UTC' + mod(b.n, 20) * interval '1 day',
                   mv.company_id, mv.product_id, mv.product_uom_qty,
                   mv.product_qty, mv.product_uom, mv.location_id,
                   mv.location_dest_id, b.pick_id,
                   CASE WHEN mv.product_id = first.pid
                        THEN 'assigned' ELSE 'confirmed' END,
                   mv.picking_type_id, mv.procure_method, b.line_id,
                   CASE WHEN mv.product_id = first.pid THEN mv.quantity ELSE 0 END,
                   'BENCH/OUT/' || b.n, mv.warehouse_id, mv.create_date,
                   mv.write_date, 1, 1,
                   now() at time zone 'UTC' + mod(b.n, 20) * interval '1 day'
              FROM bench_lines b
              JOIN sale_order_line l ON l.id = b.old_line
              JOIN stock_move mv ON mv.sale_line_id = l.id,
                   (SELECT min(product_id) AS pid FROM stock_move
                     WHERE picking_id = %s) first;
            """,
            count,
            order.id,
            order.id,
            picking.id,
            picking.id,
        )
    )
    # the statistics autovacuum would gather on a live database
    cr.execute(
        "ANALYZE sale_order, sale_order_line, stock_picking, stock_move, "
        "stock_move_move_rel, stock_quant"
    )
    cr.execute("SELECT so_id, pick_id FROM bench_map ORDER BY n")
    rows = cr.fetchall()
    env.invalidate_all()
    return (
        env["sale.order"].browse([r[0] for r in rows]),
        env["stock.picking"].browse([r[1] for r in rows]),
    )


def plan_receipt(env, warehouse, product, quantity, days):
    supplier = env.ref("stock.stock_location_suppliers")
    when = odoo.fields.Datetime.now() + odoo.tools.date_utils.relativedelta(days=days)
    receipt = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.in_type_id.id,
            "location_id": supplier.id,
            "location_dest_id": warehouse.lot_stock_id.id,
            "scheduled_date": when,
            "move_ids": [
                Command.create(
                    {
                        "name": product.name,
                        "product_id": product.id,
                        "product_uom_qty": quantity,
                        "product_uom": product.uom_id.id,
                        "location_id": supplier.id,
                        "location_dest_id": warehouse.lot_stock_id.id,
                        "date": when,
                    }
                )
            ],
        }
    )
    receipt.action_confirm()


def timed(env, function):
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    function()
    env.flush_all()
    return time.perf_counter() - start, env.cr.sql_log_count - queries


def bench_pass(env, args, customer, warehouse):
    products = make_products(env, args.lines, warehouse, "Bench Kibble")
    order = template_order(env, customer, products, warehouse)
    start = time.perf_counter()
    orders, pickings = copy_orders(env, order, args.orders)
    # the last product is short: its free stock goes, a receipt comes
    short = products[-1]
    env["stock.quant"].search([("product_id", "=", short.id)]).sudo().write(
        {"quantity": 0, "reserved_quantity": 0}
    )
    plan_receipt(env, warehouse, short, args.orders * 2, 5)
    env.flush_all()
    moves = env["stock.move"].search_count([("picking_id", "in", pickings.ids)])
    print(
        f"built {len(orders)} confirmed orders, {moves} open moves "
        f"in {time.perf_counter() - start:.1f} s"
    )
    full, full_queries = timed(
        env,
        # the bench's customer (indexed): the cron's domain is no list of ids
        lambda: env["sale.order"]._delivery_refresh_batches(
            [("partner_id", "=", customer.id)]
        ),
    )
    risks = dict(
        env["sale.order"]._read_group(
            [("id", "in", orders.ids)], ["delivery_risk"], ["__count"]
        )
    )
    print(
        f"full risk pass: {len(orders)} orders ({moves} open moves) in "
        f"{full:.2f} s, {full_queries} queries; risks: {risks}"
    )
    again, again_queries = timed(
        env,
        lambda: env["sale.order"]._delivery_refresh_batches(
            [("partner_id", "=", customer.id)]
        ),
    )
    print(
        f"the next hourly pass (nothing changed): {again:.2f} s, "
        f"{again_queries} queries"
    )
    count = min(args.peer_orders or len(orders), len(orders))
    sample, sample_pickings = orders[:count], pickings[:count]
    domain = [("id", "in", sample.ids)]
    ours, __ = timed(env, lambda: env["sale.order"]._delivery_refresh_batches(domain))
    theirs, __ = timed(
        env, lambda: sample_pickings.mapped("products_availability_state")
    )
    print(
        f"same {count} orders: our risk pass {ours:.2f} s (their status already "
        f"computed by the full pass: what the hourly pass costs); Odoo's "
        f"products_availability_state of their {count} pickings {theirs:.2f} s; "
        f"ratio {ours / theirs:.2f}x"
    )
    return ours, theirs


def validate(env, order):
    """Validate the order's delivery in full; the queries it took."""
    picking = order.picking_ids
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    for move in picking.move_ids:
        move.write({"quantity": move.product_uom_qty, "picked": True})
    picking._action_done()
    order.delivery_risk  # noqa: B018 - what the user reads next
    env.flush_all()
    return env.cr.sql_log_count - queries


def bench_update(env, args, customer, warehouse):
    """The queries of the update of an order's status after its delivery is
    validated: the validation of a LINES2-line delivery with the status
    computed, minus the same validation with the status computation made a
    no-op (identical orders, after a warm-up)."""
    from odoo.addons.sales_coordination.models.sale_order_delivery import (
        DELIVERY_STATUS_FIELDS,
    )

    products = make_products(env, args.lines2, warehouse, "Bench Treats")
    warm, plain, ours = (
        template_order(env, customer, products, warehouse) for __ in range(3)
    )
    validate(env, warm)
    Order = type(env["sale.order"])
    original = Order._delivery_status_values
    empty = dict.fromkeys(DELIVERY_STATUS_FIELDS, False)
    empty.update(delivery_risk="none", delivery_delay_days=0.0)
    Order._delivery_status_values = lambda self: {o.id: dict(empty) for o in self}
    try:
        without = validate(env, plain)
    finally:
        Order._delivery_status_values = original
    with_status = validate(env, ours)
    __, recompute = timed(env, ours._delivery_refresh)
    __, theirs = timed(env, lambda: ours.picking_ids.products_availability_state)
    print(
        f"update after validating a {args.lines2}-line delivery: "
        f"{ours.delivery_risk}; validation {with_status} queries with the "
        f"status, {without} without: the update costs {with_status - without} "
        f"queries ({recompute} for a recomputation of the status alone); "
        f"Odoo's products_availability_state of that picking: {theirs} queries"
    )


def main():
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args()
    try:
        registry = benchlib.open_registry("bench_delivery", args)
    except Exception as exc:  # noqa: BLE001 - one clear line for the user
        sys.exit(f"bench_delivery: cannot open database {args.database}: {exc}")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        if "sale.delivery.promise.revision" not in env:
            sys.exit("bench_delivery: sales_coordination is not installed in this DB.")
        try:
            env.company.accuracy_mode = "observe"
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            customer = env["res.partner"].create(
                {"name": "Bench Pet Shop", "is_company": True}
            )
            bench_update(env, args, customer, warehouse)
            bench_pass(env, args, customer, warehouse)
        finally:
            cr.rollback()


if __name__ == "__main__":
    main()

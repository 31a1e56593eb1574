# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
import logging
import threading

from odoo import api, models
from odoo.tools import SQL

from .sale_order_delivery import DELIVERED, DELIVERY_STATUS_FIELDS, RISKY
from .sale_order_delivery_stock import FORECAST_CACHE_KEY

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    """Delivery promises, time and history: the hourly pass that catches
    time passing (and the forecast changing), and the status of the orders
    confirmed before the install."""

    _inherit = "sale.order"

    # === BUSINESS METHODS ===

    @api.model
    def _cron_delivery_risk(self, batch_size=2000):
        """Hourly: recompute the status of the confirmed orders not yet
        delivered (time passes, the forecast changes), in batches with
        progress; then plan and close the ``delivery_at_risk`` follow-ups."""
        testing = getattr(threading.current_thread(), "testing", False)
        self._delivery_refresh_batches(
            [("delivery_risk", "not in", (*DELIVERED, "none"))],
            batch_size,
            commit=not testing,
        )
        rules = (
            self.env["sales.followup.rule"]
            .sudo()
            .search([("trigger", "=", "delivery_at_risk")])
        )
        if rules:
            rules.run_followups()
        return True

    @api.model
    def _delivery_refresh_batches(self, domain, batch_size=2000, commit=False):
        """Refresh the confirmed orders of ``domain``, batch by batch (the
        addon's batch walker), reporting progress to the cron runner. A
        failing batch is retried order by order: one bad order never stops
        the others.

        :return: the number of orders refreshed"""
        Order = self.sudo().with_context(active_test=False)
        domain = [("state", "=", "sale"), *domain]
        remaining = Order.search_count(domain)
        cron = self.env["ir.cron"]

        def step(after_id):
            nonlocal remaining
            batch = Order.search(
                [("id", ">", after_id), *domain], order="id", limit=batch_size
            )
            if not batch:
                return False
            try:
                with self.env.cr.savepoint():
                    batch._delivery_refresh()
            except Exception:
                _logger.exception("Delivery risk batch failed; order by order")
                for order in batch:
                    try:
                        with self.env.cr.savepoint():
                            order._delivery_refresh()
                    except Exception:
                        _logger.exception("Delivery risk of order %s failed", order.id)
            self.env["sales.followup.rule"]._close_followups_of(
                batch.filtered(lambda order: order.delivery_risk not in RISKY)
            )
            remaining -= len(batch)
            cron._notify_progress(done=len(batch), remaining=max(remaining, 0))
            return len(batch), batch[-1].id

        # the forecast queue of a product is computed once for the pass
        self.env.cr.cache[FORECAST_CACHE_KEY] = {}
        try:
            return self.env["sales.coordination.batch"]._sc_walk_batches(
                step, batch_size=batch_size, commit=commit
            )
        finally:
            self.env.cr.cache.pop(FORECAST_CACHE_KEY, None)

    @api.model
    def _delivery_backfill(self):
        """After the install: the promise of the orders confirmed before it
        (their delivery date, else their first delivery's deadline or
        scheduled date), then their status, in batches."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE sale_order so
                      SET delivery_promise_date = COALESCE(
                              so.commitment_date, first.promise, so.date_order),
                          delivery_first_promise_date = COALESCE(
                              so.commitment_date, first.promise, so.date_order)
                     FROM sale_order o
                LEFT JOIN LATERAL (
                         SELECT min(COALESCE(pick.date_deadline,
                                             pick.scheduled_date)) AS promise
                           FROM stock_picking pick
                           JOIN stock_picking_type ptype
                             ON ptype.id = pick.picking_type_id
                          WHERE pick.sale_id = o.id AND ptype.code = 'outgoing'
                       ) first ON TRUE
                    WHERE so.id = o.id AND o.state = 'sale'
                      AND so.delivery_promise_date IS NULL"""
            )
        )
        self.env.cr.execute(
            "UPDATE sale_order SET delivery_risk = 'none', delivery_delay_days = 0 "
            "WHERE delivery_risk IS NULL"
        )
        self.invalidate_model(
            ["delivery_promise_date", "delivery_first_promise_date", "delivery_risk"]
        )
        self._delivery_refresh_batches([])
        self.invalidate_model(list(DELIVERY_STATUS_FIELDS))

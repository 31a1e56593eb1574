# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
import logging
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

_logger = logging.getLogger(__name__)

# The risk of an order's delivery, in the order the board sorts them.
DELIVERY_RISKS = [
    ("late", "Late"),
    ("at_risk", "At Risk"),
    ("on_track", "On Track"),
    ("delivered_late", "Delivered Late"),
    ("delivered_on_time", "Delivered On Time"),
    ("none", "Nothing to Deliver"),
]
# The risks that call for telling the customer.
RISKY = ("at_risk", "late")
DELIVERED = ("delivered_on_time", "delivered_late")
# Computed from the stock by _compute_delivery_risk.
DELIVERY_STATUS_FIELDS = (
    "delivery_expected_date",
    "delivery_risk",
    "delivery_delay_days",
    "delivery_missing",
    "delivery_done_date",
    "delivery_risk_date",
    "delivery_first_risk_date",
    "delivery_promise_kept",
)
# Set by the addon only (sales.coordination.field.guard).
DELIVERY_PROTECTED_FIELDS = frozenset(
    {
        "delivery_promise_date",
        "delivery_first_promise_date",
        "delivery_customer_notified_date",
        "delivery_informed_in_time",
        *DELIVERY_STATUS_FIELDS,
    }
)
# Precommit data key: orders that turned at risk or late in this transaction.
DELIVERY_TURNED_KEY = "sales_coordination.delivery_turned_ids"


class SaleOrder(models.Model):
    """Delivery promises: what the customer was promised, when the goods
    will really leave (from the order's own pickings, reservations and
    Odoo's forecast), the risk and delay that follow, and the updates the
    customer received. The actions (revise, update, status) are in
    ``sale_order_delivery_actions.py``."""

    _inherit = "sale.order"

    # === FIELDS ===

    delivery_promise_date = fields.Datetime(
        string="Promised Delivery",
        compute="_compute_delivery_promise_date",
        store=True,
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="What the customer was promised, set at confirmation (the "
        "delivery date, else the expected date) and changed only by a "
        "revision of the promise.",
    )
    delivery_first_promise_date = fields.Datetime(
        string="First Promised Delivery",
        compute="_compute_delivery_promise_date",
        store=True,
        readonly=True,
        copy=False,
        help="The promise made at confirmation, before any revision: the "
        "promise-kept KPI measures against it.",
    )
    delivery_expected_date = fields.Datetime(
        string="Expected Shipping",
        compute="_compute_delivery_risk",
        store=True,
        readonly=True,
        copy=False,
        help="When the goods will really leave: the scheduled date of the "
        "open deliveries, later when a product cannot be reserved in time "
        "and is forecast to arrive later. Empty when nothing is forecast.",
    )
    delivery_risk = fields.Selection(
        selection=DELIVERY_RISKS,
        string="Delivery Risk",
        compute="_compute_delivery_risk",
        store=True,
        readonly=True,
        copy=False,
        index=True,
        help="Late: the promise has passed and the order is not fully "
        "delivered. At risk: expected after the promise, nothing forecast, "
        "or not reserved a few days before the promise (the company's "
        "setting).",
    )
    delivery_delay_days = fields.Float(
        string="Days Late",
        compute="_compute_delivery_risk",
        store=True,
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="The delivery (done or expected) minus the promise, in days; "
        "now minus the promise for a late order; 0 when on time.",
    )
    delivery_missing = fields.Char(
        string="Still to Deliver",
        compute="_compute_delivery_risk",
        store=True,
        readonly=True,
        copy=False,
        help="The products and quantities of the open deliveries.",
    )
    delivery_done_date = fields.Datetime(
        string="Fully Delivered On",
        compute="_compute_delivery_risk",
        store=True,
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    delivery_risk_date = fields.Datetime(
        string="At Risk Since",
        compute="_compute_delivery_risk",
        store=True,
        readonly=True,
        copy=False,
        help="When the order last turned at risk or late.",
    )
    delivery_first_risk_date = fields.Datetime(
        string="First At Risk On",
        compute="_compute_delivery_risk",
        store=True,
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    delivery_promise_kept = fields.Boolean(
        string="First Promise Kept",
        compute="_compute_delivery_risk",
        store=True,
        readonly=True,
        copy=False,
        help="Fully delivered by the promise made at confirmation.",
    )
    delivery_customer_notified_date = fields.Datetime(
        string="Customer Updated On",
        readonly=True,
        copy=False,
        help="The last delivery update the customer received.",
    )
    delivery_informed_in_time = fields.Boolean(
        string="Customer Informed Before the Promise",
        readonly=True,
        copy=False,
        help="The customer received a delivery update after the order first "
        "turned at risk and before its promise passed.",
    )
    delivery_revision_ids = fields.One2many(
        comodel_name="sale.delivery.promise.revision",
        inverse_name="order_id",
        string="Promise Revisions",
        readonly=True,
        groups="sales_team.group_sale_salesman",
    )

    # === COMPUTE METHODS ===

    @api.depends("state")
    def _compute_delivery_promise_date(self):
        """At confirmation: the delivery date, else the earliest deadline or
        scheduled date of its deliveries (Odoo sets the deadline from the
        delivery date or the expected date), else the expected date. Kept
        afterwards; a revision changes it."""
        orders = self.filtered(
            lambda order: order.state == "sale" and not order.delivery_promise_date
        )
        first_dates = orders._delivery_first_picking_dates() if orders.ids else {}
        for order in orders:
            promise = (
                order.commitment_date
                or first_dates.get(order.id)
                or order.expected_date
            )
            order.delivery_promise_date = promise
            order.delivery_first_promise_date = (
                order.delivery_first_promise_date or promise
            )
        for order in self - orders:
            order.delivery_promise_date = order.delivery_promise_date
            order.delivery_first_promise_date = order.delivery_first_promise_date

    @api.depends(
        "state",
        "delivery_promise_date",
        "delivery_first_promise_date",
        "order_line.move_ids.state",
        "order_line.move_ids.date",
        "order_line.move_ids.product_uom_qty",
    )
    def _compute_delivery_risk(self):
        """Expected date, risk, delay and what is still to deliver, from the
        order's moves to the customer, in one read for all the orders (see
        :meth:`_delivery_status_values`)."""
        values = self._delivery_status_values()
        for order in self:
            for name, value in values[order.id].items():
                order[name] = value

    # === CRUD METHODS ===

    def _auto_init(self):
        # The risk of years of existing orders is computed after the install
        # in batches (hooks.py), not by the ORM in one go.
        cr = self.env.cr
        for column, sql_type in (
            ("delivery_expected_date", "timestamp"),
            ("delivery_risk", "varchar"),
            ("delivery_delay_days", "numeric"),
            ("delivery_missing", "varchar"),
            ("delivery_done_date", "timestamp"),
            ("delivery_risk_date", "timestamp"),
            ("delivery_first_risk_date", "timestamp"),
            ("delivery_promise_date", "timestamp"),
            ("delivery_first_promise_date", "timestamp"),
            ("delivery_promise_kept", "boolean"),
        ):
            if not column_exists(cr, "sale_order", column):
                create_column(cr, "sale_order", column, sql_type)
        return super()._auto_init()

    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sales.coordination.field.guard"]._sc_guard_create(
            self, vals_list, DELIVERY_PROTECTED_FIELDS
        )
        return super(SaleOrder, orders).create(vals_list)

    def write(self, vals):
        self.env["sales.coordination.field.guard"]._sc_guard_write(
            self, vals, DELIVERY_PROTECTED_FIELDS
        )
        return super().write(vals)

    # === BUSINESS METHODS: THE STATUS ===

    def _delivery_status_values(self):
        """{order id: values of DELIVERY_STATUS_FIELDS} for ``self``."""
        now = fields.Datetime.now()
        result = {}
        confirmed = self.filtered(lambda order: order.id and order.state == "sale")
        moves_by_order = confirmed._delivery_read_moves() if confirmed else {}
        forecasts = self._delivery_forecasts(
            [
                move
                for moves in moves_by_order.values()
                for move in moves
                if move["open"] and not move["reserved"]
            ]
        )
        old = confirmed._delivery_previous_risks() if confirmed else {}
        names = self._delivery_names(
            [
                move
                for moves in moves_by_order.values()
                for move in moves
                if move["open"]
            ]
        )
        turned = []
        for order in self:
            previous = old.get(order.id, {})
            values = order._delivery_order_values(
                moves_by_order.get(order.id, []), forecasts, now, names=names
            )
            risky = values["delivery_risk"] in RISKY
            was_risky = previous.get("risk") in RISKY
            values["delivery_risk_date"] = (
                ((previous.get("risk_date") or now) if was_risky else now)
                if risky
                else False
            )
            values["delivery_first_risk_date"] = previous.get("first_risk_date") or (
                now if risky else False
            )
            turned_late = values["delivery_risk"] == "late" and (
                previous.get("risk") != "late"
            )
            if order.id and ((risky and not was_risky) or turned_late):
                turned.append(order.id)
            result[order.id] = values
        if turned:
            self._delivery_queue_automatic_updates(turned)
        return result

    def _delivery_order_values(self, moves, forecasts, now, names=None):
        """The status of one order from its moves to the customer."""
        self.ensure_one()
        values = dict.fromkeys(DELIVERY_STATUS_FIELDS, False)
        values.update(delivery_risk="none", delivery_delay_days=0.0)
        moves = [move for move in moves if move["state"] != "cancel"]
        if self.state != "sale" or not moves:
            return values
        promise = self.delivery_promise_date
        deadline = self._delivery_deadline(promise)
        open_moves = [move for move in moves if move["open"]]
        if not open_moves:
            done = max(move["done_date"] or move["date"] for move in moves)
            first = self._delivery_deadline(self.delivery_first_promise_date or promise)
            late = bool(deadline and done > deadline)
            values.update(
                delivery_promise_kept=not first or done <= first,
                delivery_done_date=done,
                delivery_risk="delivered_late" if late else "delivered_on_time",
                delivery_delay_days=_days(done - promise) if late else 0.0,
            )
            return values
        expected, unknown, unreserved = False, False, False
        for move in open_moves:
            move_expected = move["scheduled"]
            if not move["reserved"]:
                unreserved = True
                forecast = forecasts.get(move["id"])
                if forecast is None:
                    unknown = True
                    continue
                move_expected = max(move_expected, forecast or move_expected)
            expected = max(expected, move_expected) if expected else move_expected
        if unknown:
            expected = False
        values["delivery_expected_date"] = expected
        values["delivery_missing"] = self._delivery_missing_text(
            open_moves, names or self._delivery_names(open_moves)
        )
        if not promise:
            values["delivery_risk"] = "on_track"
            return values
        risk_days = self.company_id.delivery_risk_days or 0
        if now > deadline:
            risk = "late"
            delay = _days(max(expected or now, now) - promise)
        elif not expected or expected > deadline:
            risk = "at_risk"
            delay = _days(expected - promise) if expected else 0.0
        elif unreserved and now >= promise - timedelta(days=risk_days):
            risk, delay = "at_risk", 0.0
        else:
            risk, delay = "on_track", 0.0
        values.update(delivery_risk=risk, delivery_delay_days=delay)
        return values

    def _delivery_previous_risks(self):
        """{order id: {risk, risk_date, first_risk_date}} as last saved."""
        rows = self.env.execute_query(
            SQL(
                """SELECT id, delivery_risk, delivery_risk_date,
                          delivery_first_risk_date
                     FROM sale_order WHERE id = ANY(%s)""",
                list(self.ids),
            )
        )
        return {
            order_id: {"risk": risk, "risk_date": since, "first_risk_date": first}
            for order_id, risk, since, first in rows
        }

    def _delivery_deadline(self, promise):
        """When a promise is broken: a customer is promised a day, so the
        end of that day in the company's time zone (UTC without one), as a
        naive UTC datetime; False without a promise."""
        if not promise:
            return False
        tz = pytz.timezone(self.company_id.partner_id.tz or "UTC")
        local_day = pytz.utc.localize(promise).astimezone(tz).date()
        end = tz.localize(datetime.combine(local_day + timedelta(days=1), time.min))
        return end.astimezone(pytz.utc).replace(tzinfo=None) - timedelta(seconds=1)

    def _delivery_queue_automatic_updates(self, order_ids):
        """The orders that turned at risk or late get their automatic update
        before the transaction commits."""
        data = self.env.cr.precommit.data
        if DELIVERY_TURNED_KEY not in data:
            data[DELIVERY_TURNED_KEY] = set()
            env = self.env

            def send():
                ids = data.pop(DELIVERY_TURNED_KEY, set())
                env["sale.order"].browse(sorted(ids))._delivery_automatic_updates()

            self.env.cr.precommit.add(send)
        data[DELIVERY_TURNED_KEY].update(order_ids)

    def _delivery_refresh(self):
        """Recompute the status of ``self`` now (time has passed, or the
        forecast changed)."""
        if not self:
            return
        for name in DELIVERY_STATUS_FIELDS:
            self.env.add_to_compute(self._fields[name], self)
        self.flush_recordset(list(DELIVERY_STATUS_FIELDS))


def _days(delta):
    """A timedelta in days, rounded to the tenth."""
    return round(delta.total_seconds() / 86400.0, 1)

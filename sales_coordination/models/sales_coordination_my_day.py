from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date, format_time

# Records listed per section (the count covers them all).
MY_DAY_LIMIT_MAX = 100


class SalesCoordinationMyDay(models.AbstractModel):
    """*My Day*: the coordinator's day on one screen, read with the user's
    own rights (record rules apply: nobody sees more than elsewhere)."""

    _name = "sales.coordination.my.day"
    _description = "Sales Coordination: My Day"

    # === BUSINESS METHODS: PUBLIC ===

    @api.model
    @api.readonly
    def get_my_day(self, limit=10):
        """The sections of *My Day* for the current user, each with its
        total count, the domain and model that list them all, and its first
        ``limit`` records:

        - ``followups``: my open follow-ups due today or overdue;
        - ``requests``: support requests assigned to me, new or urgent;
        - ``meetings``: today's and tomorrow's meetings I attend, with their
          customer and order;
        - ``orders``: my customers' confirmed orders whose delivery is late,
          or at risk (the order's delivery risk).

        Public (RPC) entry point for Sales Coordinators:
        ``execute_kw(db, uid, key, "sales.coordination.my.day",
        "get_my_day", [], {"limit": 10})``. A fixed number of queries,
        whatever the number of activities.

        Dates are the user's: "today" and the labels follow the time zone
        and language of the context, else the user's preferences (a plain
        XML-RPC call sends none).

        :param int limit: records per section, 0 to 100
        :return: ``{section: {"title", "count", "model", "domain",
            "records"}}``, the sections in display order; ``title`` says
            what ``count`` counts, and ``count`` is the number of records
            ``domain`` lists (the first ``limit`` of them in ``records``);
            each record a dict with ``id``, ``model``, ``name``,
            ``customer``, ``date`` (ISO, UTC for a date and time),
            ``date_label`` (in the user's language and time zone) and
            ``detail`` (plus ``state``). ``followups`` also has ``later``:
            ``{"count", "date_label"}``, my follow-ups due after today and
            the first date among them, which the section does not count.
        :raise AccessError: when the user is not a Sales Coordinator
        :raise UserError: when ``limit`` is not a whole number in range
        """
        if not self.env.user.has_group("sales_coordination.group_coordinator"):
            raise AccessError(
                self.env._("Only Sales Coordinators have a My Day screen.")
            )
        if (
            isinstance(limit, bool)
            or not isinstance(limit, int)
            or not 0 <= limit <= MY_DAY_LIMIT_MAX
        ):
            raise UserError(
                self.env._(
                    "The number of records per section must be a whole number "
                    "from 0 to %(max)s.",
                    max=MY_DAY_LIMIT_MAX,
                )
            )
        my_day = self.with_context(
            tz=self._my_day_tz(),
            lang=self.env.context.get("lang") or self.env.user.lang or "en_US",
        )
        today = fields.Date.context_today(my_day)
        return {
            key: dict(section(today, limit), title=title)
            for key, title, section in my_day._my_day_sections()
        }

    # === BUSINESS METHODS: SECTIONS ===

    def _my_day_sections(self):
        """The sections of *My Day*, in display order: ``(key, title,
        method)``, ``method(today, limit)`` returning the section's dict. An
        addon adds a section by extending this list."""
        return [
            (
                "followups",
                self.env._("My follow-ups due today or overdue"),
                self._my_day_followups,
            ),
            (
                "requests",
                self.env._("Support requests assigned to me: new, or urgent"),
                lambda today, limit: self._my_day_requests(limit),
            ),
            (
                "meetings",
                self.env._("My meetings today and tomorrow"),
                self._my_day_meetings,
            ),
            (
                "orders",
                self.env._("My customers' orders late or at risk"),
                lambda today, limit: self._my_day_orders(limit),
            ),
        ]

    def _my_day_tz(self):
        """The user's time zone: the context's, else their preference."""
        tz = self.env.context.get("tz") or self.env.user.tz
        return tz if tz in pytz.all_timezones_set else "UTC"

    def _my_day_date_label(self, value):
        """A date, or a UTC datetime, as the user reads it: in their
        language, a datetime in their time zone."""
        if not value:
            return ""
        if isinstance(value, datetime):
            tz = self.env.context.get("tz") or "UTC"
            local = pytz.utc.localize(value).astimezone(pytz.timezone(tz))
            day = format_date(self.env, local.date())
            hour = format_time(self.env, value, tz=tz, time_format="short")
            return f"{day} {hour}"
        return format_date(self.env, value)

    def _my_day_section(self, model, domain, limit, order, to_dict):
        Model = self.env[model]
        records = Model.search(domain, limit=limit, order=order) if limit else Model
        return {
            "count": Model.search_count(domain),
            "model": model,
            "domain": domain,
            "records": [to_dict(record) for record in records],
        }

    def _my_day_followup_domain(self):
        """My open coordination follow-ups (any deadline)."""
        return [
            ("user_id", "=", self.env.uid),
            "|",
            ("followup_rule_id", "!=", False),
            ("activity_type_id", "in", self._my_day_followup_types().ids),
        ]

    def _my_day_followups(self, today, limit):
        mine = self._my_day_followup_domain()
        domain = [("date_deadline", "<=", fields.Date.to_string(today)), *mine]
        activities = (
            self.env["mail.activity"].search(
                domain, limit=limit, order="date_deadline, id"
            )
            if limit
            else self.env["mail.activity"]
        )
        customers = activities._followup_customers()
        later = self.env["mail.activity"]._read_group(
            [("date_deadline", ">", fields.Date.to_string(today)), *mine],
            aggregates=["__count", "date_deadline:min"],
        )[0]
        return {
            "later": {
                "count": later[0],
                "date_label": self._my_day_date_label(later[1]),
            },
            "count": self.env["mail.activity"].search_count(domain),
            "model": "mail.activity",
            "domain": domain,
            "records": [
                {
                    "id": activity.res_id,
                    "model": activity.res_model,
                    "activity_id": activity.id,
                    "name": activity.res_name,
                    "customer": customers.get(activity.id, ""),
                    "date": fields.Date.to_string(activity.date_deadline),
                    "date_label": self._my_day_date_label(activity.date_deadline),
                    "detail": activity.summary or activity.activity_type_id.name,
                    "state": "overdue" if activity.date_deadline < today else "today",
                }
                for activity in activities
            ],
        }

    def _my_day_followup_types(self):
        return self.env["mail.activity.type"].browse(
            self.env["ir.model.data"]
            .sudo()
            .search(
                [
                    ("module", "=", "sales_coordination"),
                    ("model", "=", "mail.activity.type"),
                ]
            )
            .mapped("res_id")
        )

    def _my_day_requests(self, limit):
        domain = [
            ("assigned_to_id", "=", self.env.uid),
            "|",
            ("state", "=", "new"),
            "&",
            ("priority", "=", "2"),
            ("state", "not in", ("done", "cancelled")),
        ]
        return self._my_day_section(
            "sales.support.request",
            domain,
            limit,
            "priority desc, id",
            lambda request: {
                "id": request.id,
                "model": request._name,
                "name": request.name,
                "customer": request.partner_id.display_name or "",
                "date": fields.Date.to_string(request.deadline) or "",
                "date_label": self._my_day_date_label(request.deadline),
                "detail": dict(
                    request._fields["state"]._description_selection(self.env)
                ).get(request.state, ""),
                "state": "urgent" if request.priority == "2" else request.state,
            },
        )

    def _my_day_meetings(self, today, limit):
        tz_today = datetime.combine(today, time.min)
        # The user's day, in UTC: the meetings of their today and tomorrow.
        start = fields.Datetime.context_timestamp(self, tz_today)
        offset = start.utcoffset() or timedelta()
        start_utc = tz_today - offset
        domain = [
            ("partner_ids", "in", self.env.user.partner_id.ids),
            ("start", "<", fields.Datetime.to_string(start_utc + timedelta(days=2))),
            ("stop", ">=", fields.Datetime.to_string(start_utc)),
        ]
        readable = self._my_day_readable

        def to_dict(event):
            # an invitation may link an order or an opportunity of a company
            # the user does not work for: shown without it
            order = readable(event.sale_order_id)
            lead = readable(event.opportunity_id)
            return {
                "id": event.id,
                "model": event._name,
                "name": event.name,
                "customer": (order.partner_id or lead.partner_id).display_name or "",
                "date": fields.Datetime.to_string(event.start),
                "date_label": self._my_day_date_label(event.start),
                "detail": order.name or lead.name or "",
                "state": "today"
                if event.start < start_utc + timedelta(days=1)
                else "tomorrow",
            }

        return self._my_day_section(
            "calendar.event", domain, limit, "start, id", to_dict
        )

    def _my_day_readable(self, record):
        """``record`` when the user may read it, else an empty recordset."""
        return record._filtered_access("read") if record else record

    def _my_day_orders(self, limit):
        """My customers' confirmed orders that are late or at risk, by the
        delivery risk the orders carry (sale_order_delivery.py): a picking
        whose scheduled date has passed is not a broken promise."""
        domain = [
            ("coordinator_id", "=", self.env.uid),
            ("state", "=", "sale"),
            ("delivery_risk", "in", ("late", "at_risk")),
        ]
        orders = (
            self.env["sale.order"].search(
                domain, limit=limit, order="delivery_promise_date, id"
            )
            if limit
            else self.env["sale.order"]
        )
        labels = {"late": self.env._("Late"), "at_risk": self.env._("At risk")}
        return {
            "count": self.env["sale.order"].search_count(domain),
            "model": "sale.order",
            "domain": domain,
            "records": [
                {
                    "id": order.id,
                    "model": order._name,
                    "name": order.name,
                    "customer": order.partner_id.display_name or "",
                    "date": fields.Datetime.to_string(order.delivery_promise_date)
                    or "",
                    "date_label": self._my_day_date_label(order.delivery_promise_date),
                    "detail": labels[order.delivery_risk],
                    "state": order.delivery_risk,
                }
                for order in orders
            ],
        }

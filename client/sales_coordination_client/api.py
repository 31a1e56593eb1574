"""The operations of the CLI, usable from Python as well.

Every method talks to the addon's public RPC contract (see docs/rpc.md) through
odoorpc's model proxies and raises :class:`ClientError` subclasses only.
"""

import datetime
import re

import odoorpc

from .connection import (
    NETWORK_ERRORS,
    BusinessError,
    ServerError,
    UsageError,
    connect,
    translate_error,
)

REQUEST_TYPES = (
    "proposal",
    "order_processing",
    "meeting_scheduling",
    "document",
    "shipment_update",
    "other",
)
REQUEST_STATES = ("new", "in_progress", "done", "cancelled")
ORDER_STATES = ("draft", "sent", "sale", "cancel")
REQUEST_FIELDS = [
    "name",
    "request_type",
    "state",
    "priority",
    "partner_id",
    "order_id",
    "requested_by_id",
    "assigned_to_id",
    "deadline",
    "first_response_date",
    "done_date",
]
ACTIVITY_FIELDS = [
    "activity_type_id",
    "summary",
    "res_model",
    "res_id",
    "res_name",
    "user_id",
    "date_deadline",
    "state",
]
ACTIVITY_TYPES = (
    "mail_activity_type_quote_followup",
    "mail_activity_type_delivery_update",
    "mail_activity_type_payment_followup",
    "mail_activity_type_document_request",
    "mail_activity_type_lead_followup",
    "mail_activity_type_meeting_followup",
)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value, what):
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise UsageError(f"{what} must be a date as YYYY-MM-DD, got {value!r}")
    try:
        datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{what} is not a valid date: {value!r}") from exc
    return value


class Client:
    """A logged-in connection to a database with ``sales_coordination``."""

    def __init__(self, odoo):
        self.odoo = odoo

    @classmethod
    def connect(cls, url, db, login, password=None, api_key=None, timeout=120):
        return cls(connect(url, db, login, password, api_key, timeout))

    # ------------------------------------------------------------------
    # Low level
    # ------------------------------------------------------------------

    def call(self, model, method, *args, **kwargs):
        """Call ``model.method(*args, **kwargs)`` through odoorpc's proxy."""
        try:
            proxy = self.odoo.env[model]
            return getattr(proxy, method)(*args, **kwargs)
        except (odoorpc.error.RPCError, *NETWORK_ERRORS) as exc:
            raise translate_error(exc) from exc

    def _resolve(self, model, value, what, name_field="name"):
        """An id from an int-like value, else from an exact name match."""
        text = str(value).strip()
        if text.isdigit():
            return int(text)
        ids = self.call(model, "search", [(name_field, "=", text)], limit=2)
        if not ids:
            ids = self.call(model, "search", [(name_field, "ilike", text)], limit=2)
        if len(ids) != 1:
            found = "no" if not ids else "several"
            raise BusinessError(f"{found} {what} matches {text!r}", "MissingError")
        return ids[0]

    def _coordination_activity_types(self):
        """Ids of the addon's follow-up activity types (``ir.model.data`` is
        not readable by ordinary users; ``check_object_reference`` is)."""
        ids = []
        for name in ACTIVITY_TYPES:
            try:
                _model, res_id = self.call(
                    "ir.model.data",
                    "check_object_reference",
                    "sales_coordination",
                    name,
                )
            except ServerError:  # not installed (yet): no such XML id
                continue
            if res_id:
                ids.append(res_id)
        return ids

    # ------------------------------------------------------------------
    # KPIs
    # ------------------------------------------------------------------

    def kpis(self, date_from, date_to, teams=(), users=(), series=None):
        """``sales.coordination.kpi.get_kpis`` for a period: a dict, where a
        KPI that cannot be computed (empty denominator) is ``False``. With
        ``series`` (``day``, ``week``, ``month`` or ``quarter``),
        ``get_kpi_series`` instead: ``{"buckets": [...], "values": {...}}``."""
        parse_date(date_from, "--from")
        parse_date(date_to, "--to")
        kwargs = {}
        if series:
            kwargs["granularity"] = series
        if teams:
            kwargs["team_ids"] = [
                self._resolve("crm.team", t, "sales team") for t in teams
            ]
        if users:
            kwargs["user_ids"] = [
                self._resolve("res.users", u, "user", "login") for u in users
            ]
        method = "get_kpi_series" if series else "get_kpis"
        return self.call("sales.coordination.kpi", method, date_from, date_to, **kwargs)

    # ------------------------------------------------------------------
    # Accuracy checks
    # ------------------------------------------------------------------

    def orders_to_check(self, states=("draft", "sent"), ids=None):
        if ids:
            return sorted(set(ids))
        bad = [s for s in states if s not in ORDER_STATES]
        if bad:
            raise UsageError(
                f"unknown order state(s) {', '.join(bad)}; "
                f"use {', '.join(ORDER_STATES)}"
            )
        return self.call("sale.order", "search", [("state", "in", list(states))])

    def check_orders(self, ids, batch_size=100, progress=None):
        """Run ``sale.order.action_check_accuracy`` on ``ids`` in batches.

        ``progress(done, total)`` is called after each batch. Returns the
        orders' ``name``, partner and ``accuracy_state``, and their open issues.
        """
        if batch_size < 1:
            raise UsageError("--batch-size must be at least 1")
        total = len(ids)
        for start in range(0, total, batch_size):
            batch = ids[start : start + batch_size]
            self.call("sale.order", "action_check_accuracy", batch)
            if progress:
                progress(min(start + batch_size, total), total)
        if not ids:
            return []
        orders = self.call(
            "sale.order",
            "read",
            ids,
            ["name", "partner_id", "state", "accuracy_state"],
        )
        issues = self.call(
            "sale.accuracy.issue",
            "search_read",
            [("order_id", "in", ids), ("state", "=", "open")],
            ["order_id", "rule_code", "severity"],
        )
        by_order = {}
        for issue in issues:
            by_order.setdefault(issue["order_id"][0], []).append(issue["rule_code"])
        for order in orders:
            order["open_issues"] = sorted(by_order.get(order["id"], []))
        return orders

    # ------------------------------------------------------------------
    # Follow-ups
    # ------------------------------------------------------------------

    def run_followups(self):
        """``sales.followup.rule.run_followups()`` (a model method: no ids)
        on every active rule; returns the activities created."""
        return self.call("sales.followup.rule", "run_followups")

    def list_followups(self, overdue=False, users=()):
        domain = [("activity_type_id", "in", self._coordination_activity_types())]
        if overdue:
            domain.append(("date_deadline", "<", datetime.date.today().isoformat()))
        if users:
            user_ids = [self._resolve("res.users", u, "user", "login") for u in users]
            domain.append(("user_id", "in", user_ids))
        return self.call(
            "mail.activity",
            "search_read",
            domain,
            ACTIVITY_FIELDS,
            order="date_deadline, id",
        )

    # ------------------------------------------------------------------
    # Support requests
    # ------------------------------------------------------------------

    def create_request(
        self, request_type, note, partner=None, order=None, deadline=None
    ):
        if request_type not in REQUEST_TYPES:
            raise UsageError(
                f"unknown request type {request_type!r}; use {', '.join(REQUEST_TYPES)}"
            )
        note = (note or "").strip()
        if not note:
            raise UsageError("--note must say what is needed")
        vals = {"request_type": request_type, "name": note.splitlines()[0][:120]}
        if partner:
            vals["partner_id"] = self._resolve("res.partner", partner, "customer")
        if order:
            vals["order_id"] = self._resolve("sale.order", order, "sale order")
        if deadline:
            vals["deadline"] = parse_date(deadline, "--deadline")
        request_id = self.call("sales.support.request", "create", vals)
        if note != vals["name"]:
            self.call(
                "sales.support.request",
                "message_post",
                [request_id],
                body=note,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return self.call("sales.support.request", "read", [request_id], REQUEST_FIELDS)[
            0
        ]

    def list_requests(self, states=()):
        bad = [s for s in states if s not in REQUEST_STATES]
        if bad:
            raise UsageError(
                f"unknown request state(s) {', '.join(bad)}; "
                f"use {', '.join(REQUEST_STATES)}"
            )
        domain = [("state", "in", list(states))] if states else []
        return self.call(
            "sales.support.request",
            "search_read",
            domain,
            REQUEST_FIELDS,
            order="id",
        )

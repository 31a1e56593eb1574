"""The one table of KPI definitions.

Every consumer reads it: ``get_kpis`` (its keys, in this order),
``get_kpi_series``, ``get_dashboard`` (labels, units, direction, drill-down),
the KPI targets (selection, default direction, ranges), the XLSX export, the
digest fields and the command line. A new KPI is one row here, its family
method (a ``sales_coordination_kpi_<family>.py`` file) and the domain builder
of its records, which the drill-down calls by name.
"""

from collections import namedtuple

KpiDefinition = namedtuple(
    "KpiDefinition",
    [
        "key",
        # shown on cards, in the target selection and in the digest
        "label",
        # "count", "percent", "hours" or "days"
        "unit",
        "higher_is_better",
        # the method of sales.coordination.kpi that computes it (one SQL
        # aggregate for all the buckets of a series)
        "family",
        # the model whose records the figure counts (a rate: its
        # denominator), listed by the card's drill-down action
        "model",
        # the method of sales.coordination.kpi that builds the domain of
        # those records, (start, end, team_ids, user_ids) -> domain, the
        # same domain the family aggregates
        "records",
        # a rate: the domain its numerator adds to the records' one
        "numerator",
        # whether a digest can show it (a number every period)
        "digest",
    ],
)

UNIT_SYMBOLS = {"count": "", "percent": "%", "hours": "h", "days": "d"}


def _kpi(
    key,
    label,
    unit,
    family,
    model,
    records,
    numerator=None,
    higher_is_better=True,
    digest=True,
):
    """One row of KPI_DEFINITIONS (most KPIs are better higher and digested)."""
    return KpiDefinition(
        key, label, unit, higher_is_better, family, model, records, numerator, digest
    )


KPI_DEFINITIONS = [
    _kpi(
        "quotations",
        "Quotations",
        "count",
        "_kpi_orders",
        "sale.order",
        "_kpi_orders_created_domain",
    ),
    _kpi(
        "orders_confirmed",
        "Orders Confirmed",
        "count",
        "_kpi_orders",
        "sale.order",
        "_kpi_orders_confirmed_domain",
    ),
    _kpi(
        "quote_to_order_rate",
        "Quote-to-Order Rate (%)",
        "percent",
        "_kpi_orders",
        "sale.order",
        "_kpi_orders_created_domain",
        numerator=[("state", "=", "sale")],
    ),
    _kpi(
        "order_accuracy_rate",
        "Order Accuracy Rate (%)",
        "percent",
        "_kpi_orders",
        "sale.order",
        "_kpi_orders_checked_domain",
        numerator=[("first_time_right", "=", True)],
    ),
    _kpi(
        "data_entry_accuracy_rate",
        "Data-Entry Accuracy Rate (%)",
        "percent",
        "_kpi_accuracy",
        "sale.order",
        "_kpi_accuracy_domain",
        numerator=[("data_entry_right", "=", True)],
    ),
    _kpi(
        "support_turnaround_hours",
        "Support Turnaround (h)",
        "hours",
        "_kpi_support",
        "sales.support.request",
        "_kpi_support_done_domain",
        higher_is_better=False,
    ),
    _kpi(
        "internal_response_hours",
        "Internal Response Time (h)",
        "hours",
        "_kpi_support",
        "sales.support.request",
        "_kpi_support_answered_domain",
        higher_is_better=False,
    ),
    _kpi(
        "meeting_efficiency_rate",
        "Meeting Efficiency Rate (%)",
        "percent",
        "_kpi_meetings",
        "calendar.event",
        "_kpi_meetings_domain",
        numerator=[("coordination_outcome", "=", "held")],
    ),
    _kpi(
        "invoice_processing_hours",
        "Invoice Processing Time (h)",
        "hours",
        "_kpi_invoicing",
        "sale.order",
        "_kpi_invoicing_domain",
        higher_is_better=False,
    ),
    _kpi(
        "fulfillment_rate",
        "Fulfillment Rate, OTIF (%)",
        "percent",
        "_kpi_fulfillment",
        "stock.picking",
        "_kpi_fulfillment_domain",
    ),
    _kpi(
        "promise_kept_rate",
        "Delivery Promises Kept (%)",
        "percent",
        "_kpi_delivery",
        "sale.order",
        "_kpi_delivery_done_domain",
        numerator=[("delivery_promise_kept", "=", True)],
    ),
    _kpi(
        "proactive_update_rate",
        "Customers Informed Before the Date (%)",
        "percent",
        "_kpi_delivery",
        "sale.order",
        "_kpi_delivery_risk_domain",
        numerator=[("delivery_informed_in_time", "=", True)],
    ),
    _kpi(
        "average_delivery_delay_days",
        "Average Delivery Delay (days)",
        "days",
        "_kpi_delivery",
        "sale.order",
        "_kpi_delivery_late_domain",
        higher_is_better=False,
    ),
    _kpi(
        "sales_growth_rate",
        "Sales Growth Rate (%)",
        "percent",
        "_kpi_orders",
        "sale.order",
        "_kpi_orders_confirmed_domain",
    ),
    _kpi(
        "new_clients",
        "New Clients",
        "count",
        "_kpi_new_clients",
        "res.partner",
        "_kpi_new_clients_domain",
    ),
    _kpi(
        "followups_overdue",
        "Overdue Follow-ups",
        "count",
        "_kpi_followups",
        "mail.activity",
        "_kpi_followups_records_domain",
        higher_is_better=False,
    ),
]

KPI_BY_KEY = {definition.key: definition for definition in KPI_DEFINITIONS}
# The public contract: the keys of get_kpis, in display order.
KPI_KEYS = [definition.key for definition in KPI_DEFINITIONS]
KPI_HIGHER_IS_BETTER = {
    definition.key: definition.higher_is_better for definition in KPI_DEFINITIONS
}
KPI_SELECTION = [(definition.key, definition.label) for definition in KPI_DEFINITIONS]
# The families, in the order get_kpis runs them.
KPI_FAMILIES = list(dict.fromkeys(definition.family for definition in KPI_DEFINITIONS))

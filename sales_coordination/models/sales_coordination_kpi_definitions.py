"""The one table of KPI definitions.

Every consumer reads it: ``get_kpis`` (its keys, in this order),
``get_kpi_series``, ``get_dashboard`` (labels, units, direction, drill-down),
the KPI targets (selection, default direction, ranges), the XLSX export, the
digest fields and the command line.
"""

from collections import namedtuple

KpiDefinition = namedtuple(
    "KpiDefinition",
    [
        "key",
        # shown on cards, in the target selection and in the digest
        "label",
        # "count", "percent" or "hours"
        "unit",
        "higher_is_better",
        # the method of sales.coordination.kpi that computes it (one SQL
        # aggregate for all the buckets of a series)
        "family",
        # the model whose records the figure counts (a rate: its
        # denominator), listed by the card's drill-down action
        "model",
        # whether a digest can show it (a number every period)
        "digest",
    ],
)

UNIT_SYMBOLS = {"count": "", "percent": "%", "hours": "h"}

KPI_DEFINITIONS = [
    KpiDefinition(
        "quotations", "Quotations", "count", True, "_kpi_orders", "sale.order", True
    ),
    KpiDefinition(
        "orders_confirmed",
        "Orders Confirmed",
        "count",
        True,
        "_kpi_orders",
        "sale.order",
        True,
    ),
    KpiDefinition(
        "quote_to_order_rate",
        "Quote-to-Order Rate (%)",
        "percent",
        True,
        "_kpi_orders",
        "sale.order",
        True,
    ),
    KpiDefinition(
        "order_accuracy_rate",
        "Order Accuracy Rate (%)",
        "percent",
        True,
        "_kpi_orders",
        "sale.order",
        True,
    ),
    KpiDefinition(
        "data_entry_accuracy_rate",
        "Data-Entry Accuracy Rate (%)",
        "percent",
        True,
        "_kpi_accuracy",
        "sale.order",
        True,
    ),
    KpiDefinition(
        "support_turnaround_hours",
        "Support Turnaround (h)",
        "hours",
        False,
        "_kpi_support",
        "sales.support.request",
        True,
    ),
    KpiDefinition(
        "internal_response_hours",
        "Internal Response Time (h)",
        "hours",
        False,
        "_kpi_support",
        "sales.support.request",
        True,
    ),
    KpiDefinition(
        "meeting_efficiency_rate",
        "Meeting Efficiency Rate (%)",
        "percent",
        True,
        "_kpi_meetings",
        "calendar.event",
        True,
    ),
    KpiDefinition(
        "invoice_processing_hours",
        "Invoice Processing Time (h)",
        "hours",
        False,
        "_kpi_invoicing",
        "sale.order",
        True,
    ),
    KpiDefinition(
        "fulfillment_rate",
        "Fulfillment Rate, OTIF (%)",
        "percent",
        True,
        "_kpi_fulfillment",
        "stock.picking",
        True,
    ),
    KpiDefinition(
        "sales_growth_rate",
        "Sales Growth Rate (%)",
        "percent",
        True,
        "_kpi_orders",
        "sale.order",
        True,
    ),
    KpiDefinition(
        "new_clients",
        "New Clients",
        "count",
        True,
        "_kpi_new_clients",
        "res.partner",
        True,
    ),
    KpiDefinition(
        "followups_overdue",
        "Overdue Follow-ups",
        "count",
        False,
        "_kpi_followups",
        "mail.activity",
        True,
    ),
]

KPI_BY_KEY = {definition.key: definition for definition in KPI_DEFINITIONS}
# The public contract: the keys of get_kpis, in display order.
KPI_KEYS = [definition.key for definition in KPI_DEFINITIONS]
KPI_LABELS = {definition.key: definition.label for definition in KPI_DEFINITIONS}
KPI_HIGHER_IS_BETTER = {
    definition.key: definition.higher_is_better for definition in KPI_DEFINITIONS
}
KPI_SELECTION = [(definition.key, definition.label) for definition in KPI_DEFINITIONS]
# The families, in the order get_kpis runs them.
KPI_FAMILIES = list(dict.fromkeys(definition.family for definition in KPI_DEFINITIONS))

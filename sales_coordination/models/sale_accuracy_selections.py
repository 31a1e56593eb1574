"""The selections of the accuracy capability, defined once: the rules, their
issues, the order lines' markers and the accuracy report import them (as
Odoo's sale imports ``SALE_ORDER_STATE``)."""

# How much an issue matters: a blocking one stops the confirmation in enforce
# mode, a warning never does.
ACCURACY_SEVERITIES = [("warning", "Warning"), ("blocking", "Blocking")]
# What an issue is about.
ACCURACY_CATEGORIES = [
    ("data", "Data"),
    ("pricing", "Pricing"),
    ("fulfillment", "Fulfillment"),
    ("credit", "Credit"),
]
# Where an issue stands.
ACCURACY_ISSUE_STATES = [
    ("open", "Open"),
    ("resolved", "Resolved"),
    ("overridden", "Overridden"),
]

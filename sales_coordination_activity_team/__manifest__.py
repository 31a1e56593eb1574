{
    "name": "Sales Coordination: Activity Teams",
    "summary": "Follow-ups of the coordination rules in the activity teams of "
    "OCA's mail_activity_team",
    "version": "18.0.1.0.1",
    "category": "Sales/Sales",
    "website": "https://github.com/sales-coordination/sales_coordination",
    "author": "Sales Coordination developers",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["sales_coordination", "mail_activity_team"],
    "data": [
        "views/sales_followup_rule_views.xml",
        "views/crm_team_views.xml",
    ],
}

{
    "name": "Sales Coordination",
    "summary": "A home in Odoo for Sales Coordinators and Sales Administrators: "
    "role workspaces, order-accuracy checks, follow-ups, support requests, "
    "meetings and KPIs",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sales-coordination/sales_coordination",
    "author": "Sales Coordination developers",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["sale_management", "sale_crm", "sale_stock"],
    "data": [
        "security/sales_coordination_groups.xml",
        "security/ir.model.access.csv",
        "security/sales_coordination_security.xml",
        "views/res_partner_views.xml",
        "views/crm_team_views.xml",
        "views/sale_order_views.xml",
        "views/res_partner_data_quality_views.xml",
        "views/sales_coordination_kpi_target_views.xml",
        "views/sales_coordination_kpi_dashboard_views.xml",
        "report/sales_coordination_fulfillment_report_views.xml",
        "data/sale_accuracy_rule_data.xml",
        "views/sale_accuracy_rule_views.xml",
        "views/sale_accuracy_issue_views.xml",
        "wizard/sale_accuracy_confirm_wizard_views.xml",
        "views/sale_order_accuracy_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/res_company_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sales_coordination/static/tests/tours/**/*",
        ],
    },
}

{
    "name": "Sales Coordination: test follow-up trigger",
    "summary": "Test only: a follow-up trigger added from another addon, "
    "on a model the built-in triggers do not follow",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/sales-coordination/sales_coordination",
    "author": "Sales Coordination developers",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["sales_coordination"],
    "data": ["data/mail_activity_type_data.xml"],
}

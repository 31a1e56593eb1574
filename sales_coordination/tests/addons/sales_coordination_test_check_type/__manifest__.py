{
    "name": "Sales Coordination: test check type",
    "summary": "Test only: an accuracy check type added from another addon, "
    "reading extra order and line columns",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/sales-coordination/sales_coordination",
    "author": "Sales Coordination developers",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["sales_coordination"],
}

{
    "name": "Sales Coordination: beside OCA's sale_exception (test)",
    "summary": "Test only: an order that OCA's exception rules block and the "
    "accuracy checks block, confirmed through both",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/sales-coordination/sales_coordination",
    "author": "Sales Coordination developers",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["sales_coordination", "sale_exception"],
}

{
    "name": "Sales Coordination: test required fields",
    "summary": "Test only: another addon's required fields with a default on "
    "activities and order lines, loaded before sales_coordination",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/sales-coordination/sales_coordination",
    "author": "Sales Coordination developers",
    "license": "LGPL-3",
    "installable": True,
    # Not on sales_coordination: installed together, this module loads first,
    # so that the addon's data and demo are loaded with the fields in place.
    "depends": ["sale", "mail"],
}

"""Uninstalling the addon leaves quotations confirmable.

Runs last (see conftest.pytest_collection_modifyitems): it removes
sales_coordination from the session's database, on the live server.
"""

import xmlrpc.client

from conftest import new_product, unique


def test_uninstall_leaves_quotations_confirmable(admin, odoo_server, xmlrpc_as):
    partner = admin.env["res.partner"].create({"name": unique("E2E After Uninstall")})
    product = new_product(admin)
    # A quotation the addon would block in enforce mode (no address), created
    # while the addon is installed.
    order = admin.env["sale.order"].create(
        {
            "partner_id": partner,
            "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 3})],
        }
    )
    modules = admin.env["ir.module.module"]
    module_id = modules.search([("name", "=", "sales_coordination")])[0]
    assert modules.read([module_id], ["state"])[0]["state"] == "installed"
    modules.button_immediate_uninstall([module_id])

    rpc = xmlrpc_as(odoo_server.admin_login, odoo_server.admin_password)
    state = rpc("ir.module.module", "read", [module_id], ["state"])[0]["state"]
    assert state == "uninstalled"
    fields = rpc("sale.order", "fields_get", [], attributes=["type"])
    assert "coordinator_id" not in fields
    assert "accuracy_state" not in fields
    rpc("sale.order", "action_confirm", [order])
    row = rpc("sale.order", "read", [order], ["state"])[0]
    assert row["state"] == "sale"
    # The server keeps answering normally after the uninstall.
    assert isinstance(rpc("sale.order", "search_count", []), int)
    assert xmlrpc.client.ServerProxy(f"{odoo_server.url}/xmlrpc/2/common").version()

"""Installing into a database with history: the KPIs of the past are filled.

A database with Odoo's sale_management, sale_crm and sale_stock (no addon)
gets a month of history through Odoo's own flows, run in ``odoo shell``:
quotations sent, orders confirmed, deliveries validated, invoices posted,
leads won and lost. Their dates are then moved to March 2025. The addon is
installed afterwards (its post-install hook back-fills the history), a server
is started, and ``get_kpis`` over March 2025 gives the figures counted by hand.

This module has its own database and server (not the session's): set
``SC_E2E_TEMPLATE_DB`` to a database with the three Odoo apps and demo data
(without the addon) to skip their installation.
"""

import json
import os
import secrets
import subprocess
import urllib.request

import pytest
from conftest import (
    ADDON,
    LOG_DIR,
    addon_installed,
    create_database,
    drop_database,
    harness,
    pg_connect,
    require,
    running_server,
    session_mode,
)

APPS = "sale_management,sale_crm,sale_stock"

# Run in `odoo shell` before the addon exists. Prints the ids as JSON.
FLOWS = r"""
import json
env = env(context=dict(env.context, tracking_disable=False))
team = env["crm.team"].create({"name": "History Team"})
product = env["product.product"].create(
    {"name": "History Dry Food 15 kg", "type": "consu", "list_price": 40.0,
     "invoice_policy": "order"})
shop, clinic = env["res.partner"].create(
    [{"name": "History Pet Shop", "is_company": True},
     {"name": "History Vet Clinic", "is_company": True}])

def order(partner):
    return env["sale.order"].create({
        "partner_id": partner.id, "team_id": team.id,
        "order_line": [(0, 0, {"product_id": product.id,
                               "product_uom_qty": 10, "tax_id": [(6, 0, [])]})]})

def deliver(so):
    for picking in so.picking_ids:
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.button_validate()

# Odoo tracks no change made in the transaction that created the record:
# each step commits, as when people work through the day.
o1, o2, o3 = order(shop), order(clinic), order(shop)
env.cr.commit()
o1.action_quotation_sent()
env.cr.commit()
o1.action_confirm()
o2.action_confirm()
env.cr.commit()
deliver(o1)
deliver(o2)
i1 = o1._create_invoices()
i2 = o2._create_invoices()
env.cr.commit()
(i1 | i2).action_post()
o3.action_quotation_sent()
env.cr.commit()
won, lost = env["crm.lead"].create(
    [{"name": "History lead won", "type": "opportunity", "team_id": team.id,
      "partner_id": shop.id},
     {"name": "History lead lost", "type": "opportunity", "team_id": team.id,
      "partner_id": clinic.id}])
won.action_set_won()
lost.action_set_lost()
env.cr.commit()
print("IDS=" + json.dumps({
    "team": team.id, "orders": [o1.id, o2.id, o3.id],
    "invoices": [i1.id, i2.id],
    "pickings": [o1.picking_ids.id, o2.picking_ids.id],
    "leads": [won.id, lost.id]}))
"""

# March 2025, counted by hand:
# - o1 (shop): created 03-03 09:00, sent, confirmed 03-04 10:00, delivered
#   03-05 08:00 (scheduled 03-05 12:00: on time, in full), invoice posted
#   03-06 10:00 (its state tracking): 48 h;
# - o2 (clinic): created 03-09 09:00, confirmed 03-10 10:00, delivered 03-15
#   (scheduled 03-11: late), invoice dated 03-12 whose posting was not
#   tracked: posted 03-12 00:00 by its invoice date: 38 h;
# - o3 (shop): created 03-20 09:00, sent 03-21 08:00 (tracked), still a
#   quotation.
# quotations 3, confirmed 2, 2 of 3 confirmed: 66.7 %; fulfillment 1 of 2;
# invoice processing (48 + 38) / 2 = 43.0 h; two new clients; no accuracy
# figure (no order of March was checked), no growth (nothing in February).
SHIFT = """
UPDATE sale_order SET create_date = %(created)s, date_order = %(confirmed)s
 WHERE id = %(id)s;
"""


def shell(db, script, log_name):
    odoo = harness.odoo_cmd(db, "--no-http", "--log-level=warn")
    assert odoo[1:3] == ["-m", "odoo"]
    with open(LOG_DIR / log_name, "w") as log:
        proc = subprocess.run(
            odoo[:3] + ["shell"] + odoo[3:],
            input=script,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            check=False,
        )
    assert proc.returncode == 0, f"odoo shell failed; see .logs/{log_name}"
    return proc.stdout


def move_history_to_march(db, ids):
    o1, o2, o3 = ids["orders"]
    i1, i2 = ids["invoices"]
    p1, p2 = ids["pickings"]
    conn = pg_connect(db)
    with conn, conn.cursor() as cr:
        for order_id, created, confirmed in (
            (o1, "2025-03-03 09:00", "2025-03-04 10:00"),
            (o2, "2025-03-09 09:00", "2025-03-10 10:00"),
            (o3, "2025-03-20 09:00", "2025-03-20 09:00"),
        ):
            cr.execute(
                SHIFT, {"id": order_id, "created": created, "confirmed": confirmed}
            )
        for picking_id, scheduled, done in (
            (p1, "2025-03-05 12:00", "2025-03-05 08:00"),
            (p2, "2025-03-11 12:00", "2025-03-15 08:00"),
        ):
            cr.execute(
                "UPDATE stock_picking SET scheduled_date = %s, date_deadline = NULL, "
                "date_done = %s WHERE id = %s",
                [scheduled, done, picking_id],
            )
        cr.execute(
            "UPDATE account_move SET invoice_date = %s, date = %s WHERE id = %s",
            ["2025-03-06", "2025-03-06", i1],
        )
        cr.execute(
            "UPDATE account_move SET invoice_date = %s, date = %s WHERE id = %s",
            ["2025-03-12", "2025-03-12", i2],
        )
        # The tracked state changes: the messages carry their date.
        tracked = """
            UPDATE mail_message m SET date = %s
              FROM mail_tracking_value v, ir_model_fields f
             WHERE v.mail_message_id = m.id AND f.id = v.field_id
               AND f.model = %s AND f.name = 'state' AND m.model = %s
               AND m.res_id = %s AND v.new_value_char = %s
        """
        cr.execute(
            tracked, ["2025-03-06 10:00", "account.move", "account.move", i1, "Posted"]
        )
        assert cr.rowcount == 1
        cr.execute(
            tracked,
            ["2025-03-21 08:00", "sale.order", "sale.order", o3, "Quotation Sent"],
        )
        assert cr.rowcount == 1
        # o2's invoice as one posted by an import: no state tracking.
        cr.execute(
            """
            DELETE FROM mail_tracking_value v USING mail_message m, ir_model_fields f
             WHERE v.mail_message_id = m.id AND f.id = v.field_id
               AND f.model = 'account.move' AND f.name = 'state'
               AND m.model = 'account.move' AND m.res_id = %s
            """,
            [i2],
        )
        assert cr.rowcount == 1
    conn.close()


@pytest.fixture(scope="module")
def history_server():
    require(harness.check_odoo)
    require(harness.check_postgres)
    LOG_DIR.mkdir(exist_ok=True)
    db = f"sc_e2e_history_{secrets.token_hex(4)}"
    try:
        create_database(db)  # a copy of SC_E2E_TEMPLATE_DB, or nothing yet
        if not os.environ.get("SC_E2E_TEMPLATE_DB"):
            with open(LOG_DIR / "e2e-history-apps.log", "w") as log:
                subprocess.run(
                    harness.odoo_cmd(db, "-i", APPS, "--stop-after-init", "--no-http"),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    check=True,
                )
        assert not addon_installed(db), "the history database must start without it"
        out = shell(db, FLOWS, "e2e-history-flows.log")
        ids = json.loads(out.split("IDS=", 1)[1].splitlines()[0])
        move_history_to_march(db, ids)
        with open(LOG_DIR / "e2e-history-install.log", "w") as log:
            subprocess.run(
                harness.odoo_cmd(
                    db,
                    "-i",
                    ADDON,
                    "--stop-after-init",
                    "--no-http",
                    "--log-level=info",
                ),
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
            )
        assert addon_installed(db)
        with running_server(
            db, mode=session_mode(), log_name="e2e-history-server.log"
        ) as server:

            def rpc(service, method, *args):
                request = urllib.request.Request(
                    f"{server.url}/jsonrpc",
                    data=json.dumps(
                        {
                            "jsonrpc": "2.0",
                            "method": "call",
                            "params": {
                                "service": service,
                                "method": method,
                                "args": list(args),
                            },
                        }
                    ).encode(),
                    headers={"Content-Type": "application/json"},
                )
                with urllib.request.urlopen(request, timeout=120) as response:
                    answer = json.loads(response.read())
                assert "error" not in answer, answer.get("error")
                return answer["result"]

            uid = rpc("common", "login", db, "admin", "admin")

            def call(model, method, *args, **kwargs):
                return rpc(
                    "object",
                    "execute_kw",
                    db,
                    uid,
                    "admin",
                    model,
                    method,
                    list(args),
                    kwargs,
                )

            yield {"call": call, "ids": ids, "db": db}
    finally:
        drop_database(db)


def test_kpis_of_the_month_before_the_install(history_server):
    call, ids = history_server["call"], history_server["ids"]
    kpis = call(
        "sales.coordination.kpi",
        "get_kpis",
        "2025-03-01",
        "2025-03-31",
        team_ids=[ids["team"]],
    )
    assert kpis["quotations"] == 3
    assert kpis["orders_confirmed"] == 2
    assert kpis["quote_to_order_rate"] == 66.7
    assert kpis["fulfillment_rate"] == 50.0
    assert kpis["invoice_processing_hours"] == 43.0
    assert kpis["new_clients"] == 2
    assert kpis["followups_overdue"] == 0
    # Not known for the past: no figure (False, Odoo's empty value), never 0 %.
    for key in (
        "order_accuracy_rate",
        "data_entry_accuracy_rate",
        "sales_growth_rate",
        "meeting_efficiency_rate",
        "support_turnaround_hours",
        "internal_response_hours",
    ):
        assert kpis[key] is False, key


def test_backfilled_fields(history_server):
    call, ids = history_server["call"], history_server["ids"]
    o1, o2, o3 = ids["orders"]
    rows = {
        row["id"]: row
        for row in call(
            "sale.order",
            "read",
            [o1, o2, o3],
            ["invoice_posted_date", "quotation_sent_date", "accuracy_state"],
        )
    }
    assert rows[o1]["invoice_posted_date"] == "2025-03-06 10:00:00"
    assert rows[o2]["invoice_posted_date"] == "2025-03-12 00:00:00"
    assert rows[o3]["invoice_posted_date"] is False
    assert rows[o3]["quotation_sent_date"] == "2025-03-21 08:00:00"
    assert rows[o2]["quotation_sent_date"] is False  # never sent
    assert {row["accuracy_state"] for row in rows.values()} == {"unchecked"}

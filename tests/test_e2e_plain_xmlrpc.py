"""Every public method of the addon through a plain ``xmlrpc.client`` proxy,
without ``allow_none``: Odoo's ``/xmlrpc/2/object`` cannot marshal ``None``,
so a method returning ``None`` anywhere (an empty KPI, an action) would come
back as a fault. Each call has valid arguments and must not fault."""

import xmlrpc.client
from datetime import datetime, timedelta, timezone

import pytest
from conftest import (
    clean_order_vals,
    make_user,
    new_customer,
    new_order,
    new_product,
    unique,
    xmlid,
)


class PlainXmlRpc:
    """execute_kw on /xmlrpc/2/object, as the standard library gives it."""

    def __init__(self, server, login, password):
        self.db = server.db
        self.password = password
        common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
        self.uid = common.authenticate(server.db, login, password, {})
        assert self.uid, login
        self.models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")

    def __call__(self, model, method, *args, **kwargs):
        try:
            return self.models.execute_kw(
                self.db, self.uid, self.password, model, method, list(args), kwargs
            )
        except xmlrpc.client.Fault as fault:
            pytest.fail(f"{model}.{method} faulted: {fault.faultString}")


@pytest.fixture(scope="module")
def manager(odoo_server, admin):
    """A Coordination Manager (also a coordinator and an administrator)."""
    make_user(admin, "e2e_plain_manager", ["sales_coordination.group_manager"])
    return PlainXmlRpc(odoo_server, "e2e_plain_manager", "e2e_plain_manager")


@pytest.fixture(scope="module")
def salesperson(odoo_server, admin):
    make_user(admin, "e2e_plain_sales", ["sales_team.group_sale_salesman"])
    return PlainXmlRpc(odoo_server, "e2e_plain_sales", "e2e_plain_sales")


def test_get_kpis_with_empty_denominators(manager, admin):
    team = admin.env["crm.team"].create({"name": unique("E2E plain team")})
    for args, kwargs in (
        (("1990-01-01", "1990-01-31"), {}),
        (("1990-01-01", "1990-12-31"), {"team_ids": [team]}),
        (("2026-01-01", "2026-01-31"), {"user_ids": [manager.uid]}),
        (("2026-01-01", "2026-12-31"), {"team_ids": [], "user_ids": []}),
    ):
        kpis = manager("sales.coordination.kpi", "get_kpis", *args, **kwargs)
        assert kpis["quotations"] == 0 or args[0] == "2026-01-01"
    empty = manager("sales.coordination.kpi", "get_kpis", "1990-01-01", "1990-01-31")
    assert empty["quote_to_order_rate"] is False
    assert empty["fulfillment_rate"] is False
    assert empty["sales_growth_rate"] is False


def test_kpi_series_and_dashboard(manager):
    series = manager(
        "sales.coordination.kpi", "get_kpi_series", "1990-01-01", "1990-03-31"
    )
    assert len(series["buckets"]) == 3
    assert series["values"]["quote_to_order_rate"] == [False] * 3
    weeks = manager(
        "sales.coordination.kpi",
        "get_kpi_series",
        "2026-01-01",
        "2026-03-31",
        granularity="week",
        keys=["quotations"],
    )
    assert list(weeks["values"]) == ["quotations"]
    for period in ("month", "quarter", "year"):
        dashboard = manager("sales.coordination.kpi", "get_dashboard", period)
        assert len(dashboard["cards"]) == 16
    custom = manager(
        "sales.coordination.kpi",
        "get_dashboard",
        "custom",
        date_from="1990-01-01",
        date_to="1990-01-31",
        mine=True,
    )
    assert custom["previous"] == {"date_from": "1989-12-01", "date_to": "1989-12-31"}


def test_accuracy_methods(manager, admin):
    customer = new_customer(admin)
    product = new_product(admin, price=100.0)
    order = new_order(admin, customer, [(product, 12, 70.0)], **clean_order_vals(admin))
    assert manager("sale.order", "action_check_accuracy", [order]) is True
    state = manager("sale.order", "read", [order], ["accuracy_state"])[0]
    assert state["accuracy_state"] == "blocked"  # 70 typed for 100
    rows = manager(
        "sale.order",
        "read",
        [order],
        ["accuracy_not_applied", "accuracy_issue_ids", "first_time_right"],
    )
    assert rows[0]["accuracy_issue_ids"]
    rule_ids = manager("sale.accuracy.rule", "search", [])
    rules = manager("sale.accuracy.rule", "read", rule_ids, ["setting_warning"])
    assert len(rules) == len(rule_ids)
    assert manager(
        "sale.order", "action_accuracy_override", [order], "Agreed by the director"
    )
    assert manager("sale.order", "action_confirm", [order]) is True
    other = new_order(admin, customer, [(product, 12, 70.0)], **clean_order_vals(admin))
    manager("sale.order", "action_check_accuracy", [other])
    wizard = manager(
        "sale.accuracy.confirm.wizard",
        "create",
        {"order_ids": [(6, 0, [other])], "reason": "Launch price"},
    )
    assert manager("sale.accuracy.confirm.wizard", "action_override", [wizard])
    assert manager("sale.order", "action_view_support_requests", [order])
    assert manager("sale.order", "action_create_support_request", [order])


def test_accuracy_fix_override_request_and_simulate(manager, admin):
    customer = new_customer(admin)
    product = new_product(admin, price=100.0)
    # a one-click fix: the price typed as 70 is reset to 100
    order = new_order(admin, customer, [(product, 12, 70.0)], **clean_order_vals(admin))
    manager("sale.order", "action_check_accuracy", [order])
    issue_ids = manager(
        "sale.accuracy.issue",
        "search",
        [("order_id", "=", order), ("fix_label", "!=", False)],
    )
    assert issue_ids
    assert manager("sale.accuracy.issue", "action_fix", issue_ids[:1]) is True
    # an override request, refused, then asked again and refused from the dialog
    other = new_order(admin, customer, [(product, 12, 70.0)], **clean_order_vals(admin))
    manager("sale.order", "action_check_accuracy", [other])
    assert (
        manager("sale.order", "action_accuracy_request_override", [other], "Promo")
        is True
    )
    assert (
        manager("sale.order", "action_accuracy_reject_override", [other], "No promo")
        is True
    )
    wizard_model = "sale.accuracy.confirm.wizard"
    vals = {"order_ids": [(6, 0, [other])], "reason": "Promo week"}
    wizard = manager(wizard_model, "create", vals)
    assert manager(wizard_model, "action_request_override", [wizard])
    wizard = manager(wizard_model, "create", dict(vals, reason="Not this week"))
    assert manager(wizard_model, "action_reject", [wizard])
    # the rollout simulation, as a method and as the dialog
    result = manager("sale.accuracy.rule", "simulate", "2026-01-01", "2026-12-31")
    assert result and all("flagged" in row for row in result.values())
    simulation = manager(
        "sale.accuracy.simulation",
        "create",
        {"date_from": "2026-01-01", "date_to": "2026-12-31"},
    )
    assert manager("sale.accuracy.simulation", "action_simulate", [simulation])
    line_ids = manager("sale.accuracy.simulation", "read", [simulation], ["line_ids"])[
        0
    ]["line_ids"]
    assert line_ids
    assert manager("sale.accuracy.simulation.line", "action_view_orders", line_ids[:1])


def test_my_day(manager):
    day = manager("sales.coordination.my.day", "get_my_day")
    assert day
    assert manager("sales.coordination.my.day", "get_my_day", limit=3)


def test_followup_methods(manager):
    assert isinstance(manager("sales.followup.rule", "run_followups"), int)
    assert isinstance(manager("sales.followup.rule", "run_followups", []), int)
    rule_ids = manager("sales.followup.rule", "search", [], limit=1)
    assert manager("sales.followup.rule", "action_run_now", rule_ids)
    assert manager("sales.followup.rule", "action_view_activities", rule_ids)


def test_take_followup(manager, admin):
    """A follow-up planned into a team's coordination queue, taken by a
    coordinator of the team."""
    me = admin.env["res.users"].search([("login", "=", "e2e_plain_manager")])[0]
    team = admin.env["crm.team"].create(
        {"name": unique("E2E Queue Team"), "coordinator_id": me}
    )
    rule = admin.env["sales.followup.rule"].create(
        {
            "name": unique("E2E team queue"),
            "trigger": "quote_no_reply",
            "delay_days": 0,
            "activity_type_id": xmlid(
                admin, "sales_coordination.mail_activity_type_quote_followup"
            ),
            "assign_to": "team_queue",
            "team_ids": [(6, 0, [team])],
            "company_id": admin.env.user.company_id.id,
        }
    )
    try:
        order = new_order(
            admin,
            new_customer(admin),
            [(new_product(admin), 12, None)],
            team_id=team,
            **clean_order_vals(admin),
        )
        admin.env["sale.order"].action_quotation_sent([order])
        assert manager("sales.followup.rule", "run_followups", [rule]) == 1
        queued = manager(
            "mail.activity",
            "search",
            [("followup_rule_id", "=", rule), ("followup_in_my_queue", "=", True)],
        )
        assert len(queued) == 1
        assert manager("mail.activity", "action_take_followup", queued) is True
        [taken] = manager(
            "mail.activity", "read", queued, ["user_id", "coordination_team_id"]
        )
        assert taken["user_id"][0] == me
        assert taken["coordination_team_id"] is False
    finally:
        admin.env["sales.followup.rule"].write([rule], {"active": False})


def test_support_request_methods(manager, salesperson, admin):
    customer = new_customer(admin)
    request = salesperson(
        "sales.support.request",
        "create",
        {"name": "Pallet labels", "request_type": "document", "partner_id": customer},
    )
    assert manager("sales.support.request", "message_post", [request], body="On it")
    for method in ("action_start", "action_done", "action_reopen", "action_cancel"):
        assert manager("sales.support.request", method, [request]) is True


def test_meeting_methods(manager, admin):
    lead = admin.env["crm.lead"].create({"name": unique("E2E plain lead")})
    assert manager("crm.lead", "action_view_support_requests", [lead])
    assert manager("crm.lead", "action_create_support_request", [lead])

    def meeting(start):
        return manager(
            "calendar.event",
            "create",
            {
                "name": unique("E2E plain meeting"),
                "start": start,
                "stop": start.replace("09:00", "10:00"),
                "opportunity_id": lead,
            },
        )

    past = meeting("2026-01-05 09:00:00")
    for method in (
        "action_outcome_held",
        "action_outcome_reset",
        "action_outcome_no_show",
        "action_outcome_reset",
        "action_outcome_cancelled",
        "action_outcome_reset",
    ):
        assert manager("calendar.event", method, [past]) is True
    assert manager("calendar.event", "action_outcome_rescheduled", [past])
    assert manager("calendar.event", "action_open_rescheduled", [past])
    other = meeting("2026-01-12 09:00:00")
    assert manager(
        "calendar.event", "action_outcome_rescheduled", [other], "2026-02-02 09:00:00"
    )
    third = meeting("2026-01-19 09:00:00")
    dialog = manager(
        "calendar.event.reschedule",
        "create",
        {"event_id": third, "start": "2026-02-09 09:00:00", "notify_attendees": False},
    )
    opened = manager("calendar.event.reschedule", "action_apply", [dialog])
    assert opened["res_model"] == "calendar.event"


def test_kpi_target_methods(manager):
    # the dashboard itself is get_dashboard (above): an OWL client action
    target_model = "sales.coordination.kpi.target"
    target = manager(target_model, "create", {"kpi": "quotations", "target": 10.0})
    assert manager(target_model, "read", [target], [])


def test_delivery_promises_fix_all_and_settings(manager, admin):
    """The delivery promises on the demo's supplier delay, Fix all, the
    form's calls the addon extends (web_read, web_save) and the coordination
    settings."""
    in_a_month = (datetime.now(timezone.utc) + timedelta(days=30)).strftime(
        "%Y-%m-%d 16:00:00"
    )
    delayed = xmlid(admin, "sales_coordination.sale_order_story_d01_demo")
    status = manager("sale.order", "get_delivery_status", [delayed])
    assert status[0]["id"] == delayed
    assert (
        manager("sale.order", "action_revise_promise", [delayed], in_a_month, "carrier")
        is True
    )
    assert manager("sale.order", "action_send_delivery_update", [delayed]) is True
    dialog = "sale.delivery.promise.revise"
    assert manager(dialog, "default_get", ["reason", "notify_customer"])
    revise = manager(
        dialog,
        "create",
        {
            "order_ids": [(6, 0, [delayed])],
            "new_date": in_a_month,
            "reason": "stock_error",
            "notify_customer": False,
        },
    )
    assert manager(dialog, "action_apply", [revise])
    order = new_order(
        admin,
        new_customer(admin),
        [(new_product(admin, price=100.0), 12, 70.0)],
        **clean_order_vals(admin),
    )
    assert manager("sale.order", "action_accuracy_fix_all", [order]) is True
    assert manager("sale.order", "web_read", [order], {"accuracy_state": {}})
    saved = manager(
        "sale.order",
        "web_save",
        [order],
        {"client_order_ref": unique("PO")},
        {"accuracy_state": {}},
    )
    assert saved[0]["accuracy_state"] in ("passed", "warning")
    settings = "sales.coordination.settings"
    assert "accuracy_mode" in manager(settings, "default_get", ["accuracy_mode"])
    assert manager(settings, "action_save", [manager(settings, "create", {})])


def test_absence_cover_and_handoff(manager, admin):
    """An absence and its cover as integrators read it, and a portfolio
    handed over: the preview is what moves."""
    coordinator = ["sales_coordination.group_coordinator"]
    away = make_user(admin, "e2e_plain_away", coordinator)
    backup = make_user(admin, "e2e_plain_backup", coordinator)
    manager(
        "sales.coordination.absence",
        "create",
        {
            "user_id": away,
            "backup_user_id": backup,
            "date_from": "2030-07-01",
            "date_to": "2030-07-12",
        },
    )
    cover = manager(
        "res.users", "get_coordination_cover", [away, backup], at="2030-07-03"
    )
    assert cover == [
        {"user_id": away, "covered_by": backup, "until": "2030-07-12"},
        {"user_id": backup, "covered_by": False, "until": False},
    ]
    today = manager("res.users", "get_coordination_cover", [away])
    assert today[0]["user_id"] == away
    customer = new_customer(admin)
    admin.env["res.partner"].browse(customer).write({"sales_coordinator_id": away})
    handoff = manager(
        "sales.coordination.handoff",
        "create",
        {"from_user_id": away, "to_user_id": backup, "role": "coordinator"},
    )
    preview = manager("sales.coordination.handoff", "action_preview", [handoff])
    assert preview["customers"] == 1
    result = manager("sales.coordination.handoff", "action_apply", [handoff])
    assert result["params"]["counts"] == preview
    owner = admin.env["res.partner"].read([customer], ["sales_coordinator_id"])
    assert owner[0]["sales_coordinator_id"][0] == backup


def test_every_public_method_is_covered():
    """The methods called above are every public method of the addon's
    models (read from the addon's source: a new one must be added here)."""
    import ast
    from pathlib import Path

    called = set()
    for node in ast.walk(ast.parse(Path(__file__).read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            called.add(node.value)
    models = Path(__file__).resolve().parent.parent / "sales_coordination"
    public = set()
    for path in [*models.glob("models/*.py"), *models.glob("wizard/*.py")]:
        if path.name == "sales_coordination_demo.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            is_model = isinstance(node, ast.ClassDef) and any(
                isinstance(item, ast.Assign)
                and any(
                    getattr(target, "id", "") in ("_name", "_inherit")
                    for target in item.targets
                )
                for item in node.body
            )
            if is_model:
                for item in node.body:
                    if (
                        isinstance(item, ast.FunctionDef)
                        and not item.name.startswith("_")
                        # Odoo's own methods that we extend (toggle_active
                        # returns None in Odoo itself, message_post a record:
                        # neither is served over XML-RPC by Odoo)
                        and item.name
                        not in (
                            "create",
                            "write",
                            "unlink",
                            "init",
                            "toggle_active",
                            "message_post",
                        )
                    ):
                        public.add(item.name)
    assert public - called == set()


def test_xmlid_resolution_without_none(manager, admin):
    name = "mail_activity_type_quote_followup"
    res = manager("ir.model.data", "check_object_reference", "sales_coordination", name)
    assert res[1] == xmlid(admin, f"sales_coordination.{name}")

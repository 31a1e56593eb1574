"""Bad input over RPC: at least 200 malformed calls to the addon's public
methods (issues 3, 4, 5), through JSON-RPC (odoorpc) and XML-RPC.

Each call must get one of the four clear errors (UserError, ValidationError,
AccessError, MissingError): never an internal error such as TypeError,
KeyError or a psycopg2 error. Afterwards the database must be exactly as it
was before (no partial write).

These tests need the features of issues 3, 4 and 5: without them they fail.
"""

import xmlrpc.client

import pytest
from conftest import (
    clean_order_vals,
    db_connect,
    is_clear_error,
    make_user,
    new_customer,
    new_order,
    new_product,
    rpc_error_name,
    unique,
)
from odoorpc.error import RPCError

WATCHED_TABLES = [
    "sale_order",
    "sale_order_line",
    "sale_accuracy_rule",
    "sale_accuracy_issue",
    "sales_followup_rule",
    "sales_support_request",
    "mail_activity",
    "mail_message",
    "calendar_event",
    "res_partner",
]

HUGE = [2**31, 2**63 - 1, 2**63, 10**30]
BAD_IDS = [
    [0],
    [-1],
    [999999999],
    *[[n] for n in HUGE],
    ["abc"],
    ["1; DROP TABLE sale_order"],
    [None],
    [1.5],
    [[1]],
    [{"id": 1}],
    [True],
]
BAD_DATES = [
    "",
    " ",
    "2026-13-01",
    "2026-02-30",
    "26-01-01",
    "2026/01/01",
    "01-01-2026",
    "not a date",
    "2026-01-01'; DROP TABLE sale_order; --",
    "2026-01-01 00:00:00",
    "2026-01-01T00:00:00",
    "9999999-01-01",
    "0000-00-00",
    None,
    20260101,
    2026.5,
    [],
    {},
    ["2026-01-01"],
    True,
]
BAD_ID_LISTS = [
    "abc",
    "1",
    1,
    [None],
    ["1"],
    [1.5],
    [[1]],
    [999999999],
    [-1],
    [2**63],
    [True],
    {"1": 1},
    "[(1, '=', 1)]",
    "1 OR 1=1",
]
BAD_REASONS = [
    "",
    " ",
    "\n\t",
    None,
    0,
    123,
    1.5,
    [],
    ["reason"],
    {},
    {"r": "x"},
    True,
    False,
]
INJECTED_DOMAINS = [
    "[('id', '=', 1)]; DROP TABLE sale_order; --",
    "__import__('os').system('touch /tmp/sc_pwned')",
    "[('name', '=', 'x')] + [__import__('os').getcwd()]",
    "[('id', 'in', (SELECT id FROM res_users))]",
    "1; DELETE FROM sale_order",
    "[('nonexistent_field', '=', 1)]",
    "[('name', 'ilike', \"%'; DROP TABLE sale_order; --\")] ]",
    "not a domain",
    "[(",
    "[1, 2, 3]",
    "{'a': 1}",
    "[('id', '=', 1), '|']",
    "[('id', 'bogus_op', 1)]",
    "[('user_id.password', '=', 'x')]",
]
VALID_FROM, VALID_TO = "2026-01-01", "2026-01-31"


def _cases():
    """(id, login, model, method, args, kwargs); '$NAME' strings are replaced
    by the ids the fixture prepares."""
    cases = []

    def add(label, login, model, method, args, kwargs=None):
        cases.append(
            (f"{len(cases):03d}-{label}", login, model, method, args, kwargs or {})
        )

    SO = "sale.order"
    for i, ids in enumerate(BAD_IDS):
        add(f"check-ids-{i}", "manager", SO, "action_check_accuracy", [ids])
        add(f"confirm-ids-{i}", "manager", SO, "action_confirm", [ids])
        add(f"override-ids-{i}", "manager", SO, "action_accuracy_override", [ids, "ok"])
    for login in ("coordinator", "administrator"):
        for i, ids in enumerate(BAD_IDS[:6]):
            add(f"check-ids-{login}-{i}", login, SO, "action_check_accuracy", [ids])
    add("check-empty", "manager", SO, "action_check_accuracy", [[]])
    add(
        "check-mixed", "manager", SO, "action_check_accuracy", [["$BLOCKED", 999999999]]
    )
    add("check-foreign", "manager", SO, "action_check_accuracy", [["$FOREIGN"]])
    add("confirm-foreign", "manager", SO, "action_confirm", [["$FOREIGN"]])
    add(
        "override-foreign",
        "manager",
        SO,
        "action_accuracy_override",
        [["$FOREIGN"], "ok"],
    )
    add(
        "override-mixed",
        "manager",
        SO,
        "action_accuracy_override",
        [["$BLOCKED", 999999999], "ok"],
    )
    add(
        "override-confirmed",
        "manager",
        SO,
        "action_accuracy_override",
        [["$CONFIRMED"], "ok"],
    )
    add(
        "override-missing-reason",
        "manager",
        SO,
        "action_accuracy_override",
        [["$BLOCKED"]],
    )
    for i, reason in enumerate(BAD_REASONS):
        add(
            f"override-reason-{i}",
            "manager",
            SO,
            "action_accuracy_override",
            [["$BLOCKED"], reason],
        )
    for login in ("coordinator", "administrator", "e2e_bad_rep"):
        add(
            f"override-{login}",
            login,
            SO,
            "action_accuracy_override",
            [["$BLOCKED"], "ok"],
        )

    KPI = "sales.coordination.kpi"
    for i, value in enumerate(BAD_DATES):
        add(f"kpi-from-{i}", "manager", KPI, "get_kpis", [value, VALID_TO])
        add(f"kpi-to-{i}", "manager", KPI, "get_kpis", [VALID_FROM, value])
    for i, value in enumerate(BAD_ID_LISTS):
        add(
            f"kpi-teams-{i}",
            "manager",
            KPI,
            "get_kpis",
            [VALID_FROM, VALID_TO],
            {"team_ids": value},
        )
        add(
            f"kpi-users-{i}",
            "manager",
            KPI,
            "get_kpis",
            [VALID_FROM, VALID_TO],
            {"user_ids": value},
        )
    add("kpi-no-args", "manager", KPI, "get_kpis", [])
    add("kpi-one-arg", "manager", KPI, "get_kpis", [VALID_FROM])
    add("kpi-reversed", "manager", KPI, "get_kpis", [VALID_TO, VALID_FROM])

    FUP = "sales.followup.rule"
    for login in ("coordinator", "administrator", "e2e_bad_rep"):
        add(f"followups-{login}", login, FUP, "run_followups", [])
        add(f"followups-ids-{login}", login, FUP, "run_followups", [[]])
    for i, rule_ids in enumerate(
        ["abc", 1, {"1": 1}, [None], ["1"], [1.5], [[1]], [0], [-1], [999999999]]
    ):
        add(f"followups-rule-ids-{i}", "manager", FUP, "run_followups", [rule_ids])

    REQ = "sales.support.request"
    for action in ("action_start", "action_done", "action_cancel", "action_reopen"):
        for i, ids in enumerate(
            [[999999999], [0], [-1], [2**63], ["abc"], [None], [[1]], []]
        ):
            add(f"{action}-ids-{i}", "coordinator", REQ, action, [ids])
    for field in ("partner_id", "order_id", "assigned_to_id", "lead_id"):
        add(
            f"request-unknown-{field}",
            "coordinator",
            REQ,
            "create",
            [{"name": "bad", "request_type": "other", field: 999999999}],
        )

    RULE = "sale.accuracy.rule"
    for i, domain in enumerate(INJECTED_DOMAINS):
        vals = {
            "name": "injected",
            "code": f"e2e_injected_{i}",
            "check_type": "domain",
            "domain": domain,
            "severity": "warning",
            "category": "data",
        }
        add(f"rule-create-domain-{i}", "manager", RULE, "create", [vals])
        add(
            f"rule-write-domain-{i}",
            "manager",
            RULE,
            "write",
            [["$DOMAIN_RULE"], {"domain": domain}],
        )
    return cases


CASES = _cases()


def xmlrpc_marshallable(value):
    try:
        xmlrpc.client.dumps((value,), allow_none=True)
    except (OverflowError, TypeError):
        return False
    return True


def substitute(value, ids):
    if isinstance(value, str) and value.startswith("$"):
        return ids[value[1:]]
    if isinstance(value, list):
        return [substitute(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, ids) for k, v in value.items()}
    return value


def snapshot(odoo_server):
    conn = db_connect(odoo_server)
    state = {}
    with conn.cursor() as cr:
        for table in WATCHED_TABLES:
            cr.execute("SELECT to_regclass(%s)", [table])
            if cr.fetchone()[0] is None:
                state[table] = "missing"
                continue
            cr.execute(f"SELECT count(*), max(id), max(write_date) FROM {table}")
            state[table] = cr.fetchone()
    conn.close()
    return state


@pytest.fixture(scope="module")
def world(admin, odoo_server, connect):
    """A blocked quotation, a confirmed order, an order of another company and
    a manager's domain rule; then the database snapshot."""
    company_a = admin.env.user.company_id.id
    admin.env["res.company"].write([company_a], {"accuracy_mode": "enforce"})
    make_user(admin, "e2e_bad_rep", ["sales_team.group_sale_salesman"])
    product = new_product(admin)
    blocked = new_order(
        admin,
        new_customer(admin),
        [(product, 12, None)],
        **clean_order_vals(admin),
    )
    admin.env["sale.order.line"].write(
        admin.env["sale.order"].read([blocked], ["order_line"])[0]["order_line"],
        {"discount": 60},
    )
    admin.env["sale.order"].action_check_accuracy([blocked])
    confirmed = new_order(
        admin, new_customer(admin), [(product, 12, None)], **clean_order_vals(admin)
    )
    admin.env["sale.order"].action_confirm([confirmed])
    company_b = admin.env["res.company"].create({"name": unique("E2E Bad Input B")})
    admin.env["res.users"].write([admin.env.uid], {"company_ids": [(4, company_b)]})
    foreign = admin.execute_kw(
        "sale.order",
        "create",
        [
            {
                "partner_id": new_customer(admin),
                "company_id": company_b,
                "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 1})],
            }
        ],
        {"context": {"allowed_company_ids": [company_b, company_a]}},
    )
    domain_rule = admin.env["sale.accuracy.rule"].create(
        {
            "name": "E2E huge orders",
            "code": unique("e2e_huge").replace(" ", "_"),
            "check_type": "domain",
            "domain": "[('amount_untaxed', '>', 1000000000)]",
            "severity": "warning",
            "category": "pricing",
            # of company A: the manager (of company A only) may change it
            "company_id": company_a,
        }
    )
    sessions = {
        login: connect(login, login)
        for login in ("manager", "coordinator", "administrator", "e2e_bad_rep")
    }
    ids = {
        "BLOCKED": blocked,
        "CONFIRMED": confirmed,
        "FOREIGN": foreign,
        "DOMAIN_RULE": domain_rule,
    }
    state = admin.env["sale.order"].read([blocked], ["accuracy_state"])[0]
    assert state["accuracy_state"] == "blocked"
    return {"ids": ids, "sessions": sessions, "before": snapshot(odoo_server)}


@pytest.fixture(scope="module")
def xml_sessions(xmlrpc_as):
    cache = {}

    def get(login):
        if login not in cache:
            cache[login] = xmlrpc_as(login, login)
        return cache[login]

    return get


def test_at_least_200_malformed_calls():
    xml_cases = [c for c in CASES if xmlrpc_marshallable([c[4], c[5]])]
    assert len(CASES) + len(xml_cases) >= 400
    assert len(CASES) >= 200


@pytest.mark.parametrize(
    ("login", "model", "method", "args", "kwargs"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_jsonrpc_bad_call_gets_a_clear_error(world, login, model, method, args, kwargs):
    odoo = world["sessions"][login]
    args = substitute(args, world["ids"])
    with pytest.raises(RPCError) as info:
        odoo.execute_kw(model, method, args, kwargs)
    name = rpc_error_name(info.value)
    assert is_clear_error(info.value), f"{name}: {info.value}"
    assert str(info.value).strip(), "the error must say what was wrong"


XML_CASES = [c for c in CASES if xmlrpc_marshallable([c[4], c[5]])]


@pytest.mark.parametrize(
    ("login", "model", "method", "args", "kwargs"),
    [c[1:] for c in XML_CASES],
    ids=[c[0] for c in XML_CASES],
)
def test_xmlrpc_bad_call_gets_a_clear_error(
    world, xml_sessions, login, model, method, args, kwargs
):
    rpc = xml_sessions(login)
    args = substitute(args, world["ids"])
    with pytest.raises(xmlrpc.client.Fault) as fault:
        rpc(model, method, *args, **kwargs)
    lines = str(fault.value.faultString).strip().splitlines() or [""]
    assert is_clear_error(fault.value), f"fault {fault.value.faultCode}: {lines[-1]}"


def test_zz_database_unchanged_by_bad_calls(world, odoo_server):
    after = snapshot(odoo_server)
    changed = {
        table: (world["before"][table], after[table])
        for table in WATCHED_TABLES
        if after[table] != world["before"][table]
    }
    assert changed == {}, "(count, max id, max write_date) before/after"

"""Bad input over RPC: at least 200 malformed calls to the addon's public
methods (issues 3, 4, 5), through JSON-RPC (odoorpc) and XML-RPC, and
edge-of-range numbers and dates on every public method and on create and
write of the rule and target models (0, negative, 10**7, 10**9, 2**31, 2**63,
inf and nan, '0001-01-01', '9999-12-31', date-time strings, wrong types).

Each call must get one of the four clear errors (UserError, ValidationError,
AccessError, MissingError): never an internal error such as TypeError,
KeyError or a psycopg2 error. Afterwards the database must be exactly as it
was before (no partial write).

These tests need the features of issues 3, 4 and 5: without them they fail.
"""

import xmlrpc.client

import pytest
from conftest import (
    DatabaseWatch,
    clean_order_vals,
    is_clear_error,
    make_user,
    new_customer,
    new_order,
    new_product,
    rpc_error_name,
    unique,
    xmlid,
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
    "sales_coordination_kpi_target",
]
WATCH = DatabaseWatch(WATCHED_TABLES)

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
INF, NAN = float("inf"), float("nan")
# Out of range or of the wrong type for any number field; each field adds the
# values just outside its own range.
ABSURD_NUMBERS = [
    10**7 + 0.5,
    10**9 + 1,
    2**31,
    2**63,
    10**30,
    INF,
    -INF,
    NAN,
    "abc",
    "1e400",
    [],
    [1],
    {"a": 1},
    True,
]
FOLLOWUP_RANGES = {
    "sequence": (-1_000_000, 1_000_000),
    "delay_days": (0, 730),
    "deadline_days": (0, 365),
    "escalate_after_days": (0, 365),
}
EDGE_PERIODS = [
    ("0001-01-01", VALID_TO),
    ("1899-12-31", VALID_TO),
    (VALID_FROM, "9999-12-31"),
    ("9999-12-31", "9999-12-31"),
    ("0001-01-01", "9999-12-31"),
    ("1900-01-01", "9998-12-31"),  # in range, but longer than 100 years
    ("0001-01-01 00:00:00", VALID_TO),
    (VALID_FROM, "9999-12-31 23:59:59"),
    (VALID_FROM, "2026-01-31T23:59:59"),
    (0, VALID_TO),
    (-1, VALID_TO),
    (2**31, VALID_TO),
    (INF, VALID_TO),
    (NAN, VALID_TO),
]
BAD_RESCHEDULES = [
    "0001-01-01 00:00:00",
    "1899-12-31 23:59:59",
    "9999-12-31 23:59:59",
    "9998-12-31 23:59:00",  # the new meeting would end after the latest date
    "9999-12-31",
    "2026-13-01 10:00:00",
    "2026-03-04T10:00:00",
    "not a date",
    20260304,
    2**31,
    2**63,
    INF,
    NAN,
    -1,
    ["2026-03-04 10:00:00"],
    {"start": "2026-03-04 10:00:00"},
    True,
]


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

    _edge_number_cases(add)
    _edge_date_cases(add)

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


def _edge_number_cases(add):
    """Numbers out of their range, or not numbers, on create and write of the
    rule and target models."""
    FUP = "sales.followup.rule"
    RULE = "sale.accuracy.rule"
    for fname, (low, high) in FOLLOWUP_RANGES.items():
        for i, value in enumerate([low - 1, high + 1, -(2**31), *ABSURD_NUMBERS]):
            add(
                f"followup-write-{fname}-{i}",
                "manager",
                FUP,
                "write",
                [["$FOLLOWUP_RULE"], {fname: value}],
            )
            add(
                f"followup-create-{fname}-{i}",
                "manager",
                FUP,
                "create",
                [
                    {
                        "name": "absurd",
                        "trigger": "quote_no_reply",
                        "activity_type_id": "$QUOTE_TYPE",
                        fname: value,
                    }
                ],
            )
    for fname in ("last_run_date", "last_error", "cron_after_id", "cron_pass_date"):
        add(
            f"followup-engine-field-{fname}",
            "manager",
            FUP,
            "write",
            [["$FOLLOWUP_RULE"], {fname: "2026-01-01" if "date" in fname else 1}],
        )

    for label, rule, too_much in (
        ("discount", "$DISCOUNT_RULE", 100.5),
        ("duplicate", "$DUPLICATE_RULE", 366),
    ):
        for i, value in enumerate([-1, -0.01, too_much, 10**7, *ABSURD_NUMBERS]):
            add(
                f"rule-write-threshold-{label}-{i}",
                "manager",
                RULE,
                "write",
                [[rule], {"threshold": value}],
            )
    for i, value in enumerate([1_000_001, -1_000_001, *ABSURD_NUMBERS]):
        add(
            f"rule-write-sequence-{i}",
            "manager",
            RULE,
            "write",
            [["$DISCOUNT_RULE"], {"sequence": value}],
        )
        add(
            f"rule-create-threshold-{i}",
            "manager",
            RULE,
            "create",
            [
                {
                    "name": "absurd",
                    "code": f"e2e_absurd_{i}",
                    "check_type": "duplicate_order",
                    "threshold": value,
                }
            ],
        )

    TARGET = "sales.coordination.kpi.target"
    for kpi, too_much in (
        ("quote_to_order_rate", 100.5),
        ("support_turnaround_hours", 8761),
        ("new_clients", 10**7 + 1),
    ):
        for i, value in enumerate([-1, too_much, *ABSURD_NUMBERS]):
            add(
                f"target-create-{kpi}-{i}",
                "manager",
                TARGET,
                "create",
                [{"kpi": kpi, "target": value}],
            )


def _edge_date_cases(add):
    """Dates at the edge of what Python can represent, and wrong types, on
    every public method taking a date."""
    KPI = "sales.coordination.kpi"
    for i, (first, last) in enumerate(EDGE_PERIODS):
        add(f"kpi-edge-period-{i}", "manager", KPI, "get_kpis", [first, last])

    DASHBOARD = "sales.coordination.kpi.dashboard"
    for i, (first, last) in enumerate(EDGE_PERIODS[:6]):
        add(
            f"dashboard-create-period-{i}",
            "manager",
            DASHBOARD,
            "create",
            [{"period": "custom", "date_from": first, "date_to": last}],
        )

    EVENT = "calendar.event"
    for i, value in enumerate(BAD_RESCHEDULES):
        add(
            f"meeting-reschedule-{i}",
            "coordinator",
            EVENT,
            "action_outcome_rescheduled",
            [["$MEETING"], value],
        )


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
    quote_type = xmlid(admin, "sales_coordination.mail_activity_type_quote_followup")
    followup_rule = admin.env["sales.followup.rule"].create(
        {
            "name": "E2E ranges",
            "trigger": "quote_no_reply",
            "activity_type_id": quote_type,
            "company_id": company_a,
            "active": False,
        }
    )
    threshold_rules = {
        check_type: admin.env["sale.accuracy.rule"].create(
            {
                "name": f"E2E {check_type}",
                "code": unique(f"e2e_{check_type}").replace(" ", "_"),
                "check_type": check_type,
                "threshold": 5,
                "company_id": company_a,
                "active": False,
            }
        )
        for check_type in ("discount_limit", "duplicate_order")
    }
    sessions = {
        login: connect(login, login)
        for login in ("manager", "coordinator", "administrator", "e2e_bad_rep")
    }
    coordinator_uid = sessions["coordinator"].env.uid
    meeting = (
        sessions["coordinator"]
        .env["calendar.event"]
        .create(
            {
                "name": "E2E range review",
                "start": "2026-03-04 14:00:00",
                "stop": "2026-03-04 15:00:00",
                "user_id": coordinator_uid,
            }
        )
    )
    ids = {
        "BLOCKED": blocked,
        "CONFIRMED": confirmed,
        "FOREIGN": foreign,
        "DOMAIN_RULE": domain_rule,
        "FOLLOWUP_RULE": followup_rule,
        "QUOTE_TYPE": quote_type,
        "DISCOUNT_RULE": threshold_rules["discount_limit"],
        "DUPLICATE_RULE": threshold_rules["duplicate_order"],
        "MEETING": meeting,
    }
    state = admin.env["sale.order"].read([blocked], ["accuracy_state"])[0]
    assert state["accuracy_state"] == "blocked"
    return {"ids": ids, "sessions": sessions, "before": WATCH.snapshot(odoo_server)}


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
    changed = WATCH.changed(world["before"], WATCH.snapshot(odoo_server))
    assert changed == {}, "(count, max id, max write_date) before/after"

"""Malformed calls to every public method of every model of the addon,
generated from the addon's source: a method added without thought for bad
input fails here, without anyone writing its test first.

The public methods are read from ``sales_coordination/models``, ``wizard``
and ``report``: every method of a model class whose name does not start with
``_``, except the ORM's own CRUD and hooks (``CRUD``) and the methods Odoo
never serves over RPC (decorated ``@api.private``, computes, constraints and
onchanges). Each is called over JSON-RPC (odoorpc) and plain XML-RPC (where
the value can be marshalled) by a Coordination Manager:

- a record method with malformed ids (``[0]``, ``[-1]``, ``[[1]]``,
  ``[True]``, ``["abc"]``, an id too big for the database);
- a model method (``@api.model``) with a malformed value for each of its
  parameters in turn (a nested list, a dict, a string that is no number or
  date);

and must get one of the four clear errors (UserError, ValidationError,
AccessError, MissingError), never an internal error, and change nothing.
A model method that takes no argument has nothing to malform: it is listed in
``NO_INPUT``, so that a new one is looked at once.
"""

import ast
import xmlrpc.client
from pathlib import Path

import pytest
from conftest import DatabaseWatch, XmlRpc, is_clear_error, rpc_error_name
from odoorpc.error import RPCError

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "sales_coordination" / folder for folder in ("models", "wizard", "report")
]
# The ORM's own entry points and hooks, with their own argument checks (the
# addon extends web_save, web_read and message_post without changing what
# they take).
CRUD = frozenset(
    {
        "create",
        "write",
        "unlink",
        "copy",
        "read",
        "search",
        "init",
        "default_get",
        "web_save",
        "web_read",
        "message_post",
    }
)
NOT_RPC_DECORATORS = frozenset(
    {"private", "depends", "constrains", "onchange", "ondelete", "model_create_multi"}
)
# Model methods without a parameter: nothing to malform.
NO_INPUT = frozenset()
BAD_IDS = [[0], [-1], [[1]], [True], ["abc"], [10**12]]
BAD_VALUES = [[["x"]], {"a": 1}, "not a number or a date"]
# A valid value for the required parameters that are not being malformed.
VALID = {"date_from": "2026-01-01", "date_to": "2026-01-31"}
WATCH = DatabaseWatch(
    [
        "sale_order",
        "sale_accuracy_issue",
        "sale_accuracy_rule",
        "sales_followup_rule",
        "sales_support_request",
        "mail_activity",
        "calendar_event",
        "sales_coordination_kpi_target",
    ]
)


def _model_name(cls):
    """The model a class defines or extends (``_name``, else ``_inherit``)."""
    values = {}
    for node in cls.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in ("_name", "_inherit"):
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    name = values.get("_name") or values.get("_inherit")
    if isinstance(name, list | tuple):
        name = name[0] if name else None
    return name if isinstance(name, str) else None


def _decorators(function):
    names = set()
    for decorator in function.decorator_list:
        node = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.Name):
            names.add(node.id)
    return names


def public_methods():
    """``(model, method, is_model_method, parameters)`` of every public
    method of the addon, in a stable order."""
    found = {}
    for folder in SOURCES:
        for path in sorted(folder.glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
                model = _model_name(cls)
                if not model:
                    continue
                for function in cls.body:
                    if not isinstance(function, ast.FunctionDef):
                        continue
                    name = function.name
                    decorators = _decorators(function)
                    if (
                        name.startswith("_")
                        or name in CRUD
                        or decorators & NOT_RPC_DECORATORS
                    ):
                        continue
                    parameters = [a.arg for a in function.args.args[1:]]
                    found[(model, name)] = ("model" in decorators, parameters)
    return [
        (model, name, is_model, parameters)
        for (model, name), (is_model, parameters) in sorted(found.items())
    ]


METHODS = public_methods()


def cases():
    for model, name, is_model, parameters in METHODS:
        if is_model:
            for position in range(len(parameters)):
                for value in BAD_VALUES:
                    args = [VALID.get(p) for p in parameters[:position]] + [value]
                    args += [VALID[p] for p in parameters[position + 1 :] if p in VALID]
                    yield (
                        f"{model}.{name}({parameters[position]}={str(value)[:12]})",
                        model,
                        name,
                        args,
                    )
        else:
            for ids in BAD_IDS:
                yield f"{model}.{name}{str(ids)[:12]}", model, name, [ids]


CASES = list(cases())


def marshallable(value):
    try:
        xmlrpc.client.dumps((value,), allow_none=False)
    except (OverflowError, TypeError):
        return False
    return True


def test_every_public_method_is_exercised():
    """Each public method gets malformed calls, or is known to take none."""
    assert len(METHODS) >= 30, "the source scan found too few public methods"
    called = {(model, name) for _case, model, name, _args in CASES}
    untested = {
        f"{model}.{name}"
        for model, name, _is_model, _parameters in METHODS
        if (model, name) not in called
    }
    assert untested <= NO_INPUT, f"public methods without a malformed call: {untested}"


@pytest.fixture(scope="module")
def sessions(connect, odoo_server):
    return {
        "jsonrpc": connect("manager", "manager"),
        "xmlrpc": XmlRpc(odoo_server, "manager", "manager", allow_none=False),
        "before": WATCH.snapshot(odoo_server),
    }


@pytest.mark.parametrize(
    ("model", "method", "args"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_jsonrpc_malformed_call_gets_a_clear_error(sessions, model, method, args):
    with pytest.raises(RPCError) as info:
        sessions["jsonrpc"].execute_kw(model, method, args, {})
    assert is_clear_error(info.value), f"{rpc_error_name(info.value)}: {info.value}"


XML_CASES = [c for c in CASES if marshallable(c[3])]


@pytest.mark.parametrize(
    ("model", "method", "args"),
    [c[1:] for c in XML_CASES],
    ids=[c[0] for c in XML_CASES],
)
def test_xmlrpc_malformed_call_gets_a_clear_error(sessions, model, method, args):
    with pytest.raises(xmlrpc.client.Fault) as fault:
        sessions["xmlrpc"](model, method, *args)
    assert is_clear_error(fault.value), rpc_error_name(fault.value)


def test_zz_database_unchanged_by_malformed_calls(sessions, odoo_server):
    changed = WATCH.changed(sessions["before"], WATCH.snapshot(odoo_server))
    assert changed == {}, "(count, max id, max write_date) before/after"

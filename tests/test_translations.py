"""The addon's strings reach its .pot: Odoo extracts them with Babel, which
gives up on a whole Python file when a translated call holds an f-string (it
evaluates the call's string tokens), so every other string of that file
would silently stay untranslatable."""

import ast
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent / "sales_coordination"


def _translated_calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else None
            name = name or getattr(func, "id", None)
            if name in ("_", "_lt"):
                yield node


def test_no_f_string_inside_a_translated_call():
    offenders = []
    files = sorted(ADDON.rglob("*.py"))
    assert files
    for path in files:
        tree = ast.parse(path.read_text(), filename=str(path))
        for call in _translated_calls(tree):
            if any(isinstance(n, ast.JoinedStr) for n in ast.walk(call)):
                offenders.append(f"{path.relative_to(ADDON)}:{call.lineno}")
    assert not offenders, (
        "f-string inside _(): Babel skips the whole file; build the value "
        f"before the call: {offenders}"
    )

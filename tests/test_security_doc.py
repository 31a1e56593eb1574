"""docs/security.md shows the access matrix that the unit test
sales_coordination/tests/test_access_matrix.py asserts against the registry:
the two tables must be the same, cell by cell."""

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"
TEST = ROOT / "sales_coordination" / "tests" / "test_access_matrix.py"


def unit_test_matrix():
    values = {}
    for node in ast.parse(TEST.read_text()).body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in ("ROLES", "MODELS", "MATRIX")
        ):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def doc_matrix():
    """{(role, model): cell} from the "Access matrix" table of the doc."""
    text = DOC.read_text()
    section = text.split("## Access matrix", 1)[1].split("\n## ", 1)[0]
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line)
    ]
    header, *body = rows
    roles = [name.replace(" ", "_") for name in header[1:]]
    cells = {}
    for row in body:
        model = row[0].strip("`")
        for role, cell in zip(roles, row[1:], strict=True):
            cells[(role, model)] = cell
    return roles, cells


def test_doc_matrix_is_the_tested_matrix():
    expected = unit_test_matrix()
    roles, cells = doc_matrix()
    assert roles == list(expected["ROLES"])
    tested = {
        (role, model): cell
        for role, row in expected["MATRIX"].items()
        for model, cell in zip(expected["MODELS"], row, strict=True)
    }
    assert cells == tested

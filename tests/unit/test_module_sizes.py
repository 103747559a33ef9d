"""Every module of the product and of the lab is at most 400 lines, and every function at
most 60 (its decorators included); Alembic's generated migrations aside (issue 16). A command
that grows past that holds a use case, which belongs in services/; a module past it, two
concerns."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import fauxhire
import fauxhire_lab

PACKAGE = Path(fauxhire.__file__).parent
LAB = Path(fauxhire_lab.__file__).parent
SOURCES = PACKAGE.parent  # src/, which holds both
GENERATED = PACKAGE / "store" / "migrations"
MODULES = sorted(
    p for root in (PACKAGE, LAB) for p in root.rglob("*.py") if not p.is_relative_to(GENERATED)
)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _name(path: Path) -> str:
    return path.relative_to(SOURCES).as_posix()


def function_lengths(source: str) -> dict[str, int]:
    """Each function's (and method's) lines, from its first decorator to its last line."""
    lengths = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            assert node.end_lineno is not None
            lengths[f"{node.name}:{node.lineno}"] = node.end_lineno - first + 1
    return lengths


def test_there_are_modules_to_measure() -> None:
    assert len(MODULES) >= 100
    assert PACKAGE / "bootstrap.py" in MODULES and PACKAGE / "cli" / "__init__.py" in MODULES
    assert LAB / "world" / "generate.py" in MODULES
    assert all(path.is_file() for path in MODULES)


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_is_at_most_400_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_name(path)}: {lines} lines"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_every_function_is_at_most_60_lines(path: Path) -> None:
    lengths = function_lengths(path.read_text(encoding="utf-8"))
    longer = {name: n for name, n in lengths.items() if n > MAX_FUNCTION_LINES}
    assert longer == {}, _name(path)


def test_the_measure_counts_decorators_and_body() -> None:
    source = "@a\n@b\ndef f(\n    x: int,\n) -> int:\n    y = x\n    return y\n"
    assert function_lengths(source) == {"f:3": 7}
    many = "def g() -> None:\n" + "    pass\n" * 60
    assert function_lengths(many) == {"g:1": 61}

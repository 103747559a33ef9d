"""The size limits the architecture promises (docs/architecture.md): no module over 400 lines
and no function over 60, generated migrations aside. A module or function that outgrows them
is one that holds two ideas; split it rather than raise the limit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
MODULE_LINES = 400
FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(
        path for path in SRC.rglob("*.py") if "migrations" not in path.relative_to(SRC).parts
    )


def test_the_package_is_found() -> None:
    assert len(_modules()) > 100  # the check below read the real tree, not an empty one


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_modules_and_functions_stay_small(module: Path) -> None:
    text = module.read_text(encoding="utf-8")
    assert text.count("\n") <= MODULE_LINES, f"{module.name}: {text.count(chr(10))} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > FUNCTION_LINES
    ]
    assert not long, f"{module.name}: functions over {FUNCTION_LINES} lines: {long}"

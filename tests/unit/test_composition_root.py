"""One composition root, read from the source: only `fauxhire.bootstrap` imports the settings
or reads the environment, and the command line's modules reach the store through bootstrap
and the services, never through a database library or the store package itself.

import-linter says the same in pyproject.toml for whole packages; this test reads each module,
so a new module, or one imported only under TYPE_CHECKING, is held to it too. The lab
(`fauxhire_lab`) is held to the same: its commands are command-line modules like the rest."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import fauxhire
import fauxhire_lab

PACKAGE = Path(fauxhire.__file__).parent
LAB = Path(fauxhire_lab.__file__).parent
ROOT = PACKAGE / "bootstrap.py"
SETTINGS = PACKAGE / "settings.py"
CLI = PACKAGE / "cli"
LAB_CLI = LAB / "cli"
DATABASE = ("sqlalchemy", "alembic", "psycopg", "fauxhire.store")


def _modules(*folders: Path) -> list[Path]:
    return sorted(path for folder in folders for path in folder.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def _imports(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, by its full name: ``from a import b`` gives a.b too,
    since b may be a module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)} | {
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name)
    }


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


def test_the_package_has_the_modules_this_test_reads() -> None:
    assert ROOT.is_file() and SETTINGS.is_file()
    assert len(_modules(CLI)) >= 10  # the command line is a package of command modules
    assert LAB_CLI / "demo.py" in _modules(LAB_CLI)


def test_only_bootstrap_imports_the_settings() -> None:
    importers = [
        _name(path)
        for path in _modules(PACKAGE, LAB)
        if any(_under(name, "fauxhire.settings") for name in _imports(path))
    ]
    assert importers == ["fauxhire/bootstrap.py"]


def test_only_bootstrap_and_the_settings_read_the_environment() -> None:
    readers = [
        _name(path) for path in _modules(PACKAGE, LAB) if {"environ", "getenv"} & _names(path)
    ]
    assert readers == ["fauxhire/bootstrap.py"]  # settings.py reads it through pydantic-settings


@pytest.mark.parametrize("path", _modules(CLI, LAB_CLI), ids=_name)
def test_the_command_line_imports_no_database_library(path: Path) -> None:
    reached = [name for name in _imports(path) if any(_under(name, db) for db in DATABASE)]
    assert reached == []


@pytest.mark.parametrize("path", _modules(CLI, LAB_CLI), ids=_name)
def test_a_command_opens_the_store_only_through_bootstrap(path: Path) -> None:
    assert not {"Store", "load_settings", "Settings"} & _names(path)


def test_the_test_sees_an_import_of_the_settings(tmp_path: Path) -> None:
    """The reader above would pass on any source if it saw no import: show that it sees one
    in each spelling."""
    for line in (
        "from fauxhire.settings import Settings",
        "import fauxhire.settings",
        "from fauxhire import settings",
    ):
        module = tmp_path / "m.py"
        module.write_text(line + "\n", encoding="utf-8")
        assert any(_under(name, "fauxhire.settings") for name in _imports(module)), line

"""The engine seam's import contract lists every module outside the engines, so a new package
cannot reach into the embedded engine unnoticed (import-linter checks only what is listed)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "fauxhire"
SEAM_CONTRACT = "Nothing outside the engines package imports the embedded engine"


def _modules_of(folder: Path, prefix: str) -> set[str]:
    """The modules and packages directly in ``folder``, dotted under ``prefix``."""
    found = {f"{prefix}.{path.stem}" for path in folder.glob("*.py") if path.stem != "__init__"}
    found |= {
        f"{prefix}.{path.name}" for path in folder.iterdir() if (path / "__init__.py").is_file()
    }
    return found


def _contract(name: str) -> dict[str, list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(contract for contract in contracts if contract["name"] == name)


def test_every_module_outside_the_engines_is_kept_from_the_embedded_engine() -> None:
    contract = _contract(SEAM_CONTRACT)
    outside = _modules_of(PACKAGE, "fauxhire") - {"fauxhire.link"}
    outside |= _modules_of(PACKAGE / "link", "fauxhire.link") - {"fauxhire.link.engines"}
    assert contract["forbidden_modules"] == ["fauxhire.link.engines.embedded"]
    assert set(contract["source_modules"]) == outside
    assert "fauxhire.services" in outside and "fauxhire.link.engine" in outside


def _forbidding(library: str) -> set[str]:
    """The packages some contract keeps from importing ``library``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {
        source
        for contract in config["tool"]["importlinter"]["contracts"]
        if library in contract.get("forbidden_modules", [])
        for source in contract["source_modules"]
    }


def test_the_core_and_the_services_import_no_database_library() -> None:
    pure = {"fauxhire.domain", "fauxhire.enrich", "fauxhire.joins", "fauxhire.link"}
    pure |= {"fauxhire.assess", "fauxhire.report"}
    for library in ("sqlalchemy", "alembic", "psycopg"):
        assert pure | {"fauxhire.services", "fauxhire.cli"} <= _forbidding(library)

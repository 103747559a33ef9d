"""The import contracts list every module they must hold, so a new package cannot slip past
them unnoticed (import-linter checks only what is listed): the engine seam's lists every module
outside the engines, the lab's every package of the lab, and the product is kept from the lab
as a whole."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "fauxhire"
LAB = ROOT / "src" / "fauxhire_lab"
SEAM_CONTRACT = "Nothing outside the engines package imports the embedded engine"
APART_CONTRACT = "The product never imports the lab"
LAB_LAYERS_CONTRACT = (
    "The lab's layers point down: commands, use cases, then the world and the evaluation"
)


def _modules_of(folder: Path, prefix: str) -> set[str]:
    """The modules and packages directly in ``folder``, dotted under ``prefix``."""
    found = {f"{prefix}.{path.stem}" for path in folder.glob("*.py") if path.stem != "__init__"}
    found |= {
        f"{prefix}.{path.name}" for path in folder.iterdir() if (path / "__init__.py").is_file()
    }
    return found


def _contract(name: str) -> dict[str, Any]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(contract for contract in contracts if contract["name"] == name)


def test_every_module_outside_the_engines_is_kept_from_the_embedded_engine() -> None:
    contract = _contract(SEAM_CONTRACT)
    outside = _modules_of(PACKAGE, "fauxhire") - {"fauxhire.link"}
    outside |= _modules_of(PACKAGE / "link", "fauxhire.link") - {"fauxhire.link.engines"}
    outside.add("fauxhire_lab")  # the lab as a whole: it has no engine of its own
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


def test_the_whole_product_is_kept_from_the_whole_lab() -> None:
    """The root packages themselves, not a list of their parts: a new product module is held
    to it, and indirect imports count (import-linter's default)."""
    contract = _contract(APART_CONTRACT)
    assert contract["type"] == "forbidden"
    assert contract["source_modules"] == ["fauxhire"]
    assert contract["forbidden_modules"] == ["fauxhire_lab"]
    assert not contract.get("allow_indirect_imports", False)


def test_every_package_of_the_lab_is_in_its_layers() -> None:
    contract = _contract(LAB_LAYERS_CONTRACT)
    assert contract["containers"] == ["fauxhire_lab"]
    layered = {
        f"fauxhire_lab.{name.strip()}" for layer in contract["layers"] for name in layer.split("|")
    }
    assert layered == _modules_of(LAB, "fauxhire_lab")
    assert {"fauxhire_lab.world", "fauxhire_lab.evaluation"} <= layered

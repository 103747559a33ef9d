"""Commands reach `fauxhire` through the ``fauxhire.commands`` entry points (cli/contributed.py):
the lab's `demo` and `evaluate` so, and any other package's the same way. Without them the
product's command line is whole, only without those commands."""

from __future__ import annotations

import re
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fauxhire.cli import make_app
from fauxhire.cli.contributed import GROUP, load_contributed, registered
from fauxhire.errors import ConfigError

PRODUCT_COMMANDS = ("ingest", "run", "link", "assess", "report", "stats", "quarantine", "rules")

# A package of another distribution: a command, a group of sub-commands, and something else.
PROBE = '''
import typer

def probe(times: int = 1) -> None:
    """Say probe."""
    print("probe " * times)

probes = typer.Typer(help="Probes in a group.")

@probes.command()
def ping() -> None:
    print("pong")

NOT_A_COMMAND = 3
'''


def _listed(app_help: str) -> list[str]:
    """The command names of `fauxhire --help`, in their order."""
    # A command's first line; its help's further lines begin with spaces inside the box.
    named = (re.match(r"│ ([a-z][\w-]*) ", line) for line in app_help.splitlines())
    return [match[1] for match in named if match]


def _help(entries: list[EntryPoint]) -> str:
    result = CliRunner().invoke(make_app(entries), ["--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.output


def _install_probe(root: Path, entry_points: str) -> None:
    """The module, and the metadata an installer writes for it: what `registered` reads."""
    (root / "fauxhire_probe.py").write_text(PROBE, encoding="utf-8")
    info = root / "fauxhire_probe-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Name: fauxhire-probe\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")


def test_the_distribution_registers_the_labs_commands() -> None:
    assert {entry.name: entry.value for entry in registered()} == {
        "demo": "fauxhire_lab.cli.demo:demo",
        "evaluate": "fauxhire_lab.cli.evaluate:evaluate",
    }


def test_the_product_alone_has_its_commands_and_not_the_labs() -> None:
    listed = _listed(_help([]))
    assert set(PRODUCT_COMMANDS) <= set(listed)
    assert "demo" not in listed and "evaluate" not in listed
    result = CliRunner().invoke(make_app([]), ["demo"])
    assert result.exit_code != 0 and "No such command" in result.output


def test_the_labs_commands_come_after_the_products_and_before_the_groups() -> None:
    own = _listed(_help([]))  # the product's commands, then its groups
    last_command = own[own.index("quarantine") - 1]
    listed = _listed(_help(registered()))
    start, end = listed.index(last_command) + 1, listed.index("quarantine")
    assert listed[start:end] == ["demo", "evaluate"]
    assert [name for name in listed if name not in ("demo", "evaluate")] == own


def test_another_package_contributes_a_command_and_a_group_by_metadata_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_probe(
        tmp_path,
        f"[{GROUP}]\nprobe = fauxhire_probe:probe\nprobes = fauxhire_probe:probes\n"
        "[console_scripts]\nnot-ours = fauxhire_probe:probe\n",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    found = registered()
    assert [entry.name for entry in found] == ["demo", "evaluate", "probe", "probes"]
    listed = _listed(_help(found))
    assert listed.index("evaluate") < listed.index("probe") < listed.index("quarantine")
    assert listed[-1] == "probes"  # a group, after the product's groups
    app = make_app(found)
    said = CliRunner().invoke(app, ["probe", "--times", "2"])
    assert (said.exit_code, said.output) == (0, "probe probe \n")
    ponged = CliRunner().invoke(app, ["probes", "ping"])
    assert (ponged.exit_code, ponged.output) == (0, "pong\n")


def test_an_entry_point_that_names_no_command_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "fauxhire_probe.py").write_text(PROBE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    wrong = EntryPoint("three", "fauxhire_probe:NOT_A_COMMAND", GROUP)
    with pytest.raises(ConfigError, match="three = fauxhire_probe:NOT_A_COMMAND"):
        load_contributed([wrong], taken=())


@pytest.mark.parametrize("name", ["run", "show"])
def test_a_contributed_command_cannot_replace_one_of_the_products(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "fauxhire_probe.py").write_text(PROBE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ConfigError, match=f"would replace the command {name} of fauxhire"):
        make_app([EntryPoint(name, "fauxhire_probe:probe", GROUP)])


def test_a_contributed_command_module_imports_on_its_own() -> None:
    """The lab's command modules import fauxhire.cli's helpers; building the command line on
    that import loaded the half-imported module again through its entry point."""
    import subprocess
    import sys

    for module in ("fauxhire_lab.cli.demo", "fauxhire_lab.cli.evaluate"):
        done = subprocess.run(
            [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr

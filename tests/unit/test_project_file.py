"""The project file names the store (and any other setting) for every command run in its
folder or below it; the environment and --db override it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fauxhire.bootstrap import configure
from fauxhire.errors import ConfigError
from fauxhire.settings import find_project_file, load_settings


def test_the_nearest_project_file_above_is_found(tmp_path: Path) -> None:
    (tmp_path / "fauxhire.toml").write_text('db = "x.db"\n', encoding="utf-8")
    below = tmp_path / "a" / "b"
    below.mkdir(parents=True)
    assert find_project_file(below) == tmp_path / "fauxhire.toml"
    assert find_project_file(tmp_path.parent) != tmp_path / "fauxhire.toml"


def test_the_search_stops_below_a_ceiling(tmp_path: Path) -> None:
    (tmp_path / "fauxhire.toml").write_text('db = "x.db"\n', encoding="utf-8")
    below = tmp_path / "shared" / "a"
    below.mkdir(parents=True)
    ceilings = [Path("/nowhere"), below.parent]
    assert find_project_file(below, ceilings) is None  # the ceiling, and above it: not looked in
    (below / "fauxhire.toml").write_text('db = "y.db"\n', encoding="utf-8")
    assert find_project_file(below, ceilings) == below / "fauxhire.toml"  # below it, as ever
    assert find_project_file(below.parent) == tmp_path / "fauxhire.toml"


def test_bootstrap_takes_the_ceilings_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "fauxhire.toml").write_text('db = "named.db"\n', encoding="utf-8")
    below = tmp_path / "shared" / "a"
    below.mkdir(parents=True)
    monkeypatch.delenv("FAUXHIRE_DB", raising=False)
    monkeypatch.chdir(below)
    monkeypatch.setenv("FAUXHIRE_CEILING_DIRECTORIES", f"/nowhere{os.pathsep}{below.parent}")
    assert not configure().settings.db.endswith("named.db")
    monkeypatch.setenv("FAUXHIRE_CEILING_DIRECTORIES", "")
    assert configure().settings.db.endswith("named.db")


def test_a_relative_store_is_relative_to_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FAUXHIRE_DB", raising=False)
    project = tmp_path / "fauxhire.toml"
    for given in ('"demo-out/fauxhire.db"', '"sqlite:///demo-out/fauxhire.db"'):
        project.write_text(f"db = {given}\nlog_level = 'INFO'\n", encoding="utf-8")
        settings = load_settings(project)
        assert settings.db == f"sqlite:///{tmp_path / 'demo-out' / 'fauxhire.db'}"
        assert settings.log_level == "INFO"
    project.write_text('db = "postgresql://u@h/d"\n', encoding="utf-8")
    assert load_settings(project).db == "postgresql://u@h/d"


def test_the_environment_overrides_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "fauxhire.toml"
    project.write_text('db = "file.db"\nchunk_size = 5\n', encoding="utf-8")
    monkeypatch.setenv("FAUXHIRE_DB", "sqlite:///env.db")
    settings = load_settings(project)
    assert settings.db == "sqlite:///env.db" and settings.chunk_size == 5


@pytest.mark.parametrize(
    ("text", "said"),
    [('dbb = "x.db"\n', "unknown setting(s) dbb"), ("db = \n", "not a readable TOML file"),
     ("chunk_size = 0\n", "chunk_size")],
)  # fmt: skip
def test_a_bad_project_file_is_refused_with_its_name(tmp_path: Path, text: str, said: str) -> None:
    project = tmp_path / "fauxhire.toml"
    project.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(project)
    assert str(project) in raised.value.message and said in raised.value.message

"""A truth folder is read whole or refused with the file, the line and the field at fault."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fauxhire.errors import ConfigError
from fauxhire_lab.evaluation import load_truth
from support.truth import write_truth  # tests/ is on sys.path (its conftest.py)


@pytest.fixture
def truth(tmp_path: Path) -> Path:
    write_truth(tmp_path / "truth")
    return tmp_path / "truth"


def _edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def test_a_good_folder_reads_whole(truth: Path) -> None:
    read = load_truth(truth)
    assert read.applications.height == 37
    assert read.applications.columns == [
        "company_id",
        "application_id",
        "identity_id",
        "network_id",
        "population",
    ]
    assert read.identities.height == 17
    p04 = read.identities.filter(read.identities["identity_id"] == "p-04").row(0, named=True)
    assert p04["hard_cases"] == ["night_owl", "vpn"]
    assert p04["network_id"] is None  # an empty cell
    assert read.report["identities"] == 5


def test_a_bom_and_extra_columns_are_tolerated(truth: Path) -> None:
    path = truth / "identities.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",future_column"] + [line + ",x" for line in lines[1:]]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    assert load_truth(truth).identities.height == 17


# applications.csv line 2 is x-01's first application; identities.csv line 7 is p-01.
@pytest.mark.parametrize(
    ("damage", "file", "line", "field", "reason"),
    [
        (lambda t: (t / "report.json").unlink(), "report.json", None, "", "missing"),
        (
            _edit("applications.csv", "population,", "people,"),
            "applications.csv",
            1,
            "population",
            "no column 'population'",
        ),
        (
            _edit("applications.csv", ",dprk,", ",martian,"),
            "applications.csv",
            2,
            "population",
            "'martian' is not one of legitimate, dprk",
        ),
        (
            _edit("identities.csv", "p-01,legitimate,,", "p-01,legitimate,n-9,"),
            "identities.csv",
            7,
            "network_id",
            "a legitimate identity with network 'n-9'",
        ),
        (
            _edit("applications.csv", "c-01,a-x-01-0,", ",a-x-01-0,"),
            "applications.csv",
            2,
            "company_id",
            "empty",
        ),
        (
            _edit("applications.csv", "c-02,a-x-01-1,", "c-01,a-x-01-0,"),
            "applications.csv",
            3,
            "application_id",
            "appears twice",
        ),
        (
            _edit("applications.csv", ",x-01,n-1,", ",x-99,n-1,"),
            "applications.csv",
            2,
            "identity_id",
            "identity 'x-99' is not in identities.csv",
        ),
        (_edit("report.json", "{", "["), "report.json", None, "", "not JSON"),
    ],
    ids=[
        "no-report",
        "missing-column",
        "bad-population",
        "legitimate-in-network",
        "empty-id",
        "duplicate",
        "unknown-identity",
        "bad-json",
    ],
)
def test_a_bad_folder_is_refused_naming_file_line_and_field(
    truth: Path,
    damage: Callable[[Path], None],
    file: str,
    line: int | None,
    field: str,
    reason: str,
) -> None:
    damage(truth)
    with pytest.raises(ConfigError) as caught:
        load_truth(truth)
    error = caught.value
    assert error.detail["file"] == str(truth / file)
    if line is not None:
        assert error.detail["line"] == line
        assert f"{file}:{line}:" in error.message
    assert error.detail["field"] == field
    assert reason in error.message


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_truth(tmp_path / "nowhere")


def _independent_folder(folder: Path) -> Path:
    """A truth folder in the independent generator's dialect (the validation worlds')."""
    folder.mkdir()
    (folder / "applications.csv").write_text(
        "company_id,application_id,candidate_id,person_id,persona_id,network_id,is_dprk,"
        "is_interview,hard_negative_kind\n"
        "c-1,a1,k1,P1,,,0,1,staffing_agency\n"
        "c-2,a2,k2,P1,,,0,0,staffing_agency\n"
        "c-1,a3,k3,,dp-1,net-1,1,1,\n"
        "c-3,a4,k4,P9,dp-1,net-1,1,0,\n",
        encoding="utf-8",
    )
    (folder / "identities.csv").write_text(
        "identity_id,persona_id,person_id,network_id,is_dprk,hard_negative_kind\n"
        "P1,,P1,,0,staffing_agency\n"
        "dp-1,dp-1,,net-1,1,\n",
        encoding="utf-8",
    )
    (folder / "report.json").write_text('{"identities": 1}', encoding="utf-8")
    return folder


def test_the_independent_dialect_maps_personas_and_people(tmp_path: Path) -> None:
    read = load_truth(_independent_folder(tmp_path / "v"))
    apps = dict(
        zip(
            read.applications["application_id"],
            read.applications["identity_id"],
            strict=True,
        )
    )
    # A DPRK row is its persona's, whatever person_id it carries (a borrowed identity's).
    assert apps == {"a1": "P1", "a2": "P1", "a3": "dp-1", "a4": "dp-1"}
    populations = dict(
        zip(read.identities["identity_id"], read.identities["population"], strict=True)
    )
    assert populations == {"P1": "legitimate", "dp-1": "dprk"}
    p1 = read.identities.filter(read.identities["identity_id"] == "P1").row(0, named=True)
    assert p1["hard_cases"] == ["staffing_agency"]


def test_the_independent_dialect_refuses_a_bad_flag(tmp_path: Path) -> None:
    folder = _independent_folder(tmp_path / "v")
    path = folder / "identities.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",0,staffing", ",yes,staffing"))
    with pytest.raises(ConfigError) as caught:
        load_truth(folder)
    assert caught.value.detail["line"] == 2
    assert caught.value.detail["field"] == "is_dprk"

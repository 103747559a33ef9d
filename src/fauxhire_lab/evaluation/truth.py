"""Read a truth folder (docs/truth.md) into polars frames, refusing it with file, line and field.

Only the columns evaluation uses are required, so a generator may add columns freely. A bad
folder is a ConfigError whose message names the file, the line (the header is line 1) and the
field, and whose detail carries them for the API.

Two dialects are read: fauxhire's own (docs/truth.md) and the one of the independent
generator whose worlds validate fauxhire (``is_dprk``, ``persona_id``, ``person_id``,
``hard_negative_kind``; docs/evaluate.md). The second is mapped onto the first on reading, so
every score is computed the same way for both.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from fauxhire.errors import ConfigError

POPULATIONS = ("legitimate", "dprk")
APPLICATION_COLUMNS = (
    "company_id",
    "application_id",
    "identity_id",
    "network_id",
    "population",
    "hard_cases",
)
IDENTITY_COLUMNS = ("identity_id", "population", "network_id", "hard_cases")


@dataclass(frozen=True, slots=True)
class Truth:
    """What really happened. Empty CSV cells are nulls; ``hard_cases`` is a list of kinds."""

    folder: Path
    applications: pl.DataFrame  # company_id, application_id, identity_id, network_id, population
    identities: pl.DataFrame  # identity_id, population, network_id, hard_cases: list[str]
    report: dict[str, Any]


def truth_error(
    file: Path, reason: str, *, line: int | None = None, field: str = ""
) -> ConfigError:
    where = f"{file}:{line}" if line is not None else str(file)
    text = f"{where}: {reason}" + (f" (field {field!r})" if field else "")
    return ConfigError(text, file=str(file), line=line, field=field, reason=reason)


def load_truth(folder: Path) -> Truth:
    if not folder.is_dir():
        raise truth_error(folder, "the truth folder does not exist or is not a folder")
    apps_file, ids_file = folder / "applications.csv", folder / "identities.csv"
    applications = _read_csv(apps_file, APPLICATION_COLUMNS, _applications_from_independent)
    identities = _read_csv(ids_file, IDENTITY_COLUMNS, _identities_from_independent)
    for file, frame in ((apps_file, applications), (ids_file, identities)):
        _require_values(file, frame)
    _require_unique(apps_file, applications, ("company_id", "application_id"))
    _require_unique(ids_file, identities, ("identity_id",))
    _require_known_identities(apps_file, applications, identities)
    identities = identities.with_columns(
        pl.col("hard_cases")
        .fill_null("")
        .str.split(";")
        .list.eval(pl.element().filter(pl.element() != ""))
    )
    return Truth(
        folder=folder,
        applications=applications.select(APPLICATION_COLUMNS[:5]),
        identities=identities.select(IDENTITY_COLUMNS),
        report=_read_report(folder / "report.json"),
    )


# The independent generator's columns: what marks its dialect, and what each one becomes.
INDEPENDENT_MARK = "is_dprk"
INDEPENDENT_APPLICATION_COLUMNS = (
    "company_id",
    "application_id",
    "person_id",
    "persona_id",
    "network_id",
    "is_dprk",
    "hard_negative_kind",
)
INDEPENDENT_IDENTITY_COLUMNS = ("identity_id", "network_id", "is_dprk", "hard_negative_kind")


def _population(file: Path, frame: pl.DataFrame) -> pl.DataFrame:
    _first_bad(
        file,
        frame,
        ~pl.col("is_dprk").is_in(["0", "1"]),
        "is_dprk",
        "is_dprk {value!r} is not 0 or 1",
    )
    return frame.with_columns(
        population=pl.when(pl.col("is_dprk") == "1")
        .then(pl.lit("dprk"))
        .otherwise(pl.lit("legitimate")),
        hard_cases=pl.col("hard_negative_kind"),
    )


def _applications_from_independent(file: Path, frame: pl.DataFrame) -> pl.DataFrame:
    """The true identity of a DPRK application is its persona, of any other its person."""
    frame = _population(file, _required(file, frame, INDEPENDENT_APPLICATION_COLUMNS))
    identity = pl.when(pl.col("is_dprk") == "1").then("persona_id").otherwise("person_id")
    return frame.with_columns(identity_id=identity)


def _identities_from_independent(file: Path, frame: pl.DataFrame) -> pl.DataFrame:
    return _population(file, _required(file, frame, INDEPENDENT_IDENTITY_COLUMNS))


def _required(file: Path, frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    for column in columns:
        if column not in frame.columns:
            raise truth_error(file, f"no column {column!r} in the header", line=1, field=column)
    return frame.with_columns(pl.col(columns).str.strip_chars()).with_columns(
        pl.col(columns).replace("", None)
    )


def _read_csv(
    file: Path,
    required: tuple[str, ...],
    from_independent: Callable[[Path, pl.DataFrame], pl.DataFrame],
) -> pl.DataFrame:
    if not file.is_file():
        raise truth_error(file, "missing from the truth folder")
    try:
        frame = pl.read_csv(file, infer_schema=False, encoding="utf8")
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as exc:
        raise truth_error(file, f"not a readable CSV file: {exc}") from exc
    # A BOM, tolerated as everywhere else, would otherwise stick to the first column's name.
    frame = frame.rename(lambda name: name.removeprefix("\ufeff"))
    if INDEPENDENT_MARK in frame.columns and "population" not in frame.columns:
        frame = from_independent(file, frame)
    return _required(file, frame, required)


def _first_bad(file: Path, frame: pl.DataFrame, bad: pl.Expr, field: str, reason: str) -> None:
    """Raise for the first row where ``bad`` holds, naming its line (header = line 1)."""
    found = frame.with_row_index("row").filter(bad).head(1)
    if found.height:
        row = found.row(0, named=True)
        value = row[field]
        raise truth_error(file, reason.format(value=value), line=row["row"] + 2, field=field)


def _require_values(file: Path, frame: pl.DataFrame) -> None:
    ids = [c for c in ("company_id", "application_id", "identity_id") if c in frame.columns]
    for column in ids:
        _first_bad(file, frame, pl.col(column).is_null(), column, "empty")
    population = pl.col("population")
    _first_bad(
        file,
        frame,
        population.is_null() | ~population.is_in(POPULATIONS),
        "population",
        f"population {{value!r}} is not one of {', '.join(POPULATIONS)}",
    )
    _first_bad(
        file,
        frame,
        (population == "legitimate") & pl.col("network_id").is_not_null(),
        "network_id",
        "a legitimate identity with network {value!r}",
    )
    _first_bad(
        file,
        frame,
        (population == "dprk") & pl.col("network_id").is_null(),
        "network_id",
        "a dprk identity without a network",
    )


def _require_unique(file: Path, frame: pl.DataFrame, key: tuple[str, ...]) -> None:
    repeated = ~pl.struct(key).is_first_distinct()
    _first_bad(file, frame, repeated, key[-1], f"{'/'.join(key)} {{value!r}} appears twice")


def _require_known_identities(
    file: Path, applications: pl.DataFrame, identities: pl.DataFrame
) -> None:
    known = identities.select("identity_id", pl.col("population").alias("identity_population"))
    joined = applications.join(known, on="identity_id", how="left", maintain_order="left")
    _first_bad(
        file,
        joined,
        pl.col("identity_population").is_null(),
        "identity_id",
        "identity {value!r} is not in identities.csv",
    )
    _first_bad(
        file,
        joined,
        pl.col("identity_population") != pl.col("population"),
        "population",
        "population {value!r} differs from the identity's in identities.csv",
    )


def _read_report(file: Path) -> dict[str, Any]:
    if not file.is_file():
        raise truth_error(file, "missing from the truth folder")
    try:
        figures = json.loads(file.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise truth_error(file, f"not JSON: {exc.msg}", line=exc.lineno) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise truth_error(file, f"unreadable: {exc}") from exc
    if not isinstance(figures, dict):
        raise truth_error(file, "not a JSON object")
    return figures

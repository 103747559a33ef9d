"""Two checkouts' outputs of one world, read into frames and compared row for row (polars):
what bench/same_outputs reports. Imports no fauxhire code.

- links (`fauxhire export links`): one row an application, keyed by company and application
  id. Compared: every other column (candidate_id, identity_id, network_id: ids), and the
  groupings: the set of applications of the application's identity, and of its network (none
  when in no network). An identity renamed with the same applications is an id difference only.
- assessments (`fauxhire export assessments`): one row an identity, keyed by its set of
  applications in that checkout's links, so that a renamed identity is still compared with
  itself. Compared: every field, identity_id and network_id (ids), probability (to 1e-9; the
  export rounds it to 6 decimals), level, the evidence list as its JSON text (order and all),
  the ruleset's version and hash, and any field a checkout adds. Not compared: ``assessed_at``,
  the time of assessment.
- report.json (`fauxhire report`): every leaf of the JSON, by its path, as JSON text, so every
  number exactly. Not compared: ``about.generated_at``, the time of generation (the report's
  only clock value: `_about` in src/fauxhire/report/figures.py).

A set of applications is compared by a 64-bit hash of its sorted keys, taken in this one
process for both sides.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

SHOWN = 5  # differences shown of each output, or one of each kind if there are more
PROBABILITY_TOLERANCE = 1e-9
ASSESSMENT_IGNORED = ("assessed_at",)  # the time of assessment
# The fields of an export's line (an empty export has none to read them from).
ASSESSMENT_FIELDS = ["identity_id", "network_id", "probability", "level", "evidence", "ruleset",
                     "ruleset_hash", "assessed_at"]  # fmt: skip
LINK_KEY = ("company_id", "application_id")
REPORT_IGNORED = ("about.generated_at",)  # the time of generation
ONLY_FIRST, ONLY_THIS = "only in first", "only in this"
_SEP = "\x1f"  # between the parts of a key: no id holds it


@dataclass(frozen=True)
class Comparison:
    """One output of a checkout against the first's: rows compared (both sides' keys),
    rows with any difference, rows differing by what differs, and the first few differences
    as {row, what, first, this}."""

    rows: int
    differing: int
    kinds: dict[str, int]
    first: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def read_links(path: Path) -> pl.DataFrame:
    """`fauxhire export links`, every cell as text (ids such as 00123 stay as written)."""
    return pl.read_csv(path, infer_schema=False)


def read_assessments(path: Path) -> pl.DataFrame:
    """`fauxhire export assessments`: every field its first line has but the ignored, as text
    (the evidence as its JSON text), the probability as a float."""
    lines = pl.DataFrame(schema={"line": pl.String})
    if path.stat().st_size:  # one column a line: no JSON text holds the separator raw
        lines = pl.read_csv(
            path, has_header=False, separator=_SEP, quote_char=None, schema=lines.schema
        )
    names = list(json.loads(lines.item(0, "line"))) if lines.height else ASSESSMENT_FIELDS
    return lines.select(
        pl.col("line").str.json_path_match(f"$.{name}").alias(name)
        for name in names
        if name not in ASSESSMENT_IGNORED
    ).with_columns(pl.col(c).cast(pl.Float64) for c in ("probability",) if c in names)


def read_report(path: Path) -> pl.DataFrame:
    """report.json as one row a leaf: its path (``identity_list[3].probability``) and its
    value as JSON text; an empty list or object is a leaf."""
    return flatten(json.loads(path.read_text(encoding="utf-8")))


def flatten(figures: Any) -> pl.DataFrame:
    leaves: list[tuple[str, str]] = []
    _flatten(figures, "", leaves)
    return pl.DataFrame(leaves, schema={"path": pl.String, "value": pl.String}, orient="row")


def _flatten(value: Any, path: str, leaves: list[tuple[str, str]]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, f"{path}.{key}" if path else str(key), leaves)
    elif isinstance(value, list) and value:
        for n, item in enumerate(value):
            _flatten(item, f"{path}[{n}]", leaves)
    else:
        leaves.append((path, json.dumps(value)))


def compare_links(first: pl.DataFrame, this: pl.DataFrame) -> Comparison:
    """Every column but the key (candidate_id, identity_id, network_id), and the groupings."""
    first, this = _alike(first, this)
    columns = [c for c in first.columns if c not in LINK_KEY]
    return compare(_links(first), _links(this), [*columns, "identity grouping", "network grouping"])


def _alike(first: pl.DataFrame, this: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Both with the columns of either (a column one lacks is null there), in one order."""
    columns = list(dict.fromkeys([*first.columns, *this.columns]))

    def filled(frame: pl.DataFrame, other: pl.DataFrame) -> pl.DataFrame:
        missing = [pl.lit(None, other.schema[c]).alias(c) for c in columns if c not in frame]
        return frame.with_columns(missing).select(columns)

    return filled(first, this), filled(this, first)


def compare_assessments(
    first: pl.DataFrame, this: pl.DataFrame, first_links: pl.DataFrame, this_links: pl.DataFrame
) -> Comparison:
    """Assessments of the identities of ``first_links`` and of ``this_links``. An evidence
    difference is shown by its first item that differs (``evidence[3]``)."""
    first, this = _alike(first, this)
    found = compare(
        _assessments(first, first_links),
        _assessments(this, this_links),
        first.columns,
        tolerance={"probability": PROBABILITY_TOLERANCE},
    )
    shown = [_first_item(d) if d["what"] == "evidence" else d for d in found.first]
    return replace(found, first=shown)


def _first_item(difference: dict[str, Any]) -> dict[str, Any]:
    """An evidence difference (two JSON lists) as the first item that differs."""
    first, this = json.loads(difference["first"]), json.loads(difference["this"])
    pairs = enumerate(zip(first, this, strict=False))
    n = next((n for n, (a, b) in pairs if a != b), min(len(first), len(this)))
    return difference | {"what": f"evidence[{n}]", "first": _item(first, n), "this": _item(this, n)}


def _item(items: list[Any], n: int) -> str | None:
    return json.dumps(items[n], ensure_ascii=False) if n < len(items) else None


def compare_report(first: pl.DataFrame, this: pl.DataFrame) -> Comparison:
    """Differences are counted by the report's section (``identity_list``)."""

    def leaves(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(~pl.col("path").is_in(REPORT_IGNORED)).select(
            key=pl.col("path"), row=pl.col("path"), value=pl.col("value")
        )

    section = pl.col("row").str.extract(r"^([^.\[]+)")
    return compare(leaves(first), leaves(this), ["value"], what={"value": section})


def compare(
    first: pl.DataFrame,
    this: pl.DataFrame,
    columns: list[str],
    *,
    tolerance: Mapping[str, float] | None = None,
    what: Mapping[str, pl.Expr] | None = None,
) -> Comparison:
    """Rows of ``first`` and ``this`` matched by ``key`` (unique), named by ``row``; each of
    ``columns`` compared (null equals null; a float within its tolerance), and shown by its
    ``COLUMN shown`` column where there is one. A difference is named by its column, or by
    the expression ``what`` gives for it."""
    for side, frame in (("first", first), ("this", this)):
        if frame.get_column("key").is_duplicated().any():
            raise ValueError(f"{side}: a key occurs twice, so rows cannot be matched")
    tolerance, what = tolerance or {}, what or {}
    joined = first.with_columns(_in_first=pl.lit(True)).join(
        this.with_columns(_in_this=pl.lit(True)),
        on="key", how="full", coalesce=True, suffix=" this",
    )  # fmt: skip
    joined = joined.with_columns(
        pl.col("_in_first").fill_null(False),
        pl.col("_in_this").fill_null(False),
        pl.coalesce("row", "row this").alias("row"),
    )
    both = pl.col("_in_first") & pl.col("_in_this")
    found = [
        _shown(joined.filter(~pl.col("_in_this")), pl.lit(ONLY_FIRST)),
        _shown(joined.filter(~pl.col("_in_first")), pl.lit(ONLY_THIS)),
    ]
    for column in columns:
        shown = f"{column} shown" if f"{column} shown" in first.columns else column
        found.append(
            _shown(
                joined.filter(both & _differs(column, tolerance.get(column))),
                what.get(column, pl.lit(column)),
                pl.col(shown).cast(pl.String),
                pl.col(f"{shown} this").cast(pl.String),
            )
        )
    differences = pl.concat(found).sort("row", maintain_order=True)
    kinds = differences.group_by("what").len().sort("what")
    # The first difference of each kind, then the next in row order: a ruleset hash that
    # differs on every row does not hide the one level that changed.
    first = differences.sort(pl.int_range(pl.len()).over("what") > 0, maintain_order=True)
    return Comparison(
        rows=joined.height,
        differing=differences.get_column("row").n_unique(),
        kinds=dict(zip(kinds.get_column("what"), kinds.get_column("len"), strict=True)),
        first=first.head(max(SHOWN, kinds.height)).to_dicts(),
    )


def _differs(column: str, tolerance: float | None) -> pl.Expr:
    ours, theirs = pl.col(column), pl.col(f"{column} this")
    if tolerance is None:
        return ours.ne_missing(theirs)
    return (
        pl.when(ours.is_null() | theirs.is_null())
        .then(ours.is_null() != theirs.is_null())
        .otherwise((ours - theirs).abs() > tolerance)
    )


def _shown(
    rows: pl.DataFrame,
    what: pl.Expr,
    first: pl.Expr | None = None,
    this: pl.Expr | None = None,
) -> pl.DataFrame:
    none = pl.lit(None, dtype=pl.String)
    return rows.select(
        pl.col("row"),
        what.alias("what"),
        (none if first is None else first).alias("first"),
        (none if this is None else this).alias("this"),
    )


def _keyed(links: pl.DataFrame) -> pl.DataFrame:
    return links.with_columns(
        key=pl.concat_str("company_id", "application_id", separator=_SEP),
        row=pl.concat_str("company_id", "application_id", separator="/"),
    )


def _links(links: pl.DataFrame) -> pl.DataFrame:
    """Keyed by application, with each application's identity and network as the set of
    their applications (hashed) and as words (``i-3: 4 applications, from c-1/a-9``)."""
    frame = _keyed(links)
    for kind, column in (("identity", "identity_id"), ("network", "network_id")):
        frame = frame.join(_groups(frame, column, f"{kind} grouping"), on=column, how="left")
    return frame


def _groups(frame: pl.DataFrame, column: str, name: str) -> pl.DataFrame:
    """For each value of ``column``: a hash of the keys of its rows, and those in words."""
    return (
        frame.filter(pl.col(column).is_not_null())
        .group_by(column)
        .agg(
            pl.col("key").sort().str.join(_SEP).hash().alias(name),
            pl.len().alias("_n"),
            pl.col("row").min().alias("_from"),
        )
        .select(
            column,
            name,
            pl.format("{}: {} {}, from {}", column, "_n", _plural("_n"), "_from").alias(
                f"{name} shown"
            ),
        )
    )


def _plural(count: str) -> pl.Expr:
    return pl.when(pl.col(count) == 1).then(pl.lit("application")).otherwise(pl.lit("applications"))


def _assessments(assessments: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """Keyed by the identity's applications in ``links`` (by its id if it has none)."""
    identities = _groups(_keyed(links), "identity_id", "members")
    by_id = pl.concat_str(pl.lit("id "), "identity_id")
    return assessments.join(identities, on="identity_id", how="left").with_columns(
        key=pl.coalesce(pl.col("members").cast(pl.String), by_id),
        row=pl.coalesce("members shown", "identity_id"),
    )

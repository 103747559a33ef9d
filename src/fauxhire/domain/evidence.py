"""Evidence: why a link or an assessment holds, item by item, and its one JSON encoding.

Evidence is stored as a JSON list of objects (docs/formats.md section 11), in one of three
shapes, told apart by where it is stored rather than by a key of its own (the stored text
predates this module and stays byte for byte what it was):

- an assessment's (``assessments.evidence``): the indicators that fired, ``IndicatorEvidence``;
- an identity link's and a borrowed identity's (``link_edges``, stage ``identity`` or
  ``borrowed``): what each comparison found for the pair, ``ComparisonEvidence``;
- a network link's (stage ``network``): the infrastructure the two identities share,
  ``SharedEvidence``.

The shapes share nothing but a weight, so they are three types, not one with optional fields
every reader would have to check. ``shape_of`` is the discriminator. Every writer and reader
goes through here: ``to_json`` and ``from_json`` one value at a time; ``encoded``, ``listed``
and ``decoded`` for columns, where a million subjects are written at once and a Python object
each would cost seconds.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Final, TypeVar

import orjson

# polars is imported by the functions that build columns, not here: the command line imports
# these shapes, and `fauxhire --help` should not pay for polars (issue 17).
if TYPE_CHECKING:
    import polars as pl


@dataclass(frozen=True, slots=True)
class IndicatorEvidence:
    """An indicator of the ruleset that fired on an identity or a network."""

    indicator: str  # its stable kebab-case id, e.g. "shared-payout-account"
    weight: float  # the log-odds it added, to 4 places; negative: evidence against
    detail: str  # its sentence, with the values that fired it filled in
    sources: tuple[str, ...] = ()  # the records behind it ("identity:i-1", ...)


MISSING_LEVEL: Final = -1  # a comparison's level when either side has no value
# An indicator's weight as evidence shows and stores it; a member's own log-odds, which the
# context indicators read, is summed from weights so rounded (assess/score.py).
WEIGHT_DECIMALS: Final = 4


@dataclass(frozen=True, slots=True)
class ComparisonEvidence:
    """What one comparison of the identity spec found for a pair of applications."""

    comparison: str  # the comparison's name, or "judgement" for an analyst's word
    level: int | None  # the level it found, MISSING_LEVEL, or None: judged, not compared
    reading: str  # that level in words
    weight: float | None  # the match weight it added, to 3 places; None: judged


@dataclass(frozen=True, slots=True)
class SharedEvidence:
    """A value two identities of a network share, for one family of infrastructure."""

    kind: str  # the kind of value: payout, shipping, egress, device, phone, ...
    family: str
    value: str  # the value that counted ("... (+2 more)" when others of its family agreed)
    shared_by: int  # how many identities were seen with it
    weight: float  # what it added to the link's score

    @property
    def words(self) -> str:
        """The kind as an analyst reads it ("VPN, proxy or host exits", not hidden_egress)."""
        return SHARED_KINDS.get(self.kind, self.kind)


# Each kind of value a network link may share, in words (``link.networks``' signals).
SHARED_KINDS: Final[Mapping[str, str]] = {
    "payout": "payout account",
    "shipping": "drop shipping address",
    "phone": "phone number",
    "email": "email address",
    "egress_ip": "connection (egress IP)",
    "hidden_egress": "VPN, proxy or host exits",
    "device": "meeting machine",
    "resume": "resume lines",
    "referral": "referral",
}


Evidence = IndicatorEvidence | ComparisonEvidence | SharedEvidence
E = TypeVar("E", bound=Evidence)

# Where evidence is stored, and its shape there: an assessment, or a link of a stage.
SHAPES: Final[Mapping[str, type[Evidence]]] = {
    "assessment": IndicatorEvidence,
    "identity": ComparisonEvidence,
    "borrowed": ComparisonEvidence,
    "network": SharedEvidence,
}

# An identity link that no comparison made: two applications an analyst judged together.
JUDGED_TOGETHER: Final = ComparisonEvidence(
    comparison="judgement",
    level=None,
    reading="judged together by an analyst (fauxhire judge list)",
    weight=None,
)


def shape_of(stage: str) -> type[Evidence]:
    """The shape of the evidence stored for ``stage`` (an assessment, or a link's stage)."""
    try:
        return SHAPES[stage]
    except KeyError:
        raise ValueError(f"no evidence is stored for {stage!r}") from None


def to_json(items: Iterable[Evidence]) -> str:
    """The JSON list stored for ``items``: each an object of its fields, in their order."""
    return orjson.dumps(list(items)).decode()


def from_json(text: str | bytes, shape: type[E]) -> tuple[E, ...]:
    """The items of a stored JSON list of ``shape``."""
    return from_parsed(orjson.loads(text), shape)


def from_parsed(items: Sequence[Mapping[str, Any]] | str, shape: type[E]) -> tuple[E, ...]:
    """The items of stored evidence a JSON column has parsed already. `link --new` once
    stored its evidence encoded twice, as one JSON string: that is read too."""
    if isinstance(items, str):
        return from_json(items, shape)
    listed = _listed_fields(typing.cast(Any, shape))
    typed: list[E] = []
    for item in items:
        values: dict[str, Any] = {
            key: tuple(value) if key in listed else value for key, value in item.items()
        }
        typed.append(shape(**values))
    return tuple(typed)


# Columns: the same JSON, built and read a frame at a time.


def struct_dtype(shape: type[Evidence]) -> pl.Struct:
    """One item of ``shape`` as a polars struct, its fields in the JSON's order."""
    import polars as pl

    hints = typing.get_type_hints(shape)
    dtypes = _dtypes()
    return pl.Struct({f.name: dtypes[hints[f.name]] for f in fields(shape)})


def encoded(shape: type[Evidence], **columns: pl.Expr) -> pl.Expr:
    """Each row's item of ``shape`` as JSON text: a field from the expression named after it
    in ``columns``, else from the column of its name."""
    unknown = set(columns) - {f.name for f in fields(shape)}
    if unknown:
        raise ValueError(f"{shape.__name__} has no field {sorted(unknown)}")
    import polars as pl

    return pl.struct(
        *(columns.get(f.name, pl.col(f.name)).alias(f.name) for f in fields(shape))
    ).struct.json_encode()


def listed(items: pl.Expr) -> pl.Expr:
    """A list column of ``encoded`` items as the stored JSON list."""
    return "[" + items.list.join(",") + "]"


def listed_across(items: Sequence[pl.Expr]) -> pl.Expr:
    """Columns of ``encoded`` items, side by side, as the stored JSON list."""
    import polars as pl

    return pl.lit("[") + pl.concat_str(items, separator=",") + pl.lit("]")


def decoded(text: pl.Expr, shape: type[Evidence], only: Sequence[str] = ()) -> pl.Expr:
    """Stored JSON lists of ``shape`` as lists of structs (of the fields ``only``, if given:
    a reader of two fields need not parse the rest)."""
    import polars as pl

    whole = struct_dtype(shape)
    kept = pl.Struct({name: whole.to_schema()[name] for name in only}) if only else whole
    return text.str.json_decode(pl.List(kept))


@functools.cache  # typing.get_type_hints is slow: a screen typed 3,000 edges' items with it
def _listed_fields(shape: type[Any]) -> frozenset[str]:
    hints = typing.get_type_hints(shape)
    return frozenset(f.name for f in fields(shape) if typing.get_origin(hints[f.name]) is tuple)


@functools.cache
def _dtypes() -> Mapping[object, pl.DataType]:
    """The polars type of each field type the shapes use."""
    import polars as pl

    return {
        str: pl.String(),
        float: pl.Float64(),
        int: pl.Int64(),
        float | None: pl.Float64(),
        int | None: pl.Int64(),
        tuple[str, ...]: pl.List(pl.String()),
    }

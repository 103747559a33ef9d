"""One screened application against the few stored ones it could link to, in plain code:
the pairs, links, identity and edges that ``services.increment.link_new`` gives a batch of
that one application.

``link_new`` runs the embedded engine's polars plans, hundreds of operations at about 0.1 ms
each whatever their rows, to compare one record with a few dozen: some fifty milliseconds a
screen. Here the same steps are a few loops over those few dozen records, with the parts
held to the engine by their own tests: ``BlockIndex`` proposes the pairs, ``SingleScorer``
scores them. What ``link_new`` reads is chosen by the same rules (``kept_values``,
``window_neighbours``), its records are built alike (``records``) and weighed by the same
term frequencies (``term_frequencies``).

Only the simple case is decided here: the application starts an identity, or joins exactly
one. Anything else (a merge, a partner in no identity, an analyst's judgement that bears on
it) is ``Declined``, with the reason, and the caller runs ``link_new``.

Pure; no I/O. ``services.fast_link`` reads what these take and writes what they give.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fauxhire.domain import evidence
from fauxhire.domain.evidence import ComparisonEvidence
from fauxhire.link.borrowing import parts_people
from fauxhire.link.identities import BLOCK_CAPS, MAX_NAMES_PER_VALUE, VALUE_COLUMNS
from fauxhire.link.proposals import BlockIndex
from fauxhire.link.single import Frequencies, Record, Scored, SingleScorer
from fauxhire.link.spec import LinkSpec

# A stored value as the store's applicant_values hold it: (kind, key), and with its holders.
Value = tuple[str, str]
Counted = tuple[str, str, int]
_HANDLES = frozenset({"linkedin", "github"})


def kept_values(counts: Iterable[Counted]) -> list[Value]:
    """The values (kind, key, holders) held by no more applications than their blocking
    rule's cap: a value held more widely makes no pairs, and its holders are not read."""
    return [
        (kind, key)
        for kind, key, holders in counts
        if kind in VALUE_COLUMNS and holders <= BLOCK_CAPS[VALUE_COLUMNS[kind]]
    ]


def window_neighbours(
    holders: Sequence[tuple[int, int]], new: int, window: int | None
) -> list[int]:
    """Of one name's holders (rec, order: ``identities.record_order`` of its key), the new
    one among them, those within ``window`` places of it in the name's block, ordered as the
    engine orders a block (order, then rec); every holder when the rule has no window."""
    if window is None:
        return [rec for rec, _ in holders]
    placed = sorted(holders, key=lambda holder: (holder[1], holder[0]))
    at = next((i for i, (rec, _) in enumerate(placed) if rec == new), None)
    if at is None:
        return []
    return [rec for rec, _ in placed[max(0, at - window) : at + window + 1]]


def term_frequencies(
    spec: LinkSpec, counts: Iterable[Counted], names: Iterable[tuple[str, int]], total: int
) -> dict[str, dict[Any, float]]:
    """Per weighed column, each of the new application's values (and its name) with its
    share of the store's ``total`` applications, spelled as the records spell it, to the bit
    what ``increment._frequencies`` computes."""
    grouped: dict[str, list[tuple[str, int]]] = {
        c.column: [] for c in spec.comparisons if c.term_frequency
    }
    for kind, key, holders in counts:
        if kind in VALUE_COLUMNS:
            grouped[VALUE_COLUMNS[kind]].append((_spelled(kind, key), holders))
    grouped["name"] = list(names)
    return {column: _shares(held, total) for column, held in grouped.items()}


def _shares(held: Sequence[tuple[str, int]], total: int) -> dict[str, float]:
    """Each value's holders over ``total``, as polars divides a column of them by a number:
    one value exactly, more as a product with the reciprocal, which differs from the
    quotient in the last bit for one count in five (and a link's score with it)."""
    each = 1 / max(total, 1)
    if len(held) == 1:
        return {value: holders / max(total, 1) for value, holders in held}
    return {value: holders * each for value, holders in held}


def records(
    rows: Iterable[Mapping[str, Any]], values: Iterable[tuple[int, str, str]]
) -> dict[int, dict[str, Any]]:
    """The records ``identities.application_records`` builds from the same applications and
    values. ``rows``: per application its columns from ``identities.record_columns`` (those
    of its row alone: rec, name, order, resume, history); ``values``: (rec, kind, key).

    As there, a contact value under more than MAX_NAMES_PER_VALUE distinct names among these
    applications is left out of every record (an organisation's, not a person's)."""
    out = {int(row["rec"]): dict(row) for row in rows}
    names: dict[tuple[str, str], set[str | None]] = {}
    held: list[tuple[int, str, str]] = []
    for rec, kind, key in values:
        column = VALUE_COLUMNS.get(kind)
        if column is None:
            continue
        spelled = _spelled(kind, key)
        name = out[rec]["name"] if rec in out else None
        names.setdefault((column, spelled), set()).add(name)
        held.append((rec, column, spelled))
    lists: dict[int, dict[str, set[str]]] = {}
    for rec, column, spelled in held:
        if len(names[(column, spelled)]) <= MAX_NAMES_PER_VALUE:
            lists.setdefault(rec, {}).setdefault(column, set()).add(spelled)
    for rec, record in out.items():
        found = lists.get(rec, {})
        for column in set(VALUE_COLUMNS.values()):
            record[column] = sorted(found[column]) if column in found else None
    return out


def _spelled(kind: str, key: str) -> str:
    """A value as a record holds it: a profile handle with its site."""
    return f"{kind}:{key}" if kind in _HANDLES else key


@dataclass(frozen=True, slots=True)
class Linked:
    """A stored application the new one links to, and the pair's score."""

    rec: int
    scored: Scored


@dataclass(frozen=True, slots=True)
class Compared:
    candidate_pairs: int  # proposed pairs that met the spec's requirements
    links: tuple[Linked, ...]  # those the model links, by rec


def compare(
    new: int, held: Mapping[int, Record], scorer: SingleScorer, frequencies: Frequencies
) -> Compared:
    """The pairs of ``new`` with the other records of ``held`` that the engine's blocking
    proposes over ``held``, scored; each pair (rec_a < rec_b) graded in the engine's order. A
    link that shows two people on one identity (``link.borrowing``) is not one of them."""
    index = BlockIndex(scorer.spec, around=held[new])
    for rec, record in held.items():
        index.add(rec, record)
    eligible = 0
    links = []
    for other in sorted(index.partners(new, held[new])):
        low, high = sorted((other, new))
        scored = scorer.score(held[low], held[high], frequencies)
        if scored is None:
            continue
        eligible += 1
        if scorer.links(scored) and not _parts_people(scorer.spec, scored):
            links.append(Linked(other, scored))
    return Compared(eligible, tuple(links))


def _parts_people(spec: LinkSpec, scored: Scored) -> bool:
    """A link that shows two people on one identity joins nothing, as in ``link_new``."""
    names = (c.name for c in spec.comparisons)
    return parts_people(dict(zip(names, scored.levels, strict=True)))


@dataclass(frozen=True, slots=True)
class Placement:
    """The identity the new application is in: one it joined (with its network), or one it
    starts (numbered after every id given, in no network)."""

    identity_id: str
    network_id: str | None
    joined: bool


@dataclass(frozen=True, slots=True)
class Declined:
    """Why the simple case does not hold, and ``link_new`` must link the application."""

    reason: str


def place(
    links: Sequence[Linked],
    identity_of: Mapping[int, tuple[str, str | None]],
    last_identity: int,
) -> Placement | Declined:
    """Where ``link_new`` puts an application with these links, given the identity and
    network of each related application (rec -> (identity, network)); declined when that is
    not one identity or none: a merge, or a partner in no identity."""
    if not links:
        return Placement(f"i-{last_identity + 1}", None, joined=False)
    found = {identity_of.get(link.rec, (None, None))[0] for link in links}
    if None in found:
        return Declined("a partner in no identity")
    if len(found) > 1:
        return Declined("a merge of identities")
    (identity,) = found
    # link_new takes the identity's network from any one of its rows: they must agree.
    networks = {network for i, network in identity_of.values() if i == identity}
    if len(networks) != 1:
        return Declined("an identity in two networks")
    (network,) = networks
    return Placement(str(identity), network, joined=True)


def judged(
    new_key: str,
    judgements: Iterable[tuple[str, str, str]],
    identity_of_key: Mapping[str, str],
) -> Declined | None:
    """Whether an analyst's judgement (kind, a, b: application keys) bears on this link, as
    ``link_new`` would read it: one that names the new application, or a "together" whose
    ends are related applications of two identities (``link_new`` would merge them)."""
    for kind, a, b in judgements:
        if new_key in (a, b):
            return Declined(f"a judgement ({kind}) names the application")
        ends = (identity_of_key.get(a), identity_of_key.get(b))
        if kind == "together" and None not in ends and ends[0] != ends[1]:
            return Declined("a judgement (together) joins two identities it reaches")
    return None


@dataclass(frozen=True, slots=True)
class IdentityEdge:
    """An edge of the identity as ``services.link_edges.identity_edges`` writes it."""

    a: str  # the key of the pair's lower rec
    b: str
    group_id: str
    score: float
    probability: float
    evidence: str  # its JSON text


def identity_edges(
    new: int, links: Sequence[Linked], keys: Mapping[int, str], identity_id: str, spec: LinkSpec
) -> list[IdentityEdge]:
    """The edges that hold the identity together after the new application joined it: every
    link of the new one, as the only links of the batch form a star from it, and a star is
    its own maximum spanning forest."""
    edges = []
    for link in links:
        low, high = sorted((link.rec, new))
        scored = link.scored
        edges.append(
            IdentityEdge(
                keys[low], keys[high], identity_id, float(scored.weight), scored.probability,
                evidence_text(scored, spec),
            )
        )  # fmt: skip
    return edges


def evidence_text(scored: Scored, spec: LinkSpec) -> str:
    """The pair's evidence as the engine's edges hold it (``link_edges._evidence_json``):
    per comparison its level, the level in words and its weight to 3 places (rounded as
    polars rounds: half to even on the scaled value, which numpy's round is)."""
    return evidence.to_json(
        ComparisonEvidence(
            comparison=c.name,
            level=level,
            reading=c.describe(level),
            weight=float(np.round(weight, 3)),
        )
        for c, level, weight in zip(spec.comparisons, scored.levels, scored.weights, strict=True)
    )

"""Which held records a new one is compared with: the pairs the embedded engine's blocking
proposes for it (``blocking.candidate_pairs`` with ``new``), found by lookup, not by sorting
every block.

The second part of screening in memory, after ``single``: a block index kept beside the
records, to which a screened candidate is added as it arrives. Each blocking rule's blocks are
the records agreeing on all its columns (one value of each list); a block larger than the
rule's ``max_block`` proposes nothing; in a block ordered by the records' stable order (their
``ORDER`` column, ties by row id) a record pairs with the ``window`` records on either side.
Held to the engine by tests/integration/test_proposals.py.

Pure; no I/O.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import product
from typing import Any

from fauxhire.link.spec import ORDER, LinkSpec

Record = Mapping[str, Any]
# A record's place in its blocks: (order, rec), the engine's sort within a block.
_Place = tuple[int, int]


class BlockIndex:
    """Every blocking rule's blocks, each a sorted list of its records' places; or, built
    ``around`` one record, only that record's blocks (all its partners need, at a fraction
    of the cost: a resume's lines times the name starts make dozens of blocks a record)."""

    def __init__(self, spec: LinkSpec, around: Record | None = None) -> None:
        self.spec = spec
        self._blocks: list[dict[tuple[Any, ...], list[_Place]]] = [{} for _ in spec.blocking]
        self._only: list[list[tuple[Any, ...]]] | None = None
        if around is not None:
            lists = spec.list_columns
            self._only = [list(block_keys(around, r.columns, lists)) for r in spec.blocking]

    def add(self, rec: int, record: Record) -> None:
        """Hold ``record`` (row id ``rec``) in every block it belongs to (of those kept)."""
        place = (record[ORDER], rec)
        for at, (blocks, rule) in enumerate(zip(self._blocks, self.spec.blocking, strict=True)):
            for key in self._keys(record, rule.columns, at):
                insort(blocks.setdefault(key, []), place)

    def _keys(self, record: Record, columns: Sequence[str], rule: int) -> Iterable[tuple[Any, ...]]:
        lists = self.spec.list_columns
        if self._only is None:
            return block_keys(record, columns, lists)
        if not self._only[rule]:
            return []
        held = [blocked_values(record, column, lists) for column in columns]
        return [key for key in self._only[rule] if all(map(set.__contains__, held, key))]

    def partners(self, rec: int, record: Record) -> dict[int, int]:
        """The held records the engine would compare a held record with, each with the bits
        of the rules that propose the pair (bit i for ``spec.blocking[i]``)."""
        place = (record[ORDER], rec)
        found: dict[int, int] = {}
        for bit, (blocks, rule) in enumerate(zip(self._blocks, self.spec.blocking, strict=True)):
            for key in block_keys(record, rule.columns, self.spec.list_columns):
                block = blocks.get(key, [])
                if not 2 <= len(block) <= rule.max_block:
                    continue
                at = bisect_left(block, place)
                reach = rule.window if rule.window is not None else len(block)
                for _, other in block[max(0, at - reach) : at + reach + 1]:
                    if other != rec:
                        found[other] = found.get(other, 0) | (1 << bit)
        return found


def block_keys(
    record: Record, columns: Sequence[str], list_columns: frozenset[str]
) -> Iterator[tuple[Any, ...]]:
    """The blocks of one rule a record is in: one value of each of its columns (each value
    of a list), none where a column is null or empty text."""
    choices = []
    for column in columns:
        values = sorted(blocked_values(record, column, list_columns))
        if not values:
            return
        choices.append(values)
    yield from product(*choices)


def blocked_values(record: Record, column: str, list_columns: frozenset[str]) -> set[Any]:
    """The values of a record's column that place it in blocks: each value of a list, the
    value of a single column; none where null or empty text."""
    value = record.get(column)
    if column in list_columns:
        return {v for v in value or () if v is not None and v != ""}
    return set() if value is None or value == "" else {value}

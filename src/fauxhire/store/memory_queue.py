"""The review queue (``ports.review``) for ``MemoryStore``, over its rows and assessments:
what ``store/review_queue.py`` answers on SQL. It holds no disposition, so the queue of
identities disposed one way or the other is empty here, and every identity is undisposed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from fauxhire.ports import AssessmentRow
from fauxhire.ports.review import QueueFilter, QueueRow
from fauxhire.store.review_queue import RANK, queued

_EARLIEST = datetime.min.replace(tzinfo=UTC)


class MemoryQueue:
    """Mixed into ``MemoryStore``: its state holds the rows by SQL table, the assessments
    and when each subject was assessed, and the audit trail."""

    _state: Any
    identity_sizes: Callable[[Sequence[str]], dict[str, int]]  # MemoryStore's

    def review_queue(self, given: QueueFilter, *, limit: int, offset: int) -> list[QueueRow]:
        state = self._state
        held = self._held_companies()
        sector_of = {c["key"]: c.get("sector") for c in state.rows.get("companies", [])}
        picked: list[tuple[AssessmentRow, list[dict[str, Any]], datetime | None]] = []
        for row in state.assessments:
            evidence = orjson.loads(row.evidence) if isinstance(row.evidence, str) else row.evidence
            companies = held.get(row.subject_id, set())
            if (
                row.subject_kind != "identity"
                or row.level not in given.levels
                or given.network not in (None, row.network_id)
                or given.disposition not in (None, "none")
                or (given.indicator is not None
                    and all(item["indicator"] != given.indicator for item in evidence))
                or (given.member is not None and given.member not in companies)
                or (given.sector is not None
                    and given.sector not in {sector_of.get(c) for c in companies})
            ):  # fmt: skip
                continue
            picked.append((row, evidence, state.assessed_at.get(("identity", row.subject_id))))
        picked.sort(key=lambda p: p[0].subject_id, reverse=True)
        picked.sort(key=lambda p: (RANK.get(p[0].level, -1), p[2] or _EARLIEST), reverse=True)
        page = picked[offset : offset + limit]
        sizes = self.identity_sizes([row.subject_id for row, _, _ in page])
        return [queued(row, at, evidence, sizes, None) for row, evidence, at in page]

    def latest_acts(self, actor: str, action: str, subjects: Sequence[str]) -> dict[str, datetime]:
        wanted = set(subjects)
        found: dict[str, datetime] = {}
        for entry in self._state.audit:
            event = entry.event
            if event.actor == actor and event.action == action and event.subject in wanted:
                found[event.subject] = max(event.at, found.get(event.subject, event.at))
        return found

    def _held_companies(self) -> dict[str, set[str]]:
        company_of = {a["key"]: a["company_id"] for a in self._state.rows.get("applications", [])}
        held: dict[str, set[str]] = {}
        for link in self._state.rows.get("links", []):
            if link["app_key"] in company_of:
                held.setdefault(link["identity_id"], set()).add(company_of[link["app_key"]])
        return held

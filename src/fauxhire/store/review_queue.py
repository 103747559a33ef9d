"""The review queue on the SQL store (``ports.review``): one statement selects and orders a
page of assessed identities (``ix_assessments_queue``, migration 0020, reads one level in
order; several are sorted); the page's sizes follow by index. A member's identities are
found from its applications; a sector's by a probe of each candidate, which is quick for the
few flagged identities and slow (seconds) for a level of hundreds of thousands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Text, case, func, literal, select, type_coerce

from fauxhire.domain.evidence import IndicatorEvidence, from_parsed
from fauxhire.domain.levels import ESTIMATIVE_TERMS
from fauxhire.ports.review import QueueFilter, QueueRow
from fauxhire.store import schema
from fauxhire.store.dispositions import current_dispositions
from fauxhire.store.store import Store
from fauxhire.store.subsets import identity_sizes

RANK = {term: rank for rank, term in enumerate(ESTIMATIVE_TERMS)}  # the lowest first


def review_queue(store: Store, given: QueueFilter, *, limit: int, offset: int) -> list[QueueRow]:
    s = schema.assessments
    latest = _latest_dispositions(store)
    query = _filtered(given, latest)
    # One level is read in the index's order (ix_assessments_queue, backwards); several are
    # sorted, which the few flagged identities of a store cost little.
    latest_first = [s.c.assessed_at.desc(), s.c.subject_id.desc()]
    if len(set(given.levels)) > 1:
        latest_first.insert(0, case(RANK, value=s.c.level, else_=-1).desc())
    query = query.order_by(*latest_first)
    with store.transaction("review_queue") as conn:
        rows = conn.execute(query.limit(limit).offset(offset)).all()
    sizes = identity_sizes(store, [row.subject_id for row in rows]) if rows else {}
    return [
        queued(row, row.assessed_at, row.evidence, sizes, latest.get(row.subject_id))
        for row in rows
    ]


def _filtered(given: QueueFilter, latest: dict[str, str]) -> Select[Any]:
    s, links, apps = schema.assessments, schema.links, schema.applications
    columns = (s.c.subject_id, s.c.level, s.c.probability, s.c.network_id, s.c.assessed_at)
    levels = sorted(set(given.levels))
    # One level as an equality: PostgreSQL reads an index in order for "=", not for "IN".
    at_level = s.c.level == levels[0] if len(levels) == 1 else s.c.level.in_(levels)
    query = select(*columns, s.c.evidence).where(s.c.subject_kind == "identity", at_level)
    if given.network is not None:
        query = query.where(s.c.network_id == given.network)
    if given.indicator is not None:  # the evidence as stored: compact JSON (orjson, polars)
        evidence = type_coerce(s.c.evidence, Text)
        named = "".join("\\" + c if c in "\\%_" else c for c in given.indicator)
        query = query.where(evidence.like(f'%"indicator":"{named}"%', escape="\\"))
    held = links.join(apps, apps.c.key == links.c.app_key)
    if given.member is not None:  # a member's few applications, by ix_applications_candidate
        at_member = select(links.c.identity_id).select_from(held)
        query = query.where(s.c.subject_id.in_(at_member.where(apps.c.company_id == given.member)))
    holding = select(literal(1)).select_from(held).where(links.c.identity_id == s.c.subject_id)
    if given.sector is not None:
        companies = schema.companies  # a company's key is its id: its unique index
        at = holding.join_from(apps, companies, companies.c.key == apps.c.company_id)
        query = query.where(at.where(companies.c.sector == given.sector).exists())
    if given.disposition == "none":
        query = query.where(s.c.subject_id.not_in(sorted(latest)))
    elif given.disposition is not None:
        chosen = sorted(i for i, found in latest.items() if found == given.disposition)
        query = query.where(s.c.subject_id.in_(chosen))
    return query


def _latest_dispositions(store: Store) -> dict[str, str]:
    """Each disposed identity's deciding disposition: few, however large the store."""
    found = current_dispositions(store).select("identity_id", "disposition").iter_rows()
    return {str(identity): str(disposition) for identity, disposition in found}


def queued(
    row: Any,
    at: datetime | None,
    evidence: list[dict[str, Any]] | str | None,
    sizes: dict[str, int],
    disposition: str | None,
) -> QueueRow:
    """The queue's row of an assessment ``row`` (its subject_id, level, probability and
    network_id), assessed ``at``, with its evidence's indicators and its size."""
    return QueueRow(
        row.subject_id, row.level, row.probability, row.network_id, at, strongest(evidence),
        sizes.get(row.subject_id, 0), disposition,
    )  # fmt: skip


def strongest(evidence: list[dict[str, Any]] | str | None) -> tuple[str, ...]:
    """An assessment's indicators, the largest weight first (then by id). Evidence stored
    encoded twice, as one JSON string, by screens before 0020's release is read too."""
    items = from_parsed(evidence or (), IndicatorEvidence)
    ordered = sorted(items, key=lambda item: (-item.weight, item.indicator))
    return tuple(dict.fromkeys(item.indicator for item in ordered))


def latest_acts(
    store: Store, actor: str, action: str, subjects: Sequence[str]
) -> dict[str, datetime]:
    t = schema.audit_events
    if not subjects:
        return {}
    query = (
        select(t.c.subject, func.max(t.c.at))
        .where(t.c.actor == actor, t.c.action == action, t.c.subject.in_(sorted(set(subjects))))
        .group_by(t.c.subject)
    )
    with store.transaction("latest_acts") as conn:
        return {str(subject): at for subject, at in conn.execute(query)}

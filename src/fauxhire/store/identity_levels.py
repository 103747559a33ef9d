"""The assessments of a network's identities, read at once for its graph (issue 18, item 3):
one statement by the assessments' primary key, not one per identity."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from fauxhire.store import schema
from fauxhire.store.store import Store


def identity_levels(store: Store, identity_ids: Sequence[str]) -> dict[str, tuple[str, float]]:
    """Each of these identities that is assessed: its level and probability. By the primary
    key: a network's identities are read in one statement (assessments have no index by
    network, and a scan of a million identities costs a page seconds)."""
    s = schema.assessments
    query = select(s.c.subject_id, s.c.level, s.c.probability).where(
        s.c.subject_kind == "identity", s.c.subject_id.in_(list(identity_ids))
    )
    with store.transaction("identity_levels") as conn:
        return {str(row[0]): (str(row[1]), float(row[2])) for row in conn.execute(query)}

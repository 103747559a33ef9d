"""The rows the exports write (docs/formats.md section 11), streamed from one transaction:
an export of a million links holds no more than a row at a time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Text, select, type_coerce

from fauxhire.store import schema
from fauxhire.store.store import Store


class AssessedIdentity(NamedTuple):
    identity_id: str
    network_id: str | None
    probability: float
    level: str
    evidence: str  # the stored JSON text, as it is
    ruleset_version: str
    ruleset_hash: str
    assessed_at: datetime | None


def iter_links(store: Store) -> Iterator[tuple[str, str, str, str, str | None]]:
    """company_id, application_id, candidate_id, identity_id, network_id of every linked
    application, by company and application id."""
    a, links = schema.applications, schema.links
    query = (
        select(
            a.c.company_id,
            a.c.application_id,
            a.c.candidate_id,
            links.c.identity_id,
            links.c.network_id,
        )
        .join(links, links.c.app_key == a.c.key)
        .order_by(a.c.company_id, a.c.application_id)
    )
    with store.transaction("export_links") as conn:
        for row in conn.execute(query):
            yield (row[0], row[1], row[2], row[3], row[4])


def iter_identity_assessments(
    store: Store, *, min_probability: float = 0.0
) -> Iterator[AssessedIdentity]:
    """The identities assessed at ``min_probability`` or more, strongest first."""
    t = schema.assessments
    query = (
        select(
            t.c.subject_id, t.c.network_id, t.c.probability, t.c.level,
            # The stored JSON text as it is: parsing it only to write it out again is waste.
            type_coerce(t.c.evidence, Text),
            t.c.ruleset_version, t.c.ruleset_hash, t.c.assessed_at,
        )
        .where(t.c.subject_kind == "identity", t.c.probability >= min_probability)
        .order_by(t.c.probability.desc(), t.c.subject_id)
    )  # fmt: skip
    with store.transaction("export_assessments") as conn:
        for row in conn.execute(query):
            yield AssessedIdentity(*row)

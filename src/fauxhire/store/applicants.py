"""An identity that is only an applicant, read by index for a screen (``assess/applicant.py``).

A handful of indexed lookups: the identity's applications from its links, then whether any
record of another kind names one of them (a meeting, a hire, an employer report, an analyst's
disposition) or an edge ties it to a network or a borrowed identity. Any one of those, or a
network or a referral on an application, and it is more than an applicant: the caller
assesses it with the polars detectors instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
from sqlalchemy import Text, bindparam, text

from fauxhire.ports import ApplicantRows
from fauxhire.store.store import Store

_APPLICATIONS = text(
    "SELECT a.id, a.key, a.company_id, CAST(a.applied_at AS TEXT), a.claimed_location, "
    "a.referred_by, l.network_id FROM links l JOIN applications a ON a.key = l.app_key "
    "WHERE l.identity_id = :id ORDER BY a.id"
)


# Records of other kinds that name one of the applications, and edges that tie the identity:
# any one makes it more than an applicant. Hires name the candidate within the company, as
# the facts' hires do. One statement: each lookup is an index probe, each statement a round
# of the driver's fixed cost.
_MORE_THAN_APPLICANT = text(
    "SELECT CASE WHEN "
    + " OR ".join(
        f"EXISTS ({query})"
        for query in (
            "SELECT 1 FROM link_edges WHERE stage IN ('network', 'borrowed') AND a = :id",
            "SELECT 1 FROM link_edges WHERE stage IN ('network', 'borrowed') AND b = :id",
            "SELECT 1 FROM meeting_participants WHERE app_key IN :keys",
            "SELECT 1 FROM report_matches WHERE app_key IN :keys",
            "SELECT 1 FROM disposition_applications WHERE app_key IN :keys",
            "SELECT 1 FROM applications a JOIN hires h ON h.company_id = a.company_id "
            "AND h.candidate_id = a.candidate_id WHERE a.key IN :keys",
        )
    )
    + " THEN 1 ELSE 0 END"
).bindparams(bindparam("keys", expanding=True))
CONTACTS = text(
    "SELECT app_ref, kind, key FROM applicant_values "
    "WHERE app_ref IN :refs AND kind IN ('email', 'phone', 'address') ORDER BY app_ref, kind, key"
).bindparams(bindparam("refs", expanding=True))
_OBSERVABLES = (
    "SELECT i.stix_id, CAST(i.valid_until AS TEXT), CAST(i.confidence AS TEXT), o.path, o.value "
    "FROM indicator_observables o JOIN indicators i ON i.id = o.indicator_ref WHERE "
)
_PARTNER = text(
    f"{_OBSERVABLES}o.path = 'email-addr:value' AND LOWER(o.value) IN :emails "
    f"UNION ALL {_OBSERVABLES}o.path = 'hashed-identifier:hmac_sha256' AND o.value IN :digests"
).bindparams(  # typed: an empty list is an empty set of text, which PostgreSQL compares
    bindparam("emails", expanding=True, type_=Text()),
    bindparam("digests", expanding=True, type_=Text()),
)


def applicant_rows(store: Store, identity_id: str) -> ApplicantRows | None:
    with store.transaction("applicant_rows") as conn:
        apps = conn.execute(_APPLICATIONS, {"id": identity_id}).all()
        if not apps or any(referred or network for *_, referred, network in apps):
            return None
        keys = [row[1] for row in apps]
        if conn.execute(_MORE_THAN_APPLICANT, {"id": identity_id, "keys": keys}).scalar():
            return None
        key_of = {row[0]: row[1] for row in apps}
        contacts = conn.execute(CONTACTS, {"refs": list(key_of)}).all()
    return ApplicantRows(
        applications=[(key, company, at, place) for _, key, company, at, place, *_ in apps],
        contacts=[(key_of[ref], kind, key) for ref, kind, key in contacts],
    )


def partner_observables(
    store: Store, emails: Sequence[str], digests: Sequence[str]
) -> list[tuple[Any, ...]]:
    if not emails and not digests:
        return []
    with store.transaction("partner_observables") as conn:
        found = conn.execute(_PARTNER, {"emails": list(emails), "digests": list(digests)})
        return [tuple(row) for row in found]


def applicant_rows_of_frames(
    scoped: Callable[[str, Sequence[str]], pl.DataFrame], identity_id: str
) -> ApplicantRows | None:
    """``applicant_rows`` from a store's scoped fact frames (``scoped_fact_frame``): the same
    answer, read the slow way, for a store with no SQL of its own."""
    ids = [identity_id]
    apps = scoped("applications", ids)
    if (
        apps.is_empty()
        or apps.select(
            pl.col("referred_by").is_not_null().any() | pl.col("network_id").is_not_null().any()
        ).item()
    ):
        return None
    if any(
        not scoped(name, ids).is_empty()
        for name in ("meetings", "hires", "reports", "dispositions", "edges", "borrowed")
    ):
        return None
    apps = apps.sort("rec")
    key_of = dict(apps.select("rec", "app_key").iter_rows())
    contacts = scoped("contacts", ids).sort("rec", "kind", "key")
    return ApplicantRows(
        applications=list(
            apps.select("app_key", "company_id", "applied_at", "claimed_location").iter_rows()
        ),
        contacts=[(key_of[rec], kind, key) for rec, kind, key in contacts.iter_rows()],
    )


def partner_observables_of_frame(
    observables: pl.DataFrame, emails: Sequence[str], digests: Sequence[str]
) -> list[tuple[Any, ...]]:
    """``partner_observables`` from the whole observables frame."""
    email = (pl.col("path") == "email-addr:value") & pl.col("value").str.to_lowercase().is_in(
        list(emails)
    )
    digest = (pl.col("path") == "hashed-identifier:hmac_sha256") & pl.col("value").is_in(
        list(digests)
    )
    found = observables.filter(email | digest)
    return list(found.select("stix_id", "valid_until", "confidence", "path", "value").iter_rows())

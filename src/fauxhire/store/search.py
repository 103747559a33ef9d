"""Which identities hold a value (the console's search, issue 18): a keyed lookup of a
normalised value, never a scan. Contact values by ``ix_applicant_values_kind_key``, names by
``ix_applications_name_key``, egress IPs by the meetings' and sign-ins' IP indexes
(migration 0021)."""

from __future__ import annotations

from typing import Final, NamedTuple

from sqlalchemy import text

from fauxhire.store.store import Store

CAP: Final = 50  # identities a search returns: a value held by more is no one's in particular


class Found(NamedTuple):
    identity_id: str
    applications: int  # of its applications, those that hold the value (with a member: its own)


_BY_CONTACT = (
    "SELECT l.identity_id, COUNT(DISTINCT a.key) FROM applicant_values v "
    "JOIN applications a ON a.id = v.app_ref JOIN links l ON l.app_key = a.key "
    "WHERE v.kind = :kind AND v.key = :key AND (:member IS NULL OR a.company_id = :member) "
    "GROUP BY l.identity_id"
)
_BY_NAME = (
    "SELECT l.identity_id, COUNT(*) FROM applications a JOIN links l ON l.app_key = a.key "
    "WHERE a.name_key = :key AND (:member IS NULL OR a.company_id = :member) "
    "GROUP BY l.identity_id"
)
# An egress IP: the interview meetings joined from it, and the sign-ins of hires made from it.
_BY_IP = (
    "SELECT identity_id, COUNT(DISTINCT app_key) FROM ("
    "SELECT l.identity_id, l.app_key FROM meeting_participants m "
    "JOIN links l ON l.app_key = m.app_key "
    "WHERE m.ip_address = :key AND (:member IS NULL OR m.company_id = :member) "
    "UNION ALL "
    "SELECT l.identity_id, l.app_key FROM signin_events s JOIN hires h ON h.key = s.hire_key "
    "JOIN applications a ON a.company_id = h.company_id AND a.candidate_id = h.candidate_id "
    "JOIN links l ON l.app_key = a.key "
    "WHERE s.ip_address = :key AND (:member IS NULL OR s.company_id = :member)"
    ") held GROUP BY identity_id"
)


def identities_holding(
    store: Store, kind: str, key: str, *, member: str | None
) -> tuple[list[Found], bool]:
    """The identities whose applications hold the normalised value (``kind``: a contact
    kind of ``applicant_values``, ``name`` or ``ip``), most applications first, at most
    ``CAP``; and whether there were more. With ``member``, that company's applications only."""
    query = _BY_NAME if kind == "name" else _BY_IP if kind == "ip" else _BY_CONTACT
    ordered = f"{query} ORDER BY 2 DESC, 1 LIMIT {CAP + 1}"
    with store.transaction("search") as conn:
        rows = conn.execute(text(ordered), {"kind": kind, "key": key, "member": member}).all()
    found = [Found(str(identity), int(count)) for identity, count in rows]
    return found[:CAP], len(found) > CAP

"""Exporting flagged personas and their networks to partners as STIX 2.1 (issue 19, item 1;
docs/sharing.md): read the identities at or above a level, leave out those an analyst
cleared, hash their contact values with the community key, say it as a bundle
(domain/stix_export.py), and append one audit event with the purpose given. Exporting is a
disclosure, so it is audited like a read of personal data, though no personal data leaves.

Only keyed hashes of e-mails, phones and GitHub handles leave, and only of values no
identity below the level (or cleared) holds as well: such a value may be a borrowed
identity's victim's, or an innocent's who shares a household or an agency with a persona.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from fauxhire.domain.levels import ESTIMATIVE_TERMS
from fauxhire.domain.stix_export import TLP_MARKINGS, Network, Persona, Sharing, bundle
from fauxhire.enrich.keyed import keyed_hash
from fauxhire.errors import ConfigError, InvalidQuery
from fauxhire.services.erasure import Actor
from fauxhire.store import SqlStore
from fauxhire.store.dispositions import current_dispositions
from fauxhire.store.share_reads import Flagged, activity, contact_keys, flagged

log = logging.getLogger(__name__)
# Not LinkedIn: a persona borrows a real person's profile with their name and address (an
# identity theft), and its hash would point partners at the victim wherever they apply.
SHARED_KINDS: Final = ("email", "phone", "github")
DEFAULT_LEVEL: Final = "likely"
DEFAULT_VALID_DAYS: Final = 180


@dataclass(frozen=True, slots=True)
class ExportRequest:
    purpose: str  # why, for the audit trail: a sharing agreement or a ticket, never a person
    min_level: str = DEFAULT_LEVEL
    tlp: str = "amber"
    valid_days: int = DEFAULT_VALID_DAYS


@dataclass(frozen=True, slots=True)
class Sharer:
    """Who shares, and with which key: the hub's name as partners know it, and the key (and
    its id) its hashes are made with for the audience (None: it holds none)."""

    producer: str
    key: bytes | None
    key_id: str


@dataclass(frozen=True, slots=True)
class Exported:
    bundle: dict[str, Any]
    personas: int
    networks: int
    indicators: int
    left_out_cleared: int  # flagged identities an analyst cleared: never shared


def export(
    store: SqlStore,
    request: ExportRequest,
    sharer: Sharer,
    *,
    actor: Actor,
    now: datetime,
    action: str = "share:export",
) -> Exported:
    """The bundle of the identities at ``request.min_level`` or higher, audited as
    ``action`` (a publication to partners is audited as one, in its unit of work)."""
    levels = levels_from(request.min_level)
    if request.tlp not in TLP_MARKINGS:
        choices = ", ".join(TLP_MARKINGS)
        raise InvalidQuery(f"unknown TLP {request.tlp!r}: one of {choices}", field="tlp")
    if sharer.key is None:
        raise ConfigError(
            "sharing needs the community key (FAUXHIRE_COMMUNITY_KEY), or a key of the share "
            "keyring for its audience (`fauxhire keys share add`): partners match keyed hashes, "
            "and without the key there is nothing they could match"
        )
    identities, shared, findings = shareable(store, levels)
    personas = _personas(store, shared, findings, sharer.key)
    networks = _networks(store, {p.network_id for p in personas if p.network_id})
    sharing = Sharing(sharer.producer, request.tlp, sharer.key_id, request.valid_days, now)
    made = bundle(sharing, personas, networks)
    indicators = sum(len(p.hashes) for p in personas)
    records = tuple(f"identity:{p.identity_id}" for p in personas)
    counts = (f"count:personas={len(personas)}", f"count:indicators={indicators}")
    with store.unit_of_work():
        store.append_audit(actor.event(action, "share", request.purpose, now,
                                       (*counts, *records)))  # fmt: skip
    log.info("exported %d personas, %d indicators", len(personas), indicators)
    return Exported(made, len(personas), len(networks), indicators, len(identities) - len(shared))


def shareable(
    store: SqlStore, levels: tuple[str, ...]
) -> tuple[list[Flagged], list[Flagged], dict[str, Any]]:
    """The identities assessed at ``levels``, those of them an analyst did not clear, and
    each identity's current disposition."""
    identities = flagged(store, "identity", levels)
    dispositions = current_dispositions(store)
    findings = {row["identity_id"]: row for row in dispositions.iter_rows(named=True)}
    cleared = {i for i, row in findings.items() if row["disposition"] == "cleared"}
    return identities, [f for f in identities if f.subject_id not in cleared], findings


def levels_from(term: str) -> tuple[str, ...]:
    if term not in ESTIMATIVE_TERMS:
        raise InvalidQuery(
            f"not an estimative level: {term!r} (one of {', '.join(ESTIMATIVE_TERMS)})",
            field="min_level",
        )
    return ESTIMATIVE_TERMS[ESTIMATIVE_TERMS.index(term) :]


def _personas(
    store: SqlStore, shared: list[Flagged], findings: dict[str, Any], key: bytes
) -> list[Persona]:
    ids = [f.subject_id for f in shared]
    seen = activity(store, ids)
    values = contact_keys(store, ids, SHARED_KINDS)
    personas = []
    for f in shared:
        active = seen.get(f.subject_id)
        if active is None:  # assessed, then its applications erased: nothing to say
            continue
        finding = findings.get(f.subject_id)
        confirmed = (
            finding["created_at"] if finding and finding["disposition"] == "confirmed" else None
        )
        hashes = sorted((kind, keyed_hash(key, kind, value))
                        for kind, value in values.get(f.subject_id, ()))  # fmt: skip
        persona = Persona(
            f.subject_id, f.network_id, f.probability, f.level, f.assessed_at,
            active.applications, active.interviews, active.companies,
            active.first_applied, active.last_applied, tuple(hashes), confirmed,
        )  # fmt: skip
        personas.append(persona)
    return personas


def _networks(store: SqlStore, network_ids: set[str]) -> list[Network]:
    assessed = {f.subject_id: f for f in flagged(store, "network", ESTIMATIVE_TERMS)
                if f.subject_id in network_ids}  # fmt: skip
    return [
        Network(n, a.probability, a.level, a.assessed_at) if (a := assessed.get(n))
        else Network(n, None, None, None)
        for n in sorted(network_ids)
    ]  # fmt: skip

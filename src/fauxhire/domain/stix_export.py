"""A STIX 2.1 bundle of flagged personas and their networks, for partners (issue 19; docs/
sharing.md). Pure: it is given what to say and says it as STIX objects (plain dicts, which
stix2-validator checks in the tests); reading the store, hashing and auditing are the
service's (services/share_export.py).

What a partner learns of a persona: that this hub assessed an applicant persona (by the
hub's own id, never a name) at a level, with a confidence; how many applications,
interviews and member companies it was seen at, and when (a sighting, never where); keyed
hashes of its e-mails, phones and GitHub handles, each an indicator a partner holding the
community key can match and no one else can read; its network; and an analyst's confirmed
finding as an opinion. Nothing else of the applicant leaves.

Ids are UUIDv5 of what the object is about, so the same persona exported twice is the same
object: ``created`` is its first application, ``modified`` its last assessment.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

# fauxhire's namespace for the ids of the objects it makes; STIX's own for SCO ids (2.1, 2.9).
_NAMESPACE: Final = uuid.UUID("6c1d3f5e-2b0a-5d8e-9f4a-7e2b8c9d0a1f")
_SCO_NAMESPACE: Final = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
TLP_EXTENSION: Final = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_MARKINGS: Final = {  # the TLP 2.0 marking definitions, ids fixed by their extension
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
_TLP_CREATED: Final = "2022-10-01T00:00:00.000Z"
# When the hub's identity and the extension's definition were made, said the same in every
# bundle: their ids never change, so neither may their versions.
_DEFINED: Final = datetime(2021, 1, 1, tzinfo=UTC)  # as the TLP 2.0 extension defines them
# The community's definition of the new SCO (docs/formats.md section 10): its id is the contract.
HASHED_EXTENSION: Final = "extension-definition--3cc7aa4a-ea58-4eea-8d08-a84584677dc9"
NORMALISATION: Final = {  # how each kind is normalised before its keyed hash (docs/sharing.md)
    "email": "nfkc-trim-lower",
    "phone": "e164",
    "github": "handle-lower",
}
_KIND_WORDS: Final = {
    "email": "e-mail", "phone": "phone number", "github": "GitHub handle",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Persona:
    identity_id: str
    network_id: str | None
    probability: float
    level: str
    assessed_at: datetime
    applications: int
    interviews: int
    companies: int
    first_seen: datetime
    last_seen: datetime
    hashes: tuple[tuple[str, str], ...]  # (kind, keyed hash), sorted
    confirmed_at: datetime | None  # an analyst's confirmed finding, when there is one


@dataclass(frozen=True, slots=True)
class Network:
    network_id: str
    probability: float | None  # None: the network itself was not assessed
    level: str | None
    assessed_at: datetime | None


@dataclass(frozen=True, slots=True)
class Sharing:
    """Who shares, under which marking and key, and for how long an indicator holds."""

    producer: str  # the hub's name, as partners know it
    tlp: str  # a key of TLP_MARKINGS
    key_id: str  # the id of the community key the hashes are made with
    valid_days: int  # an indicator is valid this long after the persona's last assessment
    now: datetime


def bundle(
    sharing: Sharing, personas: Sequence[Persona], networks: Sequence[Network]
) -> dict[str, Any]:
    """The bundle: its markings and producer first, then each network and persona."""
    producer = _id("identity", sharing.producer)
    marking = TLP_MARKINGS[sharing.tlp]
    made = _Made(producer, marking, sharing)
    objects = [_marking(sharing.tlp), made.producer_identity(), made.extension()]
    members = {p.network_id for p in personas}
    objects += [made.network(n) for n in networks if n.network_id in members]
    for persona in personas:
        objects += list(made.persona(persona))
    # A value two personas share is one observable, said once.
    objects = list({o["id"]: o for o in reversed(objects)}.values())[::-1]
    digest = hashlib.sha256(json.dumps(objects, sort_keys=True).encode()).hexdigest()
    return {"type": "bundle", "id": f"bundle--{uuid.uuid5(_NAMESPACE, digest)}", "objects": objects}


def stamp(at: datetime) -> str:
    """A STIX timestamp: UTC, to the millisecond."""
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _id(kind: str, *about: str) -> str:
    return f"{kind}--{uuid.uuid5(_NAMESPACE, '|'.join((kind, *about)))}"


def _marking(tlp: str) -> dict[str, Any]:
    return {
        "type": "marking-definition", "spec_version": "2.1", "id": TLP_MARKINGS[tlp],
        "created": _TLP_CREATED, "name": f"TLP:{tlp.upper()}",
        "extensions": {TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": tlp}},
    }  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Made:
    producer: str
    marking: str
    sharing: Sharing

    def _common(
        self, kind: str, object_id: str, created: datetime, modified: datetime
    ) -> dict[str, Any]:
        return {
            "type": kind, "spec_version": "2.1", "id": object_id, "created": stamp(created),
            "modified": stamp(max(created, modified)), "created_by_ref": self.producer,
            "object_marking_refs": [self.marking],
        }  # fmt: skip

    def producer_identity(self) -> dict[str, Any]:
        at = _DEFINED
        made = self._common("identity", self.producer, at, at)
        return made | {"name": self.sharing.producer, "identity_class": "organization"}

    def extension(self) -> dict[str, Any]:
        at = _DEFINED
        made = self._common("extension-definition", HASHED_EXTENSION, at, at)
        del made["object_marking_refs"]
        return made | {
            "name": "hashed-identifier",
            "description": "A keyed hash (HMAC-SHA256, hex) of one normalised personal "
            "identifier of an applicant, so that holders of the same key can match it and "
            "no one else can read it.",
            "schema": "fauxhire docs/sharing.md: the hashed-identifier object and how each "
            "kind is normalised before it is hashed",
            "version": "1.0.0",
            "extension_types": ["new-sco"],
        }

    def network(self, network: Network) -> dict[str, Any]:
        at = network.assessed_at or self.sharing.now
        made = self._common("intrusion-set", _id("intrusion-set", network.network_id), at, at)
        made["name"] = f"Applicant network {network.network_id}"
        made["description"] = (
            "Applicant personas that share infrastructure (payout accounts, addresses, "
            "devices, egress, contact details), linked by fauxhire."
            + (f" Assessed {network.level} ({network.probability:.2f})." if network.level else "")
        )
        if network.probability is not None:
            made["confidence"] = _confidence(network.probability)
        return made

    def persona(self, persona: Persona) -> Iterator[dict[str, Any]]:
        actor_id = _id("threat-actor", persona.identity_id)
        first, assessed = persona.first_seen, persona.assessed_at
        actor = self._common("threat-actor", actor_id, first, assessed)
        actor |= {
            "name": f"Applicant persona {persona.identity_id}",
            "description": (
                f"An applicant persona linked to scheme infrastructure: assessed "
                f"{persona.level} ({persona.probability:.2f}) by fauxhire. A recommendation "
                "for human review, not a finding about any person."
            ),
            "first_seen": stamp(first), "last_seen": stamp(persona.last_seen),
            "confidence": _confidence(persona.probability),
        }  # fmt: skip
        yield actor
        if persona.network_id is not None:
            network = _id("intrusion-set", persona.network_id)
            yield self._relationship("attributed-to", network, actor_id, first, assessed)
        yield self._sighting(persona, actor_id)
        for kind, digest in persona.hashes:
            yield from self._indicator(persona, actor_id, kind, digest)
        if persona.confirmed_at is not None:
            yield self._opinion(persona, actor_id)

    def _sighting(self, persona: Persona, actor_id: str) -> dict[str, Any]:
        first = persona.first_seen
        made = self._common("sighting", _id("sighting", persona.identity_id), first,
                            persona.assessed_at)  # fmt: skip
        return made | {
            "sighting_of_ref": actor_id, "where_sighted_refs": [self.producer],
            "first_seen": stamp(first), "last_seen": stamp(persona.last_seen),
            "count": persona.applications,
            "description": (
                f"{persona.applications} applications, {persona.interviews} interviews, at "
                f"{persona.companies} member companies (not named)."
            ),
            "x_fauxhire_interviews": persona.interviews,
            "x_fauxhire_companies": persona.companies,
        }  # fmt: skip

    def _indicator(
        self, persona: Persona, actor_id: str, kind: str, digest: str
    ) -> Iterator[dict[str, Any]]:
        key_id = self.sharing.key_id
        observable = _sco_id({"hmac_sha256": digest, "identifier_type": kind, "key_id": key_id})
        yield {
            "type": "hashed-identifier", "spec_version": "2.1", "id": observable,
            "identifier_type": kind, "hmac_sha256": digest, "key_id": key_id,
            "normalization": NORMALISATION[kind], "object_marking_refs": [self.marking],
            "extensions": {HASHED_EXTENSION: {"extension_type": "new-sco"}},
        }  # fmt: skip
        first, assessed = persona.first_seen, persona.assessed_at
        indicator_id = _id("indicator", persona.identity_id, kind, digest, key_id)
        made = self._common("indicator", indicator_id, first, assessed)
        made |= {
            "name": f"Applicant {_KIND_WORDS[kind]} (keyed hash) of persona {persona.identity_id}",
            "description": (
                f"HMAC-SHA256 under the community key {key_id} of the {NORMALISATION[kind]} "
                f"normal form of a {_KIND_WORDS[kind]} the persona applied with."
            ),
            "indicator_types": ["attribution"], "pattern_type": "stix",
            "pattern": (
                f"[hashed-identifier:hmac_sha256 = '{digest}' AND "
                f"hashed-identifier:identifier_type = '{kind}' AND "
                f"hashed-identifier:key_id = '{key_id}']"
            ),
            "valid_from": stamp(first),
            "valid_until": stamp(max(assessed, first) + timedelta(days=self.sharing.valid_days)),
            "confidence": _confidence(persona.probability),
        }  # fmt: skip
        yield made
        yield self._relationship("indicates", indicator_id, actor_id, first, assessed)

    def _opinion(self, persona: Persona, actor_id: str) -> dict[str, Any]:
        at = persona.confirmed_at or persona.assessed_at
        made = self._common("opinion", _id("opinion", persona.identity_id), at, at)
        return made | {
            "opinion": "strongly-agree", "object_refs": [actor_id],
            "explanation": "An analyst of the hub confirmed this persona as linked to scheme "
            "infrastructure, after review.",
        }  # fmt: skip

    def _relationship(
        self, kind: str, source: str, target: str, created: datetime, modified: datetime
    ) -> dict[str, Any]:
        made = self._common("relationship", _id("relationship", kind, source, target), created,
                            modified)  # fmt: skip
        return made | {"relationship_type": kind, "source_ref": source, "target_ref": target}


def _confidence(probability: float) -> int:
    """STIX confidence (0 to 100) of a probability: the same number, as a percentage."""
    return max(0, min(100, round(probability * 100)))


def _sco_id(contributing: dict[str, str]) -> str:
    """An SCO's deterministic id: UUIDv5 in STIX's namespace over its id-contributing
    properties, as canonical JSON (STIX 2.1 section 2.9)."""
    canonical = json.dumps(contributing, sort_keys=True, separators=(",", ":"))
    return f"hashed-identifier--{uuid.uuid5(_SCO_NAMESPACE, canonical)}"

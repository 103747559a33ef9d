"""What others tell us: employer reports (docs/formats.md section 9) and a partner STIX feed (10).

Both are imperfect on purpose: some reports are wrong about legitimate people (and some of
those are later cleared); some indicators are stale or point at shared, innocent addresses.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from fauxhire.domain.normalise import email as email_norm
from fauxhire.enrich.keyed import keyed_hash as enrich_keyed_hash
from fauxhire_lab.world.formats import iso
from fauxhire_lab.world.model import Application
from fauxhire_lab.world.operation import Network
from fauxhire_lab.world.spec import WorldSpec

# The demo community key of tests/fixtures/samples/pii_hmac_test_vectors.json: never a secret.
COMMUNITY_KEY = b"demo-community-key-v1-DO-NOT-USE"
# TLP 2.0 AMBER, as in tests/fixtures/samples/stix21_bundle_it_worker_network.json.
TLP_AMBER = {
    "type": "marking-definition",
    "spec_version": "2.1",
    "id": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "created": "2022-10-01T00:00:00.000Z",
    "name": "TLP:AMBER",
    "extensions": {
        "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
            "extension_type": "property-extension",
            "tlp_2_0": "amber",
        }
    },
}


def employer_reports(
    spec: WorldSpec, dprk_hires: list[Application], wrong: list[Application]
) -> list[bytes]:
    rng = random.Random(f"{spec.seed}:reports")
    lines: list[bytes] = []
    for app in dprk_hires:
        if rng.random() < 0.4:
            confirmed = rng.random() < 0.6
            lines.append(
                _report(
                    rng,
                    len(lines),
                    app,
                    "confirmed_fraud" if confirmed else "suspected",
                    "high" if confirmed else "medium",
                    "Terminated after onboarding: laptop reached over a remote-access "
                    "tool from a VPN exit; payroll account shared with another hire.",
                )
            )
    for app in wrong:
        lines.append(
            _report(
                rng,
                len(lines),
                app,
                "suspected",
                rng.choice(("low", "medium")),
                "Camera off in most meetings; worked unusual hours.",
            )
        )
        if rng.random() < spec.cleared_reports:
            lines.append(
                _report(
                    rng,
                    len(lines),
                    app,
                    "cleared",
                    "high",
                    "Investigated: identity verified in person; no concern.",
                )
            )
    return lines


def _report(
    rng: random.Random, n: int, app: Application, disposition: str, confidence: str, summary: str
) -> bytes:
    assert app.hire is not None
    when = datetime(app.hire.start.year, app.hire.start.month, app.hire.start.day, tzinfo=UTC)
    when += timedelta(days=rng.randint(15, 120))
    return (
        orjson.dumps(
            {
                "report_id": f"r-{n + 1}",
                "reporting_company_id": app.company.company_id,
                "reported_at": iso(when),
                "disposition": disposition,
                "confidence": confidence,
                "subject": {
                    "names": [app.person.name],
                    "emails": app.emails[:1],
                    "phones": app.phones[:1],
                    "urls": [],
                    "addresses": [],
                    "candidate_ids": [app.candidate_id],
                },
                "summary": summary,
            }
        )
        + b"\n"
    )


def keyed_hash(kind: str, normalised: str) -> str:
    """As a partner of the demo community shares a contact value (``enrich.keyed``)."""
    return enrich_keyed_hash(COMMUNITY_KEY, kind, normalised)


Indicated = tuple[str, str, str, bool]  # (name, type, pattern, stale)


def stix_bundle(spec: WorldSpec, networks: list[Network], shared_ips: list[str]) -> bytes:
    rng = random.Random(f"{spec.seed}:stix")

    def sid(kind: str) -> str:
        return f"{kind}--{uuid.UUID(int=rng.getrandbits(128), version=4)}"

    now = iso(spec.end, ms=True)
    common = {"spec_version": "2.1", "created": now, "modified": now}
    partner = {
        "type": "identity",
        "id": sid("identity"),
        **common,
        "name": "Partner threat-intel feed (demo)",
        "identity_class": "organization",
    }
    mark = {"created_by_ref": partner["id"], "object_marking_refs": [TLP_AMBER["id"]]}
    objects: list[dict[str, Any]] = [TLP_AMBER, partner]
    for name, kind, pattern, stale in _indicated(rng, networks, shared_ips):
        valid_from = spec.end - timedelta(
            days=rng.randint(400, 700) if stale else rng.randint(10, 200)
        )
        indicator = {
            "type": "indicator",
            "id": sid("indicator"),
            **common,
            **mark,
            "name": name,
            "indicator_types": [kind],
            "pattern_type": "stix",
            "pattern": pattern,
            "valid_from": iso(valid_from, ms=True),
            "confidence": rng.choice((40, 60, 80)),
        }
        if stale:
            indicator["valid_until"] = iso(valid_from + timedelta(days=180), ms=True)
        objects.append(indicator)
    return orjson.dumps(
        {"type": "bundle", "id": sid("bundle"), "objects": objects}, option=orjson.OPT_INDENT_2
    )


def _indicated(
    rng: random.Random, networks: list[Network], shared_ips: list[str]
) -> list[Indicated]:
    """What the partner indicates: some personas' e-mails as keyed hashes and some farm
    addresses, a fifth of them stale; and, wrongly, three NATs many innocent people share."""
    indicators: list[Indicated] = []
    for network in networks:
        for persona in network.personas:
            if rng.random() < 0.3:
                key = email_norm.normalise(persona.emails[0])
                assert key is not None
                pattern = (
                    f"[hashed-identifier:hmac_sha256 = '{keyed_hash('email', key.key)}' "
                    "AND hashed-identifier:identifier_type = 'email']"
                )
                indicators.append(
                    (
                        "Applicant e-mail (keyed hash) of an IT-worker persona",
                        "attribution",
                        pattern,
                        rng.random() < 0.2,
                    )
                )
        for ip in network.farm_ips:
            if rng.random() < 0.5:
                indicators.append(
                    (
                        "Laptop-farm egress",
                        "anomalous-activity",
                        f"[ipv4-addr:value = '{ip}']",
                        rng.random() < 0.2,
                    )
                )
    for ip in shared_ips[:3]:  # wrong: a NAT that many innocent people share
        indicators.append(
            (
                "Egress seen with a suspected persona",
                "anomalous-activity",
                f"[ipv4-addr:value = '{ip}']",
                False,
            )
        )
    return indicators

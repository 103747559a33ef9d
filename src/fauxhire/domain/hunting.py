"""Hunting content for an employer's own tools (issue 19, item 6; docs/sharing.md): the egress
infrastructure of flagged personas (anonymisers and hosting only) as a Sigma rule for
identity-provider sign-ins, and as Microsoft Sentinel (KQL) and Splunk (SPL) queries for
sign-ins and meetings. Pure: given the IPs, it writes the text.

Each query's condition is written as pySigma's own backends write the Sigma rule's condition
(Splunk ``IN``; Kusto ``in``, where the backend writes the case-blind ``in~``, which an IP
address does not need), and the tests hold them to it: the rule is the one statement, the
queries are it in each tool's words, with the tables and fields those tools use."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

_NAMESPACE: Final = uuid.UUID("3e0f8d6a-1c2b-5d4e-8f9a-0b1c2d3e4f5a")


@dataclass(frozen=True, slots=True)
class Egress:
    ip: str
    kind: str  # vpn, proxy, tor or hosting (enrich/ipintel.py)
    provider: str | None
    identities: int  # flagged identities seen at it


@dataclass(frozen=True, slots=True)
class Hunting:
    sigma: str  # a Sigma rule (YAML), for Entra ID sign-in logs
    sentinel_signins: str
    sentinel_meetings: str
    splunk_signins: str
    splunk_meetings: str


def hunting(egress: Sequence[Egress], producer: str, now: datetime) -> Hunting:
    """The content for ``egress``, one IP at least (sorted here: the same data writes the
    same text)."""
    ips = sorted({e.ip for e in egress})
    if not ips:
        raise ValueError("hunting content needs one egress IP at least")
    listed = ", ".join(f'"{ip}"' for ip in ips)
    header = (
        f"// fauxhire: egress of applicant personas linked to scheme infrastructure ({producer}, "
        f"{now:%Y-%m-%d}). A lead for review, never a verdict: VPN and hosting exits are shared."
    )
    return Hunting(
        sigma=_sigma(egress, ips, producer, now),
        sentinel_signins=f"{header}\nSigninLogs\n| where IPAddress in ({listed})\n"
        "| project TimeGenerated, UserPrincipalName, IPAddress, AppDisplayName, ResultType",
        sentinel_meetings=f'{header}\nOfficeActivity\n| where RecordType == "MicrosoftTeams"\n'
        f"| where ClientIP in ({listed})\n| project TimeGenerated, UserId, ClientIP, Operation",
        splunk_signins=f'`comment("{header[3:]}")`\n'
        f'sourcetype="azure:monitor:aad" IPAddress IN ({listed})\n'
        "| table _time, userPrincipalName, IPAddress, appDisplayName",
        splunk_meetings=f'`comment("{header[3:]}")`\n'
        f'sourcetype="zoom:webhook" participant_ip IN ({listed})\n'
        "| table _time, participant_email, participant_ip, meeting_id",
    )


def _sigma(egress: Sequence[Egress], ips: list[str], producer: str, now: datetime) -> str:
    kinds = ", ".join(sorted({e.kind for e in egress})) or "none"
    rule_id = uuid.uuid5(_NAMESPACE, f"{producer}|signins")
    values = "".join(f"      - '{ip}'\n" for ip in ips)
    return (
        "title: Sign-in from egress of applicant personas linked to scheme infrastructure\n"
        f"id: {rule_id}\n"
        "status: experimental\n"
        "description: >-\n"
        f"  Egress ({kinds}) that personas flagged by {producer} used for interviews and\n"
        "  sign-ins, and no applicant below the flagged level did. A lead for review, never a\n"
        "  verdict: anonymisers and hosting providers are shared by many.\n"
        f"author: fauxhire ({producer})\n"
        f"date: {now:%Y-%m-%d}\n"
        "tags:\n"
        "  - attack.initial-access\n"
        "  - attack.t1078\n"
        "logsource:\n"
        "  product: azure\n"
        "  service: signinlogs\n"
        "detection:\n"
        "  selection:\n"
        "    IPAddress:\n"
        f"{values}"
        "  condition: selection\n"
        "falsepositives:\n"
        "  - Legitimate users of the same VPN or hosting provider\n"
        "level: medium\n"
    )

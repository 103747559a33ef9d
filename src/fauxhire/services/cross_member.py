"""What the hub knows about an identity from the other members, told to one member as facts
that carry no other member's applicant data and no other member's company id (issue 17,
item 3): "applied at 37 other member companies in 9 months; 2 employer reports elsewhere;
shares a payout account with 1 flagged identity".

- Applications elsewhere: how many other member companies, how many applications there, the
  calendar months they span and the days since the last; the display names of those of the
  companies that opted in to be named (``members.named``), the others counted only.
- Employer reports matched to the identity and filed by other members: how many, by
  disposition; the reporters' names where they opted in.
- Infrastructure shared with other identities assessed at ``likely`` or above: by kind of
  value (payout account, shipping address, e-mail, phone...), how many such identities. Never
  the value, never the other identity's id, never its company.

Every read is by index from the identity's links (``ports.CrossMemberReads``), so a summary
costs the identity's own rows however large the store. It neither decides who may see it nor
audits: the caller does both (``identity_views`` for ``GET /v1/identities/{id}``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final

from fauxhire.domain.levels import ESTIMATIVE_TERMS
from fauxhire.ports import AppliedApplication
from fauxhire.ports.hub import CrossMemberReads

# The levels a shared value counts at: "likely" and every term above it.
FLAGGED_LEVELS: Final = ESTIMATIVE_TERMS[ESTIMATIVE_TERMS.index("likely") :]
# How a kind of shared value is said in a sentence; a kind not here is said as it is named.
_SAID: Final = {
    "payout_account": "payout account",
    "shipping_address": "shipping address",
    "email": "e-mail address",
    "phone": "phone number",
    "address": "postal address",
    "ip": "IP address",
    "linkedin": "LinkedIn profile",
    "github": "GitHub profile",
}


@dataclass(frozen=True, slots=True)
class ReportsElsewhere:
    """Employer reports about the identity that other members filed."""

    count: int
    dispositions: dict[str, int]  # confirmed_fraud | suspected | cleared: how many
    named_reporters: list[str]  # display names of the reporters that opted in to be named


@dataclass(frozen=True, slots=True)
class SharedInfrastructure:
    kind: str  # payout_account, shipping_address, email, phone, ...
    flagged_identities: int  # other identities at "likely" or above holding a value of it


@dataclass(frozen=True, slots=True)
class CrossMemberSummary:
    companies: int  # other member companies applied at
    applications: int  # applications at them
    months: int | None  # calendar months from the first of them to the last; None: none
    last_applied_days_ago: int | None  # days from the last of them to ``now``
    named_companies: list[str]  # display names of those companies that opted in to be named
    reports: ReportsElsewhere
    shared_with_flagged: list[SharedInfrastructure]  # by kind
    facts: list[str] = field(default_factory=list)  # the same, in sentences


def cross_member_summary(
    store: CrossMemberReads,
    identity_id: str,
    member: str,
    *,
    now: datetime,
    applications: Sequence[AppliedApplication] | None = None,
) -> CrossMemberSummary:
    """What ``member`` may be told of ``identity_id`` from the other members. ``applications``
    is the identity's as ``store.identity_applications`` gives them, when the caller has read
    them already."""
    held = store.identity_applications(identity_id) if applications is None else applications
    others = [a for a in held if a.company_id != member]
    companies = {a.company_id for a in others}
    filed = [r for r in store.reports_about(identity_id) if r.reporting_company_id != member]
    names = store.members_named(sorted(companies | {r.reporting_company_id for r in filed}))
    shared = Counter(h.kind for h in store.shared_with_flagged(identity_id, FLAGGED_LEVELS))
    summary = CrossMemberSummary(
        companies=len(companies),
        applications=len(others),
        months=months_spanned([a.applied_at for a in others]),
        last_applied_days_ago=(now - max(a.applied_at for a in others)).days if others else None,
        named_companies=_named(names, companies),
        reports=ReportsElsewhere(
            count=len(filed),
            dispositions=dict(sorted(Counter(r.disposition for r in filed).items())),
            named_reporters=_named(names, {r.reporting_company_id for r in filed}),
        ),
        shared_with_flagged=[SharedInfrastructure(k, n) for k, n in sorted(shared.items())],
    )
    return _with_facts(summary)


def months_spanned(dates: Sequence[datetime]) -> int | None:
    """The calendar months from the first date to the last, both counted (March to May: 3)."""
    if not dates:
        return None
    first, last = min(dates), max(dates)
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _named(names: dict[str, str], companies: set[str]) -> list[str]:
    """The display names of those of ``companies`` that opted in to be named."""
    return sorted({names[c] for c in companies if c in names})


def _with_facts(summary: CrossMemberSummary) -> CrossMemberSummary:
    facts = []
    if summary.companies:
        where = _count(summary.companies, "other member company", "other member companies")
        facts.append(f"applied at {where} in {_count(summary.months or 0, 'month')}")
    if summary.reports.count:
        said = ", ".join(
            f"{n} {d.replace('_', ' ')}" for d, n in summary.reports.dispositions.items()
        )
        facts.append(f"{_count(summary.reports.count, 'employer report')} elsewhere ({said})")
    for shared in summary.shared_with_flagged:
        kind = _SAID.get(shared.kind, shared.kind.replace("_", " "))
        who = _count(shared.flagged_identities, "flagged identity", "flagged identities")
        article = "an" if kind[:1] in "aeiou" else "a"
        facts.append(f"shares {article} {kind} with {who}")
    return replace(summary, facts=facts)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"

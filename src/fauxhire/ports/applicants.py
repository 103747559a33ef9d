"""The ports of a screen's plain-Python assessment (issue 17): an identity's applications and
contact details read by index, and whether its stored assessment saw all else it holds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple, Protocol


class ApplicantRows(NamedTuple):
    """An identity that is only an applicant, as stored (``ScopedFactReader.applicant_rows``):
    its applications (app_key, company_id, applied_at as text, claimed_location) and their
    e-mails, phones and addresses (app_key, kind, key)."""

    applications: list[tuple[str, str | None, str | None, str | None]]
    contacts: list[tuple[str, str, str]]


class SinceAssessed(NamedTuple):
    """An identity whose stored assessment saw all it holds but a screen's applications
    (``ApplicantReader.rows_since_assessed``): its rows, and its network's members (itself
    among them; itself alone where it is in none)."""

    rows: ApplicantRows
    network_id: str | None
    members: list[str]
    changed: list[str]  # members assessed again after it (screened since)
    borrowed: tuple[str, ...] = ()  # identities a borrowed-identity edge ties it to


class ApplicantReader(Protocol):
    """What the plain-Python assessment of an applicant reads (``assess/applicant.py``)."""

    def applicant_rows(self, identity_id: str) -> ApplicantRows | None:
        """The identity's applications and contact details, or None where it is more than an
        applicant: in a network, tied to a borrowed identity, referring anyone, or with a
        meeting, hire, employer report or analyst's disposition on any of its applications."""
        ...

    def rows_since_assessed(
        self, identity_id: str, new: Sequence[str], namesakes: int, now: datetime
    ) -> SinceAssessed | None:
        """The identity's applications and contact details, and its network's members, where
        the stored assessments of it and of each member saw all they hold but the
        applications ``new`` (keys), and those are applications alone. None where:
        - it or a member has no stored assessment;
        - a link of theirs other than ``new``'s came after their own assessment, or a
          meeting, hire, sign-in, employer report or disposition of theirs after their own
          or the identity's;
        - a record of another kind names one of ``new``;
        - it is tied to a borrowed identity, or an application of it says a name referred it
          that fewer than ``namesakes`` identities hold, another among them (the detectors
          read those from the others' evidence now);
        - IP intelligence or a partner indicator came, or an indicator expired (by ``now``),
          after the oldest of their assessments;
        - the store keeps no times to tell."""
        ...

    def partner_observables(
        self, emails: Sequence[str], digests: Sequence[str]
    ) -> list[tuple[str, str | None, str | None, str, str]]:
        """The partner indicators' observables (stix_id, valid_until, confidence, path, value)
        that give one of these e-mails (compared in lower case) or keyed hashes."""
        ...

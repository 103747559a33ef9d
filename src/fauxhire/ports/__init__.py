"""The store as the use cases see it: protocols named by use, and the rows they carry.

A service asks for the narrowest port it needs (linking reads ``LinkingInputs``, assessment
``FactReader``, every stage writes through ``OutcomeWriter``), so the same use case runs on
the SQL store (``store/sql.py``: SQLite and PostgreSQL) and on the in-memory one
(``store/memory.py``), and one contract suite (``tests/contract/test_store_port.py``) holds
both to the same behaviour. This module is pure (no database library): it sits below the
adapters that implement it and above the core, so ``store`` imports it and never the reverse.

Frames stay polars frames: linking and assessment work on whole columns, and a port that
handed out objects row by row would cost more than the work. The frames' columns are those of
``store/frames.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Literal, NamedTuple, Protocol

import polars as pl

from fauxhire.domain import Record
from fauxhire.domain.outcomes import Assessment, LinkEdge
from fauxhire.domain.outcomes import AuditEntry as AuditEntry
from fauxhire.domain.outcomes import AuditEvent as AuditEvent  # the port's rows, re-exported
from fauxhire.domain.outcomes import Link as Link
from fauxhire.ports.applicants import ApplicantReader as ApplicantReader
from fauxhire.ports.applicants import ApplicantRows as ApplicantRows
from fauxhire.ports.applicants import SinceAssessed as SinceAssessed

# What linking reads whole (``LinkingInputs.linking_frame``).
LinkingFrame = Literal[
    "applications", "applicant_values", "hires", "meetings", "signins", "links", "ip_ranges"
]
# What assessment reads (``FactReader.fact_frame``): the linked records, and the current
# dispositions.
FactFrame = Literal[
    "applications",
    "contacts",
    "meetings",
    "signins",
    "hires",
    "buildings",
    "reports",
    "observables",
    "ip_ranges",
    "edges",
    "borrowed",
    "dispositions",
]


class AssessmentRow(NamedTuple):
    subject_kind: str  # identity | network
    subject_id: str
    network_id: str | None
    probability: float
    level: str
    evidence: list[dict[str, Any]] | str  # its JSON text (domain.evidence), when built in bulk
    ruleset_version: str | None = None
    ruleset_hash: str | None = None


class LinkRun(NamedTuple):
    run_id: int
    mode: str  # full | incremental
    model: dict[str, Any]
    summary: dict[str, Any]


class Edge(NamedTuple):
    """A link that holds an identity or a network together, with its evidence."""

    stage: str  # identity | network | borrowed (two identities split as a borrowed identity)
    a: str
    b: str
    group_id: str
    score: float
    probability: float | None
    evidence: list[dict[str, Any]] | str  # its JSON text, when built in bulk


class Judgement(NamedTuple):
    kind: str  # together | apart | network_apart; a and b: application keys (for
    # network_apart, one application of each identity: it follows the identity across ids)
    a: str
    b: str
    analyst: str
    reason: str
    created_at: datetime


class OutcomeReader(Protocol):
    """The stages' outcomes as they stand: links, edges, assessments, the last link run."""

    def links(self, identity_id: str | None = None) -> list[Link]:
        """Every application's link, or only ``identity_id``'s (by index, not by a scan)."""
        ...

    def edges(
        self, stage: str, group_id: str, touching: str | None = None
    ) -> Sequence[LinkEdge[Any]]:
        """The edges of ``stage`` holding ``group_id`` together, strongest first; with
        ``touching``, only those with that end (an application's key, an identity's id)."""
        ...

    def assessments(
        self,
        subject_kind: str | None = None,
        subject_id: str | None = None,
        *,
        subject_ids: Sequence[str] | None = None,
    ) -> list[Assessment]:
        """Every assessment, or those of one kind of subject, or of one subject (by key), or
        of the subjects ``subject_ids`` (by key, in one read)."""
        ...

    def latest_link_run(self) -> LinkRun | None: ...


class AppliedApplication(NamedTuple):
    """An identity's application as a reader of that identity is shown it."""

    key: str  # its stored key: what the audit trail's records name
    company_id: str
    application_id: str
    applied_at: datetime


class IdentityApplications(Protocol):
    """The applications one identity holds, with when each was made."""

    def identity_applications(self, identity_id: str) -> list[AppliedApplication]:
        """Its applications, oldest first (by index, not by a scan); none for an unknown id."""
        ...


class LinkingInputs(Protocol):
    """What a full linking run reads: whole frames, and the analysts' judgements."""

    def linking_frame(self, name: LinkingFrame) -> pl.DataFrame: ...

    def judgements(self) -> list[Judgement]: ...


class BatchInputs(LinkingInputs, OutcomeReader, Protocol):
    """What `link --new` reads: the last run, and only the few records a batch touches."""

    def applications_after(self, rec: int) -> pl.DataFrame: ...

    def applications_by_rec(self, recs: Sequence[int]) -> pl.DataFrame: ...

    def values_of(self, recs: Sequence[int]) -> pl.DataFrame: ...

    def holders_of_values(self, values: pl.DataFrame) -> pl.DataFrame: ...

    def value_counts(self, values: pl.DataFrame) -> pl.DataFrame: ...

    def name_counts(self, name_keys: Sequence[str]) -> pl.DataFrame: ...

    def holders_of_names(self, name_keys: Sequence[str]) -> pl.DataFrame:
        """rec, name_key, key (the application's natural key) of every application under
        any of these name keys."""
        ...

    def links_of(self, recs: Sequence[int]) -> pl.DataFrame: ...

    def links_of_keys(self, keys: Sequence[str]) -> dict[str, str]: ...

    def identity_sizes(self, identity_ids: Sequence[str]) -> dict[str, int]: ...

    def borrowed_pairs(self, identity_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(a, b): pairs of these identities split apart as a possibly borrowed identity."""
        ...


class FactReader(Protocol):
    """What the assessment reads: the linked records, each row tied to its identity."""

    def fact_frame(self, name: FactFrame) -> pl.DataFrame: ...


class ScopedFactReader(FactReader, Protocol):
    """The assessment's frames for a few identities (a screen's), read by index."""

    def assessment_scope(self, identities: Sequence[str], namesakes: int) -> list[str]:
        """``identities`` and every identity their assessment reads (network members,
        borrowed-identity partners, and up to ``namesakes`` holders of each name their
        applications, or those of the others, say referred them), sorted."""
        ...

    def scoped_fact_frame(self, name: FactFrame, identities: Sequence[str]) -> pl.DataFrame:
        """``fact_frame(name)`` with only the rows of ``identities`` (the edges touching
        them); the frames of the store's context (observables, ip_ranges) whole."""
        ...


# What a stage rewrote wholesale: the records (a bulk ingest), the links, the assessments.
Written = Literal["records", "links", "assessments"]


class OutcomeWriter(Protocol):
    """Writes a stage's outcomes. Inside ``unit_of_work()`` every write commits together or
    not at all, so a reader sees the previous outcome or the whole new one, never a mix."""

    def unit_of_work(self) -> AbstractContextManager[None]: ...

    def refresh_statistics(self, written: Written) -> None:
        """After the unit of work that rewrote them: the database's planner statistics of
        those tables brought up to date (where it keeps any)."""
        ...

    def replace_links(self, links: Iterable[Link], *, now: datetime) -> int: ...

    def replace_edges(self, stage: str, edges: Iterable[Edge]) -> int: ...

    # The same two as frames, for a full run's million rows: company_id, application_id,
    # identity_id, network_id; and a, b, group_id, score, probability, evidence (JSON text).
    def replace_link_frame(self, links: pl.DataFrame, *, now: datetime) -> int: ...

    def replace_edge_frame(self, stage: str, edges: pl.DataFrame) -> int: ...

    def add_links(
        self,
        links: Iterable[tuple[str, str, str | None]],
        merged: dict[str, tuple[str, str | None]],
        edges: Iterable[Edge],
        *,
        now: datetime,
    ) -> int: ...

    def save_link_run(
        self,
        *,
        mode: str,
        spec: dict[str, Any],
        model: dict[str, Any],
        summary: dict[str, Any],
        now: datetime,
    ) -> int: ...

    def replace_assessments(self, rows: Iterable[AssessmentRow], *, now: datetime) -> int: ...

    def upsert_assessments(self, rows: Sequence[AssessmentRow], *, now: datetime) -> int:
        """Replace the assessments of the subjects ``rows`` name, and only theirs."""
        ...


class RecordWriter(Protocol):
    """Writes ingested records; the number of them the store now holds as given. A record
    whose key is stored with other content is not stored (the first version stands)."""

    def write_records(self, records: Sequence[Record], *, now: datetime) -> int: ...


class AuditLog(Protocol):
    """Appends audit events and reads them back in the order they were appended."""

    def append_audit(self, event: AuditEvent) -> int: ...

    def audit_events(self, subject: str | None = None) -> list[AuditEvent]: ...

    def audit_trail(
        self, subject: str | None = None, *, after: int = 0, limit: int | None = None
    ) -> list[AuditEntry]:
        """The entries with an id above ``after``, oldest first, at most ``limit`` of them,
        with their ids and hashes (``append_audit`` chains each to the one before)."""
        ...


class ApiKey(NamedTuple):
    """An API key as stored: its public id and the hash of its secret, never the secret."""

    key_id: str  # public: "fk_" and 12 random characters; the token's part before the dot
    secret_hash: str  # hex sha256 of the secret (services/keys.py says why sha256 suffices)
    name: str
    role: str  # admin | analyst | member_analyst | recruiter | partner
    member: str | None  # the member company a member role is scoped to; None for hub roles
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    created_by: str


class ApiKeys(Protocol):
    """The API keys: created, listed, found by id, revoked; never deleted, so the audit
    trail's key ids keep meaning something."""

    def add_api_key(self, key: ApiKey) -> None:
        """Store a new key; a key id already held is a ``StoreError``."""
        ...

    def api_keys(self) -> list[ApiKey]:
        """Every key, revoked and expired ones too, oldest first."""
        ...

    def api_key(self, key_id: str) -> ApiKey | None: ...

    def revoke_api_key(self, key_id: str, *, at: datetime) -> ApiKey | None:
        """The key, revoked at ``at`` unless it was already (the first revocation stands);
        None when no key has that id."""
        ...


class KeyAdmin(ApiKeys, AuditLog, Protocol):
    """What the key use cases are given: the keys, and the audit trail their changes are
    appended to in the same unit of work."""

    def unit_of_work(self) -> AbstractContextManager[None]: ...


class Erased(NamedTuple):
    """What an erasure or a retention batch removed (or, in a preview, would remove)."""

    counts: dict[str, int]  # table -> rows deleted
    records: dict[str, tuple[str, ...]]  # record table -> the natural keys of those deleted
    # What ingest must not take in again, as (kind, value): the e-mails and phones the erased
    # applicants held, their application and candidate keys (domain.erasure.TombstoneKind).
    erased_values: tuple[tuple[str, str], ...]


class ErasureStore(AuditLog, Protocol):
    """What erasure and retention are given: the records to find and delete, the tombstones,
    and the audit trail their event goes to, in one unit of work."""

    def unit_of_work(self) -> AbstractContextManager[None]: ...

    def applications_selected(self, kind: str, values: Sequence[str]) -> list[str]:
        """The keys of the applications an erasure selector names (domain.erasure)."""
        ...

    def erase_records(
        self,
        applications: Sequence[str],
        *,
        emails: Sequence[str] = (),
        thorough: bool,
        refused: str,
    ) -> Erased:
        """Delete the applications and everything that holds their applicant's data, and the
        outputs that cite them; with ``emails``, also the records that hold those e-mails
        unjoined. ``thorough`` also searches quarantine excerpts and report subjects (a scan,
        for one person's erasure; retention's batches skip it). The ATS webhook deliveries
        that screened the applications are kept without them, marked ``refused`` with the
        reason given (so a replay stays a duplicate); their write-backs are deleted."""
        ...

    def expired_applications(self, before: datetime, *, hold_before: datetime | None) -> list[str]:
        """The keys of applications made before ``before``, in key order; those of identities
        with confirmed fraud only when made before ``hold_before`` (None: held until erased
        on request)."""
        ...

    def erase_expired_observations(
        self, before: datetime, *, hold_before: datetime | None
    ) -> dict[str, int]:
        """Delete the meeting joins and sign-ins observed before ``before``; counts by table."""
        ...

    def add_tombstones(self, digests: Sequence[tuple[str, str]], *, at: datetime) -> int:
        """Store (kind, digest) pairs not yet held; how many were new."""
        ...

    def tombstone_digests(self) -> frozenset[str]: ...


class LinkingStore(BatchInputs, OutcomeWriter, Protocol):
    """What the linking use cases (full and incremental) are given."""


class AssessingStore(FactReader, OutcomeWriter, Protocol):
    """What the assessment use case is given."""


class ScopedAssessingStore(
    ScopedFactReader, ApplicantReader, OutcomeReader, OutcomeWriter, Protocol
):
    """What the assessment of a few identities is given: their frames, their stored
    assessments (what store-wide indicators said of them), and where to write theirs."""

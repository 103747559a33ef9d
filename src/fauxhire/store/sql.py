"""The store port (``fauxhire.ports``) over SQL, SQLite or PostgreSQL: today's queries
(``frames``, ``subsets``, ``outputs``, ``judgements``, ``dispositions``, ``audit``,
``api_keys``, ``members``, ``webhooks``) behind the
protocols the use cases name. ``SqlStore.open`` opens it as ``Store.open`` does."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import polars as pl

from fauxhire.domain import Record
from fauxhire.domain.outcomes import Assessment, LinkEdge
from fauxhire.domain.quarantine import Quarantined
from fauxhire.ports import (
    ApiKey,
    ApplicantRows,
    AppliedApplication,
    AssessmentRow,
    AuditEntry,
    AuditEvent,
    Edge,
    Erased,
    FactFrame,
    Judgement,
    Link,
    LinkingFrame,
    LinkRun,
    SinceAssessed,
)
from fauxhire.ports.hub import (
    Delivery,
    FiledReport,
    Member,
    OutboxItem,
    SharedHolder,
    WebhookSecret,
    WebhookTarget,
)
from fauxhire.ports.review import QueueFilter, QueueRow
from fauxhire.store import (
    api_keys,
    applicants,
    audit,
    erasure,
    erasure_outputs,
    outputs,
    review_queue,
    since_assessed,
    subsets,
    webhooks,
)
from fauxhire.store import members as registry
from fauxhire.store.dispositions import current_dispositions
from fauxhire.store.frames import read_fact_frame, read_frame
from fauxhire.store.judgements import read_judgements
from fauxhire.store.scoped_facts import assessment_scope, read_scoped_fact_frame
from fauxhire.store.store import Store
from fauxhire.store.writer import FileProgress


class SqlStore(Store):
    """Every port of ``fauxhire.ports`` on one SQL store."""

    # -- LinkingInputs, BatchInputs ---------------------------------------------------------

    def linking_frame(self, name: LinkingFrame) -> pl.DataFrame:
        return read_frame(self, name)

    def judgements(self) -> list[Judgement]:
        return read_judgements(self)

    def applications_after(self, rec: int) -> pl.DataFrame:
        return subsets.applications_after(self, rec)

    def applications_by_rec(self, recs: Sequence[int]) -> pl.DataFrame:
        return subsets.applications_by_rec(self, recs)

    def values_of(self, recs: Sequence[int]) -> pl.DataFrame:
        return subsets.values_of(self, recs)

    def holders_of_values(self, values: pl.DataFrame) -> pl.DataFrame:
        return subsets.holders_of_values(self, values)

    def value_counts(self, values: pl.DataFrame) -> pl.DataFrame:
        return subsets.value_counts(self, values)

    def name_counts(self, name_keys: Sequence[str]) -> pl.DataFrame:
        return subsets.name_counts(self, name_keys)

    def holders_of_names(self, name_keys: Sequence[str]) -> pl.DataFrame:
        return subsets.holders_of_names(self, name_keys)

    def links_of(self, recs: Sequence[int]) -> pl.DataFrame:
        return subsets.links_of(self, recs)

    def links_of_keys(self, keys: Sequence[str]) -> dict[str, str]:
        return subsets.links_of_keys(self, keys)

    def identity_sizes(self, identity_ids: Sequence[str]) -> dict[str, int]:
        return subsets.identity_sizes(self, identity_ids)

    def borrowed_pairs(self, identity_ids: Sequence[str]) -> list[tuple[str, str]]:
        return subsets.borrowed_pairs(self, identity_ids)

    # -- OutcomeReader ----------------------------------------------------------------------

    def links(self, identity_id: str | None = None) -> list[Link]:
        return outputs.read_links(self, identity_id)

    def identity_applications(self, identity_id: str) -> list[AppliedApplication]:
        return outputs.read_identity_applications(self, identity_id)

    def edges(
        self, stage: str, group_id: str, touching: str | None = None
    ) -> Sequence[LinkEdge[Any]]:
        found = outputs.read_stage_edges(self, stage, group_id, touching)
        return [outputs.typed_edge(e) for e in found]

    def assessments(
        self,
        subject_kind: str | None = None,
        subject_id: str | None = None,
        *,
        subject_ids: Sequence[str] | None = None,
    ) -> list[Assessment]:
        return outputs.read_assessments(self, subject_kind, subject_id, subject_ids=subject_ids)

    def latest_link_run(self) -> LinkRun | None:
        return outputs.latest_link_run(self)

    # -- FactReader -------------------------------------------------------------------------

    def fact_frame(self, name: FactFrame) -> pl.DataFrame:
        if name == "dispositions":
            return current_dispositions(self)
        return read_fact_frame(self, name)

    def assessment_scope(self, identities: Sequence[str], namesakes: int) -> list[str]:
        return assessment_scope(self, identities, namesakes)

    def scoped_fact_frame(self, name: FactFrame, identities: Sequence[str]) -> pl.DataFrame:
        if name == "dispositions":
            carried = current_dispositions(self)
            return carried.filter(pl.col("identity_id").is_in(list(identities)))
        return read_scoped_fact_frame(self, name, identities)

    def applicant_rows(self, identity_id: str) -> ApplicantRows | None:
        return applicants.applicant_rows(self, identity_id)

    def rows_since_assessed(
        self, identity_id: str, new: Sequence[str], namesakes: int, now: datetime
    ) -> SinceAssessed | None:
        return since_assessed.rows_since_assessed(self, identity_id, new, namesakes, now)

    def partner_observables(
        self, emails: Sequence[str], digests: Sequence[str]
    ) -> list[tuple[str, str | None, str | None, str, str]]:
        return applicants.partner_observables(self, emails, digests)

    # -- OutcomeWriter (unit_of_work is the Store's) ----------------------------------------

    def replace_links(self, links: Iterable[Link], *, now: datetime) -> int:
        return outputs.replace_links(self, links, now=now)

    def replace_edges(self, stage: str, edges: Iterable[Edge]) -> int:
        return outputs.replace_edges(self, stage, edges)

    def replace_link_frame(self, links: pl.DataFrame, *, now: datetime) -> int:
        return outputs.replace_link_frame(self, links, now=now)

    def replace_edge_frame(self, stage: str, edges: pl.DataFrame) -> int:
        return outputs.replace_edge_frame(self, stage, edges)

    def add_links(
        self,
        links: Iterable[tuple[str, str, str | None]],
        merged: dict[str, tuple[str, str | None]],
        edges: Iterable[Edge],
        *,
        now: datetime,
    ) -> int:
        return subsets.add_links(self, links, merged, edges, now=now)

    def save_link_run(
        self,
        *,
        mode: str,
        spec: dict[str, Any],
        model: dict[str, Any],
        summary: dict[str, Any],
        now: datetime,
    ) -> int:
        return outputs.save_link_run(
            self, mode=mode, spec=spec, model=model, summary=summary, now=now
        )

    def replace_assessments(self, rows: Iterable[AssessmentRow], *, now: datetime) -> int:
        return outputs.replace_assessments(self, rows, now=now)

    def upsert_assessments(self, rows: Sequence[AssessmentRow], *, now: datetime) -> int:
        return outputs.upsert_assessments(self, rows, now=now)

    # -- RecordWriter -----------------------------------------------------------------------

    def write_records(self, records: Sequence[Record], *, now: datetime) -> int:
        """Records not read from a file (an API's, a test's), stored as one file's would be,
        under an ingest named by their content, in one transaction. The number the store now holds
        as given: one whose key is stored with other content is quarantined."""
        preparer = self.preparer()
        prepared = [preparer.prepare(record) for record in records]
        stored = [p for p in prepared if not isinstance(p, Quarantined)]
        digest = hashlib.sha256(repr([p.key for p in stored]).encode()).hexdigest()
        state = self.begin_file(
            fmt="records", company_id=None, sha256=digest, size=len(records),
            display="records written through the port", now=now,
        )  # fmt: skip
        done = FileProgress(state.file_id, len(records), len(stored), 0, "done")
        rows = [(state.file_id, p) for p in stored]
        moved = self.write_batch(self.chunk_writer(), now=now, records=rows, files=[done])
        return len(rows) - sum(moved.values())

    # -- AuditLog ---------------------------------------------------------------------------

    def append_audit(self, event: AuditEvent) -> int:
        return audit.append_audit(self, event)

    def audit_events(self, subject: str | None = None) -> list[AuditEvent]:
        return audit.audit_events(self, subject)

    def audit_trail(
        self, subject: str | None = None, *, after: int = 0, limit: int | None = None
    ) -> list[AuditEntry]:
        return audit.audit_trail(self, subject, after=after, limit=limit)

    # -- ApiKeys ----------------------------------------------------------------------------

    def add_api_key(self, key: ApiKey) -> None:
        api_keys.add_api_key(self, key)

    def api_keys(self) -> list[ApiKey]:
        return api_keys.api_keys(self)

    def api_key(self, key_id: str) -> ApiKey | None:
        found = api_keys.api_keys(self, key_id)
        return found[0] if found else None

    def revoke_api_key(self, key_id: str, *, at: datetime) -> ApiKey | None:
        return api_keys.revoke_api_key(self, key_id, at=at)

    # -- Members, CrossMemberReads ------------------------------------------------------------

    def save_member(self, member: Member) -> None:
        registry.save_member(self, member)

    def members(self) -> list[Member]:
        return registry.members(self)

    def member(self, member_id: str) -> Member | None:
        found = registry.members(self, member_id)
        return found[0] if found else None

    def members_named(self, member_ids: Sequence[str]) -> dict[str, str]:
        return registry.members_named(self, member_ids)

    def reports_about(self, identity_id: str) -> list[FiledReport]:
        return registry.reports_about(self, identity_id)

    def shared_with_flagged(self, identity_id: str, levels: Sequence[str]) -> list[SharedHolder]:
        return registry.shared_with_flagged(self, identity_id, levels)

    # -- ReviewQueue --------------------------------------------------------------------------

    def review_queue(self, given: QueueFilter, *, limit: int, offset: int) -> list[QueueRow]:
        return review_queue.review_queue(self, given, limit=limit, offset=offset)

    def latest_acts(self, actor: str, action: str, subjects: Sequence[str]) -> dict[str, datetime]:
        return review_queue.latest_acts(self, actor, action, subjects)

    # -- Webhooks ---------------------------------------------------------------------------

    def add_webhook_secret(self, secret: WebhookSecret) -> None:
        webhooks.add_secret(self, secret)

    def webhook_secrets(self, member: str | None = None) -> list[WebhookSecret]:
        return webhooks.secrets(self, member)

    def expire_webhook_secrets(self, member: str, vendor: str, *, at: datetime) -> int:
        return webhooks.expire_secrets(self, member, vendor, at=at)

    def remove_webhook(self, member: str, vendor: str) -> int:
        return webhooks.remove(self, member, vendor)

    def set_webhook_target(self, target: WebhookTarget) -> None:
        webhooks.set_target(self, target)

    def webhook_target(self, member: str, vendor: str) -> WebhookTarget | None:
        return webhooks.target(self, member, vendor)

    def webhook_delivery(self, member: str, vendor: str, body_sha256: str) -> Delivery | None:
        return webhooks.delivery(self, member, vendor, body_sha256)

    def add_webhook_delivery(self, delivery: Delivery) -> bool:
        return webhooks.add_delivery(self, delivery)

    def add_outbox(self, item: OutboxItem) -> bool:
        return webhooks.add_outbox(self, item)

    def outbox(self, *, pending: bool = False) -> list[OutboxItem]:
        return webhooks.outbox(self, pending=pending)

    def claim_outbox(self, outbox_id: int, *, now: datetime, until: datetime) -> bool:
        return webhooks.claim(self, outbox_id, now=now, until=until)

    def finish_outbox(self, outbox_id: int, *, sent_at: datetime | None, error: str | None) -> None:
        webhooks.finish(self, outbox_id, sent_at=sent_at, error=error)

    # -- ErasureStore -----------------------------------------------------------------------

    def applications_selected(self, kind: str, values: Sequence[str]) -> list[str]:
        return erasure.applications_selected(self, kind, values)

    def erase_records(
        self,
        applications: Sequence[str],
        *,
        emails: Sequence[str] = (),
        thorough: bool,
        refused: str,
    ) -> Erased:
        return erasure.erase_records(
            self, applications, emails=emails, thorough=thorough, refused=refused
        )

    def expired_applications(self, before: datetime, *, hold_before: datetime | None) -> list[str]:
        return erasure.expired_applications(self, before, hold_before=hold_before)

    def erase_expired_observations(
        self, before: datetime, *, hold_before: datetime | None
    ) -> dict[str, int]:
        return erasure.erase_expired_observations(self, before, hold_before=hold_before)

    def add_tombstones(self, digests: Sequence[tuple[str, str]], *, at: datetime) -> int:
        return erasure_outputs.add_tombstones(self, digests, at=at)

    def tombstone_digests(self) -> frozenset[str]:
        return erasure_outputs.tombstone_digests(self)

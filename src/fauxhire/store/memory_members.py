"""The members registry and the cross-member reads (``ports.Members``,
``ports.CrossMemberReads``) for ``MemoryStore``, over its tables' rows: the same answers as
``store/members.py`` gives on SQL. As the rest of the memory store, it holds no join stage,
so no employer report is matched to an application here and ``reports_about`` finds none."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from fauxhire.ports import AssessmentRow
from fauxhire.ports.hub import FiledReport, Member, SharedHolder
from fauxhire.store.members import HIRE_INFRASTRUCTURE, NOT_INFRASTRUCTURE

Row = dict[str, Any]


class MemoryMembers:
    """Mixed into ``MemoryStore``, whose state holds the rows (``rows``, by SQL table) and the
    assessments, and whose ``_writing`` gives a unit of work's copy of that state."""

    _state: Any
    _writing: Callable[[], AbstractContextManager[Any]]

    def save_member(self, member: Member) -> None:
        with self._writing() as state:
            kept = [r for r in state.rows.get("members", []) if r["member_id"] != member.member_id]
            state.rows["members"] = [*kept, member._asdict()]

    def members(self) -> list[Member]:
        rows = sorted(self._state.rows.get("members", []), key=lambda r: r["member_id"])
        return [Member(**row) for row in rows]

    def member(self, member_id: str) -> Member | None:
        return next((m for m in self.members() if m.member_id == member_id), None)

    def members_named(self, member_ids: Sequence[str]) -> dict[str, str]:
        wanted = set(member_ids)
        return {m.member_id: m.name for m in self.members() if m.named and m.member_id in wanted}

    def reports_about(self, identity_id: str) -> list[FiledReport]:
        mine = {r["app_key"] for r in self._rows("links") if r["identity_id"] == identity_id}
        keys = {m["report_key"] for m in self._rows("report_matches") if m["app_key"] in mine}
        found = [r for r in self._rows("employer_reports") if r["key"] in keys]
        return sorted(
            FiledReport(r["key"], r["reporting_company_id"], r["disposition"]) for r in found
        )

    def shared_with_flagged(self, identity_id: str, levels: Sequence[str]) -> list[SharedHolder]:
        flagged = {
            a.subject_id
            for a in self._state.assessments
            if isinstance(a, AssessmentRow) and a.subject_kind == "identity" and a.level in levels
        } - {identity_id}
        held = self._holdings()
        mine = {(kind, value) for who, kind, value in held if who == identity_id}
        return sorted(
            {
                SharedHolder(kind, who)
                for who, kind, value in held
                if who in flagged and (kind, value) in mine
            }
        )

    def _holdings(self) -> list[tuple[str, str, str]]:
        """(identity, kind, value) for every linked application's values and hire's accounts."""
        linked = {r["app_key"]: r["identity_id"] for r in self._rows("links")}
        apps = [(a, linked[a["key"]]) for a in self._rows("applications") if a["key"] in linked]
        by_id = {a["id"]: who for a, who in apps}
        by_candidate: dict[tuple[str, str], set[str]] = {}
        for a, who in apps:
            by_candidate.setdefault((a["company_id"], a["candidate_id"]), set()).add(who)
        held = [
            (by_id[v["app_ref"]], v["kind"], v["key"])
            for v in self._rows("applicant_values")
            if v["app_ref"] in by_id and v["kind"] not in NOT_INFRASTRUCTURE
        ]
        for hire in self._rows("hires"):
            hired = by_candidate.get((hire["company_id"], hire["candidate_id"]), set())
            for kind, column in HIRE_INFRASTRUCTURE.items():
                if hire[column] is not None:
                    held += [(who, kind, hire[column]) for who in hired]
        return held

    def _rows(self, table: str) -> list[Row]:
        rows: list[Row] = self._state.rows.get(table, [])
        return rows

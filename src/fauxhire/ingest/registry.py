"""The format registry: one entry per input format, holding its adapter, how its items are
recognised, its place in an input folder (docs/formats.md section 1) and what produces it.
The services, the CLI, format detection (sniff.py) and the README's format table read it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from fauxhire.errors import ConfigError
from fauxhire.ingest.base import Adapter, PartParser, PartReader
from fauxhire.ingest.recognise import Recogniser, keys, stix_object


@dataclass(frozen=True, slots=True)
class Format:
    """One input format: everything the services, the CLI and the docs need to know of it.

    Adding a format that maps to existing records is its module (``iter_records``, or
    ``iter_parts`` and ``parse_part`` when streamed), one entry below and its test
    (docs/architecture.md)."""

    name: str
    module: str  # fauxhire.ingest.<module>
    per_company: bool  # the file belongs to one member company, named by file name or --company
    title: str  # what its files hold, as errors and help name it
    media: str  # "JSON", "JSON Lines" or "CSV"
    layout: tuple[str, ...]  # its globs inside an input folder (docs/formats.md section 1)
    # What recognises one of its items (recognise.py); none: a file format with no JSON items
    # to mistake for another's.
    recognised_by: tuple[Recogniser, ...] = ()
    produced_by: str = ""  # the vendor endpoint or export that writes it (README's table)
    line_oriented: bool = False  # one record a JSON line: large files may be parsed in parallel
    tables: tuple[str, ...] = ()  # where its records go, for bulk loads of much input
    # Read as a stream and cut into parts (its module's iter_parts), each parsed on its own
    # (parse_part): a worker hands back a part, where a whole file's items at once were
    # gigabytes for a 100,000-object STIX bundle. Its parsers (stix2, the pattern grammar)
    # make reference cycles, so the cyclic collector stays on.
    streamed: bool = False
    # CPU to parse a byte, against a JSON line's: how much input pays for worker processes.
    parse_cost: int = 1

    @property
    def description(self) -> str:
        return f"{self.title} ({self.media})"

    @property
    def suffix(self) -> str:
        """The file suffix of its files, for files found below a folder given to ``ingest``."""
        return PurePosixPath(self.layout[0]).suffix

    def recognises(self, item: Mapping[str, Any]) -> bool:
        return any(rule(item) for rule in self.recognised_by)

    @property
    def adapter(self) -> Adapter:
        adapter: Adapter = self._module().iter_records
        return adapter

    @property
    def part_reader(self) -> PartReader:
        reader: PartReader = self._module().iter_parts
        return reader

    @property
    def part_parser(self) -> PartParser:
        parser: PartParser = self._module().parse_part
        return parser

    def _module(self) -> Any:
        return importlib.import_module(f"fauxhire.ingest.{self.module}")


def _vendor(name: str) -> tuple[str, ...]:
    """A vendor format's place: ``<name>/<company_id>.json``, or any number of files in
    ``<name>/<company_id>/`` (an API's pages, a meeting or a call a file)."""
    return (f"{name}/*.json", f"{name}/*/*.json")


_APPLICANTS = ("applications", "applicant_values")

# In ingest order: companies first (adapters use their countries), applications before the
# observations that join to them. ``sniff.detect`` tries the recognisers in this order too.
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("companies", "companies", False, "the company directory", "CSV",
               ("companies.csv",)),
        Format("ipintel", "ipintel", False, "IP intelligence", "CSV", ("ipintel.csv",)),
        Format(
            "greenhouse", "greenhouse", True,
            "Greenhouse Harvest candidates or applications", "JSON", _vendor("greenhouse"),
            recognised_by=(
                keys(("applications",), ("first_name", "email_addresses")),
                keys(("current_stage", "jobs", "candidate_id")),  # a bare Harvest application
            ),
            produced_by="`GET /v1/candidates`, `/v1/candidates/{id}`; "
            "`GET /v1/applications`, `/v1/applications/{id}`",
            tables=_APPLICANTS,
        ),
        Format(
            "lever", "lever", True,
            "Lever opportunities or applications", "JSON", _vendor("lever"),
            recognised_by=(
                keys(("contact",), ("emails", "createdAt", "stage")),
                keys(("opportunityId", "posting")),  # a Lever application object
            ),
            produced_by="`GET /v1/opportunities`, `/v1/opportunities/{id}`, "
            "`/v1/opportunities/{id}/applications/{id}`",
            tables=_APPLICANTS,
        ),
        Format(
            "ashby", "ashby", True,
            "Ashby candidates or applications", "JSON", _vendor("ashby"),
            # camelCase keys no other vendor here uses
            recognised_by=(
                keys(some=("primaryEmailAddress", "applicationIds", "socialLinks",
                           "resumeFileHandle", "currentInterviewStage")),
            ),
            produced_by="`POST /candidate.info`, `/candidate.list`, `/application.info`, "
            "`/application.list`",
            tables=_APPLICANTS,
        ),
        Format(
            "applications", "canonical", False,
            "canonical applications", "JSON Lines", ("applications/*.jsonl",),
            recognised_by=(keys(("company_id", "application_id", "candidate_id")),),
            line_oriented=True, tables=_APPLICANTS,
        ),
        Format("hr", "hr", True, "onboarding and payroll facts for hires", "CSV",
               ("hr/*.csv",), tables=("hires",)),
        Format(
            "zoom", "zoom", True, "Zoom meeting participants", "JSON", _vendor("zoom"),
            recognised_by=(
                keys(("meeting_id", "participants")),
                keys(some=("participant_uuid",)),
                keys(("user_name", "join_time")),
                keys(("user_email", "join_time")),  # a participant of Zoom's meeting report
                keys(("name", "join_time", "leave_time")),
            ),
            produced_by="`GET /v2/metrics/meetings/{meetingId}/participants`, "
            "`GET /v2/report/meetings/{meetingId}/participants`",
            tables=("meeting_participants",),
        ),
        Format(
            "teams", "teams", True, "Microsoft Teams call records", "JSON", _vendor("teams"),
            # a callRecord with its sessions expanded
            recognised_by=(keys(("sessions",), ("organizer", "joinWebUrl", "modalities")),),
            produced_by="`GET /communications/callRecords/{id}?$expand=sessions($expand=segments)`",
            tables=("meeting_participants",),
        ),
        Format(
            "okta", "okta", True, "Okta System Log events", "JSON", _vendor("okta"),
            recognised_by=(keys(("eventType",), ("published", "actor")),),
            produced_by="`GET /api/v1/logs`",
            tables=("signin_events",),
        ),
        Format(
            "entra", "entra", True, "Microsoft Entra sign-in logs", "JSON", _vendor("entra"),
            recognised_by=(keys(("createdDateTime",), ("userPrincipalName", "appDisplayName")),),
            produced_by="`GET /auditLogs/signIns`",
            tables=("signin_events",),
        ),
        Format(
            "gworkspace", "gworkspace", True, "Google Workspace login audit activities", "JSON",
            _vendor("gworkspace"),
            recognised_by=(
                keys(("id", "events"), some=("actor", "ipAddress")),  # an activity
                keys(("kind", "items")),  # a Reports API page of them
            ),
            produced_by="`GET /admin/reports/v1/activity/users/all/applications/login`",
            tables=("signin_events",),
        ),
        Format(
            "reports", "reports", False, "first-hand employer reports", "JSON Lines",
            ("reports/*.jsonl",), line_oriented=True,
            tables=("employer_reports", "report_subject_values"),
        ),
        Format(
            "stix", "stix", False, "STIX 2.1 content", "JSON", ("intel/*.json",),
            recognised_by=(stix_object,),
            produced_by="a partner's or feed's export",
            streamed=True,
            parse_cost=16,  # 2 us a byte (1.1 ms an object), canonical JSON Lines 0.13 us
        ),
    )
}  # fmt: skip
ALIASES = {"canonical": "applications", "intel": "stix"}

# (format, glob inside the input folder), in ingest order.
FOLDER_LAYOUT: tuple[tuple[str, str], ...] = tuple(
    (f.name, glob) for f in FORMATS.values() for glob in f.layout
)


def get_format(name: str) -> Format:
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in FORMATS:
        known = ", ".join(FORMATS)
        raise ConfigError(f"unknown format {name!r}; known formats: {known}", format=name)
    return FORMATS[key]

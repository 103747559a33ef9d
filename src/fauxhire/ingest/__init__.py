"""Source formats: one module per format, each turning one file into domain records.

``FORMATS`` is the registry the services and the CLI use; ``FOLDER_LAYOUT`` is the order and
the place of each format in an input folder (docs/formats.md section 1). Order matters: companies
first (adapters use their countries), applications before the observations that join to them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from fauxhire.errors import ConfigError
from fauxhire.ingest.base import (
    Adapter,
    IngestContext,
    InputLimits,
    Item,
    PartParser,
    PartReader,
    Quarantined,
    SourceFile,
)


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    module: str
    per_company: bool  # the file belongs to one member company, named by file name or --company
    description: str
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


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("companies", "companies", False, "companies.csv: the company directory"),
        Format("ipintel", "ipintel", False, "ipintel.csv: IP intelligence"),
        Format(
            "greenhouse",
            "greenhouse",
            True,
            "Greenhouse Harvest candidates or applications (JSON)",
            tables=("applications", "applicant_values"),
        ),
        Format(
            "lever",
            "lever",
            True,
            "Lever opportunities or applications (JSON)",
            tables=("applications", "applicant_values"),
        ),
        Format(
            "ashby",
            "ashby",
            True,
            "Ashby candidates or applications (JSON)",
            tables=("applications", "applicant_values"),
        ),
        Format(
            "applications",
            "canonical",
            False,
            "canonical applications (JSON Lines)",
            line_oriented=True,
            tables=("applications", "applicant_values"),
        ),
        Format("hr", "hr", True, "onboarding and payroll facts for hires (CSV)", tables=("hires",)),
        Format(
            "zoom",
            "zoom",
            True,
            "Zoom meeting participants (JSON)",
            tables=("meeting_participants",),
        ),
        Format(
            "teams",
            "teams",
            True,
            "Microsoft Teams call records (JSON)",
            tables=("meeting_participants",),
        ),
        Format("okta", "okta", True, "Okta System Log events (JSON)", tables=("signin_events",)),
        Format(
            "entra", "entra", True, "Microsoft Entra sign-in logs (JSON)", tables=("signin_events",)
        ),
        Format(
            "reports",
            "reports",
            False,
            "first-hand employer reports (JSON Lines)",
            line_oriented=True,
            tables=("employer_reports", "report_subject_values"),
        ),
        Format(
            "stix",
            "stix",
            False,
            "STIX 2.1 bundles from partners",
            streamed=True,
            parse_cost=16,  # 2 us a byte (1.1 ms an object), canonical JSON Lines 0.13 us
        ),
    )
}
ALIASES = {"canonical": "applications", "intel": "stix"}

# (format, glob inside the input folder), in ingest order. A vendor format's files are
# <format>/<company_id>.json, or any number in <format>/<company_id>/ (an API's pages, a
# meeting or a call a file); the folder names the company then.
FOLDER_LAYOUT: tuple[tuple[str, str], ...] = (
    ("companies", "companies.csv"),
    ("ipintel", "ipintel.csv"),
    ("greenhouse", "greenhouse/*.json"),
    ("greenhouse", "greenhouse/*/*.json"),
    ("lever", "lever/*.json"),
    ("lever", "lever/*/*.json"),
    ("ashby", "ashby/*.json"),
    ("ashby", "ashby/*/*.json"),
    ("applications", "applications/*.jsonl"),
    ("hr", "hr/*.csv"),
    ("zoom", "zoom/*.json"),
    ("zoom", "zoom/*/*.json"),
    ("teams", "teams/*.json"),
    ("teams", "teams/*/*.json"),
    ("okta", "okta/*.json"),
    ("okta", "okta/*/*.json"),
    ("entra", "entra/*.json"),
    ("entra", "entra/*/*.json"),
    ("reports", "reports/*.jsonl"),
    ("stix", "intel/*.json"),
)


def get_format(name: str) -> Format:
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in FORMATS:
        known = ", ".join(FORMATS)
        raise ConfigError(f"unknown format {name!r}; known formats: {known}", format=name)
    return FORMATS[key]


__all__ = [
    "ALIASES",
    "FOLDER_LAYOUT",
    "FORMATS",
    "Adapter",
    "Format",
    "IngestContext",
    "InputLimits",
    "Item",
    "Quarantined",
    "SourceFile",
    "get_format",
]

"""Use cases: the only place the core meets the store."""

from fauxhire.services.file_results import FileResult, IngestSummary, summarise
from fauxhire.services.ingest import IngestProgress, ingest_files, run_folder
from fauxhire.services.joins import resolve_joins
from fauxhire.services.quarantine import quarantine_entries
from fauxhire.services.stats import store_stats

__all__ = [
    "FileResult",
    "IngestProgress",
    "IngestSummary",
    "ingest_files",
    "quarantine_entries",
    "resolve_joins",
    "run_folder",
    "store_stats",
    "summarise",
]

"""Source formats: one module per format, each turning one file into domain records, and the
registry that declares them (registry.py), which the services and the CLI use.
"""

from __future__ import annotations

from fauxhire.ingest.base import (
    Adapter,
    IngestContext,
    InputLimits,
    Item,
    Quarantined,
    SourceFile,
)
from fauxhire.ingest.registry import ALIASES, FOLDER_LAYOUT, FORMATS, Format, get_format

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

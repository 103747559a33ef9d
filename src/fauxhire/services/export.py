"""Exports in the formats of docs/formats.md section 11."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson

from fauxhire.store.export_rows import iter_identity_assessments, iter_links
from fauxhire.store.store import Store

LINK_COLUMNS = ("company_id", "application_id", "candidate_id", "identity_id", "network_id")
# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, CSV
# injection): "=HYPERLINK(...)" becomes a link, "=cmd|' /C calc'!A2" a command. A leading "'"
# is also escaped, so that stripping one "'" from a cell that starts with it is always exact.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "'")


def inert_cell(value: object) -> str:
    """A CSV cell no spreadsheet runs: one that would start a formula gets a leading "'", so
    Excel, LibreOffice and Google Sheets show it as text. Ids come from files strangers write,
    so every cell passes here."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def write_links_csv(store: Store, path: Path) -> int:
    """One row an application (docs/formats.md section 11); an empty network_id: in no network.
    Cells are ``inert_cell``: a value that would start a spreadsheet formula begins with "'"."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(LINK_COLUMNS)
        for row in iter_links(store):
            writer.writerow([inert_cell(value) for value in row])
            written += 1
    return written


def write_assessments_jsonl(store: Store, path: Path, *, min_probability: float = 0.0) -> int:
    """One object an identity (docs/formats.md section 11), strongest first, with the ruleset
    that made it (extra keys: ``ruleset``, ``ruleset_hash``, ``assessed_at``, for replay)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("wb") as fh:
        for (
            identity,
            network,
            probability,
            level,
            evidence,
            version,
            digest,
            at,
        ) in iter_identity_assessments(store, min_probability=min_probability):
            record = {
                "identity_id": identity,
                "network_id": network,
                "probability": round(probability, 6),
                "level": level,
                "evidence": orjson.Fragment(evidence),
                "ruleset": version,
                "ruleset_hash": digest,
                "assessed_at": at.isoformat() if at is not None else None,
            }
            fh.write(orjson.dumps(record) + b"\n")
            written += 1
    return written

"""Writing an input folder in bounded memory.

Canonical applications stream straight into JSON Lines files. Everything docs/formats.md keeps in
one file per company (Greenhouse, Lever, Zoom, Okta, Entra, hr) is first spooled, one line a
record, into partitions by company; at the end each partition is read back alone and written
out as its companies' files. Memory is then one partition, whatever the world's size.
"""

from __future__ import annotations

import csv
import io
import shutil
import zlib
from collections import defaultdict
from pathlib import Path
from typing import IO, Any

import orjson

from fauxhire_lab.world.formats import HR_HEADER

PARTITIONS = 64
CANONICAL_LINES_PER_FILE = 250_000
_GRAPH_SIGNINS = b"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns"

# kind -> (folder, suffix, how the records of one company are wrapped)
LAYOUT = {
    "greenhouse": ("greenhouse", ".json", "array"),
    "lever": ("lever", ".json", "lever"),
    "zoom": ("zoom", ".json", "array"),
    "okta": ("okta", ".json", "lines"),
    "entra": ("entra", ".json", "entra"),
    "hr": ("hr", ".csv", "csv"),
}


class FolderSink:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.spool_dir = root / ".spool"
        self.spool_dir.mkdir(exist_ok=True)
        self.spools: list[IO[bytes]] = [
            (self.spool_dir / f"{i:02d}").open("wb") for i in range(PARTITIONS)
        ]
        self.canonical: IO[bytes] | None = None
        self.canonical_files = 0
        self.canonical_lines = 0

    def canonical_row(self, row: dict[str, Any]) -> None:
        if self.canonical is None or self.canonical_lines >= CANONICAL_LINES_PER_FILE:
            if self.canonical is not None:
                self.canonical.close()
            self.canonical_files += 1
            folder = self.root / "applications"
            folder.mkdir(exist_ok=True)
            self.canonical = (folder / f"part-{self.canonical_files:04d}.jsonl").open("wb")
            self.canonical_lines = 0
        self.canonical.write(orjson.dumps(row) + b"\n")
        self.canonical_lines += 1

    def company_record(self, kind: str, company_id: str, record: Any) -> None:
        """``record`` is a JSON-able object, or a list of cells for ``hr``."""
        partition = zlib.crc32(company_id.encode()) % PARTITIONS
        self.spools[partition].write(
            kind.encode() + b"\t" + company_id.encode() + b"\t" + orjson.dumps(record) + b"\n"
        )

    def file(self, relative: str, content: bytes) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    def finish(self) -> None:
        if self.canonical is not None:
            self.canonical.close()
        for spool in self.spools:
            spool.close()
        for i in range(PARTITIONS):
            self._write_partition(self.spool_dir / f"{i:02d}")
        shutil.rmtree(self.spool_dir)

    def _write_partition(self, path: Path) -> None:
        groups: dict[tuple[str, str], list[bytes]] = defaultdict(list)
        with path.open("rb") as fh:
            for line in fh:
                kind, company, record = line.rstrip(b"\n").split(b"\t", 2)
                groups[(kind.decode(), company.decode())].append(record)
        for (kind_name, company_id), records in sorted(groups.items()):
            folder, suffix, wrap = LAYOUT[kind_name]
            target = self.root / folder / f"{company_id}{suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_wrap(wrap, records))


def _wrap(wrap: str, records: list[bytes]) -> bytes:
    if wrap == "lines":
        return b"\n".join(records) + b"\n"
    if wrap == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HR_HEADER)
        writer.writerows(orjson.loads(r) for r in records)
        return out.getvalue().encode()
    body = b"[\n" + b",\n".join(records) + b"\n]"
    if wrap == "lever":
        return b'{"data": ' + body + b', "hasNext": false}\n'
    if wrap == "entra":
        return b'{"@odata.context": "' + _GRAPH_SIGNINS + b'", "value": ' + body + b"}\n"
    return body + b"\n"

"""The candidates the screening benchmarks screen (bench/screen, bench/screen_link).

Imports no fauxhire code.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any


def candidates(folder: Path, wanted: int) -> list[dict[str, Any]]:
    """``wanted`` new applications made from the world's canonical ones (seeded), each a
    new application id: half are their applicant applying again under the same details
    (they should join that identity), half are new people (new name, e-mail, no phone, no
    profile, no resume). The source applications are drawn at random from every line of
    every file, so the applicants who apply again are the world's mix (a file is written
    in the generator's order: its first lines are one population's), and used again when
    there are fewer than ``wanted``."""
    rng = random.Random(17)
    paths = sorted(folder.glob("*.jsonl"))
    sizes = [_lines(path) for path in paths]
    picked = sorted(rng.sample(range(sum(sizes)), min(wanted, sum(sizes))))
    sources: list[dict[str, Any]] = []
    start = 0
    for path, size in zip(paths, sizes, strict=True):
        wanted_here = {at - start for at in picked if start <= at < start + size}
        start += size
        if not wanted_here:
            continue
        with path.open(encoding="utf-8") as lines:
            sources += [json.loads(line) for at, line in enumerate(lines) if at in wanted_here]
    rng.shuffle(sources)
    out = []
    for i in range(wanted):
        app = {**sources[i % len(sources)], "application_id": f"screen-{i}"}
        if rng.random() < 0.5:
            app |= {
                "candidate_id": f"screen-person-{i}", "first_name": f"Cand{i}",
                "last_name": "Screenwell", "emails": [f"cand{i}.screenwell@example.net"],
                "phones": [], "urls": [], "resume_text": None, "referred_by": None,
            }  # fmt: skip
        out.append(app)
    return out


def _lines(path: Path) -> int:
    with path.open("rb") as data:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: data.read(1 << 20), b""))

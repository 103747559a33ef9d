"""The candidates the screening benchmarks screen (bench/screen, bench/screen_link).

Imports no fauxhire code.
"""

from __future__ import annotations

import json
import random
from itertools import islice
from pathlib import Path
from typing import Any


def candidates(folder: Path, wanted: int) -> list[dict[str, Any]]:
    """``wanted`` new applications made from the world's canonical ones (seeded), each a
    new application id: half are their applicant applying again under the same details
    (they should join that identity), half are new people (new name, e-mail, no phone, no
    profile, no resume). The source applications are spread over the files, and used again
    when there are fewer than ``wanted``."""
    rng = random.Random(17)
    sources: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            sources += [json.loads(line) for line in islice(lines, 0, None, 7)]
            if len(sources) >= wanted:
                break
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

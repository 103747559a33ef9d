"""A screen's scratch files (``services/scratch.py``): each payload alone in its thread's
folder while it is read, gone afterwards, and the folder reused, not made again."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fauxhire.services.scratch import Scratch


def test_a_payload_is_alone_while_read_and_gone_after() -> None:
    scratch = Scratch("fauxhire-test-")
    with scratch.file("candidate.json", b'{"a": 1}') as path:
        assert path.read_bytes() == b'{"a": 1}'
        assert list(path.parent.iterdir()) == [path]
        folder = path.parent
    assert not path.exists() and list(folder.iterdir()) == []
    with scratch.file("candidate.json", b"{}") as again:
        assert again.parent == folder


def test_threads_never_share_a_folder() -> None:
    """Four threads, each holding its payload until all four hold theirs: four folders,
    each with one file."""
    scratch = Scratch("fauxhire-test-")
    together = threading.Barrier(4)

    def held(_: int) -> tuple[Path, int]:
        with scratch.file("candidate.json", b"{}") as path:
            together.wait(timeout=10)
            return path.parent, len(list(path.parent.iterdir()))

    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(held, range(4)))
    assert len({folder for folder, _ in found}) == 4
    assert all(files == 1 for _, files in found)

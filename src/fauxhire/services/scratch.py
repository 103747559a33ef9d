"""A private place on disk for a payload an adapter reads as a file (a screen's candidate).

Adapters read files: a screened candidate's JSON is written to one and read back. A temporary
directory per screen kept each payload alone in its folder (the Greenhouse adapter looks for
resume attachments beside the file it reads), but creating and removing a directory costs a
filesystem's metadata work: under load, 2.5 ms of a screen's time went to ``rmdir``. Here each
thread has one empty folder of its own, made once, under one folder of the process's, removed
at exit: a payload is written into it, read, and unlinked, so the folder holds one payload at
a time and is empty between them.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Scratch:
    """Per-thread folders under one root, made on first use."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._root: Path | None = None
        self._lock = threading.Lock()
        self._local = threading.local()

    @contextmanager
    def file(self, name: str, data: bytes) -> Iterator[Path]:
        """``data`` in a file called ``name``, alone in this thread's folder while in use."""
        path = self._folder() / name
        path.write_bytes(data)
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)

    def _folder(self) -> Path:
        folder: Path | None = getattr(self._local, "folder", None)
        if folder is None:
            folder = Path(tempfile.mkdtemp(dir=self._made_root()))
            self._local.folder = folder
        return folder

    def _made_root(self) -> Path:
        with self._lock:
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix=self._prefix))
                atexit.register(shutil.rmtree, self._root, ignore_errors=True)
            return self._root

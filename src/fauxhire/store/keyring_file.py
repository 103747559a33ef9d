"""Which PII keyring a store is opened with (docs/security.md, "Contact details at rest").

- Named by the setting (``FAUXHIRE_PII_KEYRING``, ``pii_keyring`` in the project file): that
  file, which must exist (``fauxhire keys pii init`` creates it).
- Not named, an embedded SQLite store: ``<store file>.pii-keyring.json`` beside it, created the
  first time the store is opened to write, so ``fauxhire demo`` and a first ``fauxhire run``
  need no step more. It is a file of its own: a copy of the database alone opens nothing.
- Not named, a PostgreSQL store: refused. A production store names its keyring, kept apart
  from the database server and its backups.
- In-memory SQLite: a keyring of its own, in memory, gone with the store.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Final

from fauxhire.enrich.pii import Keyring, Sealer, load_keyring, save_keyring
from fauxhire.errors import ConfigError
from fauxhire.store.database import parse_url, sqlite_file

SETTING: Final = "FAUXHIRE_PII_KEYRING"
SUFFIX: Final = ".pii-keyring.json"
logger = logging.getLogger(__name__)


def keyring_path(url: str, named: Path | None) -> Path | None:
    """The keyring file of the store at ``url``; None for an in-memory store. A PostgreSQL
    store without one named is a ConfigError saying what to do."""
    if named is not None:
        return named
    parsed = parse_url(url)
    file = sqlite_file(parsed)
    if file is not None:
        return file.with_name(file.name + SUFFIX)
    if parsed.get_backend_name() == "sqlite":
        return None
    raise ConfigError(
        f"a PostgreSQL store needs its PII keyring named: set {SETTING} (or pii_keyring in "
        "the project file) to a file that `fauxhire keys pii init` created",
        setting=SETTING,
    )


def open_sealer(url: str, named: Path | None, *, write: bool, now: datetime) -> Sealer | None:
    """The sealer of the store at ``url``. Opened to ``write``, an embedded store's keyring is
    created when missing; opened to read, a missing one gives None, and a sealed value read
    is then a clear error rather than a keyring made that opens nothing."""
    path = keyring_path(url, named)
    if path is None:
        return Sealer(Keyring.new(now))
    if named is None and not path.exists():
        if not write:
            return None
        save_keyring(path, Keyring.new(now), replace=False)
        logger.warning("created the PII keyring %s beside the store: back it up apart", path)
    return Sealer(load_keyring(path, SETTING if named else f"the store {url}"))


def init_keyring(url: str, named: Path | None, now: datetime) -> tuple[Path, Keyring]:
    """A new keyring for the store at ``url``, where ``keyring_path`` says; an existing file
    is refused (rotating it is another command)."""
    path = _file(url, named)
    keyring = Keyring.new(now)
    save_keyring(path, keyring, replace=False)
    return path, keyring


def rotate_keyring(url: str, named: Path | None, now: datetime) -> tuple[Path, Keyring]:
    """The store's keyring with a new active key, written over the old file."""
    path = _file(url, named)
    keyring = load_keyring(path, SETTING if named else f"the store {url}").rotated(now)
    save_keyring(path, keyring, replace=True)
    return path, keyring


def _file(url: str, named: Path | None) -> Path:
    path = keyring_path(url, named)
    if path is None:
        raise ConfigError(f"{url!r} is an in-memory store: its keyring lives and dies with it")
    return path

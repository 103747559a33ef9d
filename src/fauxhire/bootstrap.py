"""The composition root: the one place that reads the settings and puts together what a use
case is given: the store, the ruleset loader, the clock, the linking engine and the key for
keyed hashes.

Every entrypoint opens an ``App`` here, the command line once a command and the API of a
later issue once a request, and hands its parts to the services as arguments: no service
reads the settings or the environment (an import-linter contract says so).

    with open_app(db, read_only=True) as app:
        view = show_identity(app.store, identity_id)

Settings come from, highest first: ``db`` (the `--db` option), the environment (FAUXHIRE_),
the project file (``fauxhire.toml`` here or in a folder above) and the defaults.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from pydantic import SecretStr

from fauxhire.assess.ruleset import LoadedRuleset, Problem
from fauxhire.enrich.keyed import MatchKeys
from fauxhire.enrich.share_keys import (
    COMMUNITY,
    MatchingKeys,
    ShareKeyring,
    from_settings,
    read_share_keyring,
)
from fauxhire.errors import ConfigError
from fauxhire.project import PROJECT_FILE
from fauxhire.services.assess import check_ruleset_file, load_ruleset
from fauxhire.services.linker import Linker
from fauxhire.services.pipeline import IngestOptions, Plan, ReportRequest
from fauxhire.services.share_export import Sharer
from fauxhire.services.yaml_bounds import check_ruleset_file_size
from fauxhire.settings import (
    CEILING_ENV,
    Settings,
    find_project_file,
    load_settings,
    read_project_file,
)
from fauxhire.store import SqlStore
from fauxhire.store.keyring_file import keyring_path, open_sealer

if TYPE_CHECKING:  # imported when an issuer is configured: JWT and crypto cost every command 90 ms
    from fauxhire.services.console_sign_in import ConsoleSignIn
    from fauxhire.services.oidc import OidcVerifier

__all__ = [
    "DB_VARIABLE",
    "PROJECT_FILE",
    "App",
    "Config",
    "configure",
    "db_named_by_environment",
    "open_app",
    "utc_now",
]

DB_VARIABLE: Final = "FAUXHIRE_DB"  # the environment's name for the store


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Config:
    """The settings and the parts made from them, before any store is opened."""

    settings: Settings
    now: Callable[[], datetime]
    linker: Linker
    # The keys partners' keyed hashes match with (HMAC-SHA256): the community's active key,
    # and a rotated one within its overlap (enrich/share_keys.py).
    community_key: MatchKeys
    oidc: OidcVerifier | None  # the IdP's access tokens, beside API keys (None: keys only)
    erasure_key: bytes | None  # the key of erasure tombstones (services/erasure.py)
    share_keys: ShareKeyring  # the keys of what is shared: a community's, a partner's

    def share_key(self, audience: str = COMMUNITY) -> tuple[bytes | None, str]:
        """The key and key id hashes shared with ``audience`` are made with (None: none)."""
        key = self.share_keys.active(audience)
        return (None, "") if key is None else (key.raw, key.key_id)

    def matching_keys(self) -> MatchingKeys:
        """The keys partners' hashes match with, for a long-running process: the keyring
        file the settings name is followed as it changes (``community_key`` is the keys at
        the start, for a command that runs once)."""
        return MatchingKeys(self.share_keys, self.settings.share_keyring)

    def sharer(self, audience: str = COMMUNITY) -> Sharer:
        """This hub sharing with ``audience``: its name and that audience's key."""
        return Sharer(self.settings.share_producer, *self.share_key(audience))

    @property
    def ingest(self) -> IngestOptions:
        settings = self.settings
        return IngestOptions(
            chunk_size=settings.chunk_size,
            workers=settings.workers,
            max_field_bytes=settings.max_field_bytes,
            limits=settings.input_limits(),
            erasure_key=self.erasure_key,
        )

    def load_ruleset(self, path: Path | None = None) -> LoadedRuleset:
        """The ruleset at ``path``, else the one in use (a private one the settings name, else
        the one shipped); a file whose YAML expands past the settings' bound is refused."""
        chosen = path or self.settings.ruleset
        check_ruleset_file_size(chosen, self.settings.max_yaml_nodes)
        return load_ruleset(chosen)

    def check_ruleset(self, path: Path) -> tuple[LoadedRuleset | None, list[Problem]]:
        """Every problem of the ruleset at ``path`` (None: it has errors), once its YAML is
        known to expand within the settings' bound."""
        check_ruleset_file_size(path, self.settings.max_yaml_nodes)
        return check_ruleset_file(path)

    def plan(self, report: Path | None = None) -> Plan:
        """The whole pipeline as the settings configure it; with ``report``, the campaign
        report (default options, the settings' tech prefixes) written there."""
        settings = self.settings
        return Plan(
            clock=self.now,
            linker=self.linker,
            ruleset=self.load_ruleset,
            community_key=self.community_key,
            ingest=self.ingest,
            report=None
            if report is None
            else ReportRequest(report, tuple(settings.report_tech), settings.ruleset),
        )


@dataclass(frozen=True, slots=True)
class App(Config):
    """A ``Config`` with its store open."""

    store: SqlStore  # every port of fauxhire.ports, and the SQL store the rest still uses


def configure(
    db: str | None = None,
    *,
    log_handler: logging.Handler | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Config:
    """The settings (``db``, when given, over every other source) and what they configure.
    With ``log_handler``, logging goes there at the settings' level."""
    settings = load_settings(find_project_file(Path.cwd(), _ceilings()))
    if db:
        settings = settings.model_copy(update={"db": db})
    if log_handler is not None:
        logging.basicConfig(level=settings.log_level.upper(), handlers=[log_handler], force=True)
    share_keys = _share_keys(settings, clock())
    return Config(
        settings=settings,
        now=clock,
        linker=Linker(),
        community_key=share_keys.matching(clock()) or None,
        oidc=_oidc(settings),
        erasure_key=_secret(settings.erasure_key),
        share_keys=share_keys,
    )


@contextmanager
def open_app(
    db: str | None = None,
    *,
    read_only: bool = False,
    log_handler: logging.Handler | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Iterator[App]:
    """The app on the store named by ``db``, FAUXHIRE_DB, the project file or the default,
    closed on leaving. A use case that only reads opens it ``read_only``: the store must
    exist, and nothing is written to it (not even a migration)."""
    config = configure(db, log_handler=log_handler, clock=clock)
    settings = config.settings
    try:
        keyring_path(settings.db, settings.pii_keyring)  # PostgreSQL without one: refused first
        store = SqlStore.open(settings.db, read_only=read_only)
    except ConfigError as exc:
        raise ConfigError(f"{exc.message} ({_db_origin(db)})", **exc.detail) from exc
    try:
        # After the store: a keyring made beside a SQLite file only once the file is a store.
        store.sealer = open_sealer(
            settings.db, settings.pii_keyring, write=not read_only, now=config.now()
        )
        yield App(
            settings=config.settings,
            now=config.now,
            linker=config.linker,
            community_key=config.community_key,
            oidc=config.oidc,
            erasure_key=config.erasure_key,
            share_keys=config.share_keys,
            store=store,
        )
    finally:
        store.close()


def _secret(value: SecretStr | None) -> bytes | None:
    return value.get_secret_value().encode() if value else None


def _ceilings() -> list[Path]:
    """The folders above which no project file is looked for (settings.CEILING_ENV), as
    PATH separates them."""
    listed = os.environ.get(CEILING_ENV, "").split(os.pathsep)
    return [Path(given) for given in listed if given]


def _share_keys(settings: Settings, now: datetime) -> ShareKeyring:
    """The keyring the settings name, else their one community key (or none)."""
    if settings.share_keyring is not None:
        return read_share_keyring(settings.share_keyring)
    return from_settings(_secret(settings.community_key), settings.community_key_id, now)


def _oidc(settings: Settings) -> OidcVerifier | None:
    """The checker of the IdP's tokens the settings name, if they name an issuer."""
    if settings.oidc_issuer is None:
        return None
    from fauxhire.services.oidc import OidcConfig, OidcVerifier

    return OidcVerifier(
        OidcConfig(
            issuer=settings.oidc_issuer,
            audience=settings.oidc_audience or "",
            jwks_url=settings.oidc_jwks_url,
            role_claim=settings.oidc_role_claim,
            member_claim=settings.oidc_member_claim,
            jwks_cooldown_seconds=settings.oidc_jwks_cooldown,
        )
    )


def console_sign_in(config: Config) -> ConsoleSignIn | None:
    """The console's sign-in through the IdP, if the settings name a client for it."""
    settings = config.settings
    if settings.oidc_console_client_id is None:
        return None
    if config.oidc is None:
        raise ConfigError(
            "the console's OIDC client (FAUXHIRE_OIDC_CONSOLE_CLIENT_ID) needs an issuer "
            "(FAUXHIRE_OIDC_ISSUER and FAUXHIRE_OIDC_AUDIENCE)"
        )
    from fauxhire.services.console_sign_in import ConsoleClient, ConsoleSignIn

    secret = settings.oidc_console_client_secret
    client = ConsoleClient(
        client_id=settings.oidc_console_client_id,
        scope=settings.oidc_console_scope,
        secret=secret.get_secret_value() if secret else None,
    )
    return ConsoleSignIn(config.oidc, client)


def named_secret(variable: str) -> str | None:
    """The value of the environment variable a setting or an option names (a partner feed's
    token, an agreed key): read here, where the environment is read, and nowhere else."""
    return os.environ.get(variable) or None


def db_named_by_environment() -> bool:
    """Whether FAUXHIRE_DB names the store of every command run in this environment."""
    return DB_VARIABLE in os.environ


def _db_origin(db: str | None) -> str:
    """Where the store's name came from, for an error about it."""
    if db:
        return "named by --db"
    if db_named_by_environment():
        return f"named by {DB_VARIABLE}"
    project = find_project_file(Path.cwd(), _ceilings())
    if project is not None and "db" in read_project_file(project):
        return f"named by {project}"
    return (
        f"the default store; name another with --db, {DB_VARIABLE} or {PROJECT_FILE}, which "
        "`fauxhire demo` writes to name its store"
    )

"""Settings from, highest first: the command line, the environment (FAUXHIRE_ prefix), the
project file (``fauxhire.toml`` in the working folder or the nearest folder above it) and the
defaults."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict, TomlConfigSettingsSource

from fauxhire.domain.sectors import TECH_DEFAULT
from fauxhire.errors import ConfigError
from fauxhire.ingest.base import InputLimits
from fauxhire.project import PROJECT_FILE


class ShareFeed(BaseModel):
    """A partner's TAXII collection that `fauxhire share pull` reads (docs/sharing.md)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$", description="the feed's name")
    url: str = Field(description="the collection's URL: https://HOST/.../collections/ID/")
    token_env: str = Field(
        pattern=r"^[A-Z_][A-Z0-9_]{0,63}$",
        description="the environment variable that holds the bearer token (never the token)",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAUXHIRE_", extra="ignore")

    db: str = Field("sqlite:///fauxhire.db", description="database URL: SQLite file or PostgreSQL")
    chunk_size: int = Field(20000, ge=1, description="records committed per transaction in ingest")
    max_field_bytes: int = Field(1_048_576, ge=1024, description="larger fields are quarantined")
    max_record_bytes: int = Field(
        16 << 20, ge=1024, description="a larger JSON line or CSV row is quarantined"
    )
    max_document_bytes: int = Field(
        16 << 20,
        ge=1024,
        description="a resume (.docx, .pdf) whose content decompresses to more is not read",
    )
    max_document_elements: int = Field(
        200_000, ge=100, description="a .docx resume with more XML elements is not read"
    )
    max_document_pages: int = Field(
        200, ge=1, description="a PDF resume with more pages is not read"
    )
    max_yaml_nodes: int = Field(
        100_000,
        ge=100,
        description="a ruleset whose YAML expands (through aliases) to more nodes is refused",
    )
    workers: int | None = Field(None, ge=1, description="processes parsing large files (cores)")
    log_level: str = Field(
        "WARNING", description="logging level on stderr (INFO: what each stage did, and when)"
    )
    ruleset: Path | None = Field(
        None, description="a private assessment ruleset (YAML) replacing the one shipped"
    )
    community_key: SecretStr | None = Field(
        None,
        description="the sharing community's key for keyed hashes of contact details "
        "(HMAC-SHA256); without it, partner indicators given as keyed hashes cannot match",
    )
    community_key_id: str = Field(
        "community-key-v1",
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="the id partners know the community key by, carried by every keyed hash "
        "fauxhire shares",
    )
    share_producer: str = Field(
        "fauxhire hub",
        min_length=1,
        max_length=200,
        description="the name partners know this hub by: the producer of what it shares",
    )
    share_keyring: Path | None = Field(
        None,
        description="the file of the keys shared hashes are made and matched with "
        "(`fauxhire keys share`); unset: community_key is the one key",
    )
    share_feeds: list[ShareFeed] = Field(
        default_factory=list,
        description="partners' TAXII collections `fauxhire share pull` reads, as JSON in the "
        'environment ([{"name", "url", "token_env"}]) or [[share_feeds]] tables',
    )
    share_inbox: Path = Field(
        Path("pulled"),
        description="where `fauxhire share pull` keeps what it pulled, a folder a feed",
    )
    erasure_key: SecretStr | None = Field(
        None,
        description="the key of erasure tombstones (keyed hashes of what an erasure removed, "
        "which ingest honours); required to erase, and to ingest into a store that holds them",
    )
    retention_days: int | None = Field(
        None,
        ge=1,
        description="`fauxhire retention apply` deletes applications made, and meetings and "
        "sign-ins observed, longer ago than this; unset: kept until erased",
    )
    retention_fraud_hold_days: int | None = Field(
        None,
        ge=1,
        description="records of identities with confirmed fraud are kept this long instead "
        "(longer than retention_days to mean anything); unset: kept until erased on request",
    )
    pii_keyring: Path | None = Field(
        None,
        description="the keyring file whose keys seal contact details at rest "
        "(`fauxhire keys pii init`); default: beside a SQLite store, required for PostgreSQL",
    )
    report_tech: tuple[str, ...] = Field(
        TECH_DEFAULT,
        description='NAICS code prefixes the report counts as tech, as JSON: ["51", "5415"]',
    )

    oidc_issuer: str | None = Field(
        None,
        description="the IdP whose OIDC access tokens `fauxhire serve` accepts beside API keys "
        "(its `iss`); without it, only API keys",
    )
    oidc_audience: str | None = Field(
        None, description="the `aud` an OIDC access token must carry (required with an issuer)"
    )
    oidc_jwks_url: str | None = Field(
        None,
        description="the issuer's JWKS; default: the `jwks_uri` of "
        "{issuer}/.well-known/openid-configuration",
    )
    oidc_role_claim: str = Field("fauxhire_role", description="the claim naming the role")
    oidc_member_claim: str = Field(
        "fauxhire_member", description="the claim naming the member company"
    )
    oidc_console_client_id: str | None = Field(
        None,
        description="the console's client id at the IdP: with it (and an issuer), the console "
        "offers sign-in through the IdP (authorization code with PKCE) beside API keys",
    )
    oidc_console_client_secret: SecretStr | None = Field(
        None,
        description="the console's client secret, for an IdP that registers it as a "
        "confidential client; unset: a public client, PKCE only",
    )
    oidc_console_scope: str = Field(
        "openid", description="the scopes the console asks the IdP for, space-separated"
    )
    oidc_jwks_cooldown: float = Field(
        30.0,
        ge=0,
        description="seconds between two refetches of the JWKS for a token whose kid it lacks",
    )

    def input_limits(self) -> InputLimits:
        return InputLimits(
            record_bytes=self.max_record_bytes,
            document_bytes=self.max_document_bytes,
            document_elements=self.max_document_elements,
            document_pages=self.max_document_pages,
        )


CEILING_ENV = "FAUXHIRE_CEILING_DIRECTORIES"


def find_project_file(start: Path, ceilings: Iterable[Path] = ()) -> Path | None:
    """The project file in ``start`` or the nearest folder above it, as git finds its folder:
    a command run anywhere in a project reads the store the project names. As git's
    GIT_CEILING_DIRECTORIES, ``ceilings`` (FAUXHIRE_CEILING_DIRECTORIES, which bootstrap
    reads) stop the search: it looks in none of them nor above them, so a project file left
    in a shared folder (``/tmp``) does not reach the folders made below it."""
    stops = {ceiling.resolve() for ceiling in ceilings}
    for folder in (start, *start.parents):
        if stops and folder.resolve() in stops:
            return None
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def load_settings(project_file: Path | None) -> Settings:
    """The settings of the environment over those of the project file, over the defaults."""
    from_env = Settings()
    if project_file is None:
        return from_env
    from_file = read_project_file(project_file)
    given = {name: getattr(from_env, name) for name in from_env.model_fields_set}
    try:
        return Settings(**(from_file | given))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{project_file}: {problems}", path=str(project_file)) from None


def read_project_file(path: Path) -> dict[str, Any]:
    """The settings a project file gives; a relative SQLite path in ``db`` is relative to the
    file's folder, so the project reads one store from whichever folder a command runs in."""
    try:
        values = TomlConfigSettingsSource(Settings, toml_file=path)()
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable TOML file: {exc}", path=str(path)) from exc
    unknown = sorted(set(values) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) {', '.join(unknown)}; known: "
            + ", ".join(Settings.model_fields),
            path=str(path),
        )
    if isinstance(values.get("db"), str):
        values["db"] = relative_to_file(values["db"], path.parent)
    return values


def relative_to_file(url: str, folder: Path) -> str:
    """A SQLite path (bare or ``sqlite:///``) taken relative to ``folder``; other URLs as given."""
    prefix = "sqlite:///" if url.startswith("sqlite:///") else "" if "://" not in url else None
    if prefix is None:
        return url
    path = url.removeprefix(prefix)
    if not path or path == ":memory:" or os.path.isabs(path):
        return url
    return f"sqlite:///{folder / path}"

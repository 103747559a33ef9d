"""Settings from the environment (FAUXHIRE_ prefix) and the command line."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from fauxhire.domain.sectors import TECH_DEFAULT


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAUXHIRE_", extra="ignore")

    db: str = Field("sqlite:///fauxhire.db", description="database URL: SQLite file or PostgreSQL")
    chunk_size: int = Field(20000, ge=1, description="records committed per transaction in ingest")
    max_field_bytes: int = Field(1_048_576, ge=1024, description="larger fields are quarantined")
    workers: int | None = Field(None, ge=1, description="processes parsing large files (cores)")
    log_level: str = Field("INFO", description="logging level on stderr")
    ruleset: Path | None = Field(
        None, description="a private assessment ruleset (YAML) replacing the one shipped"
    )
    community_key: SecretStr | None = Field(
        None,
        description="the sharing community's key for keyed hashes of contact details "
        "(HMAC-SHA256); without it, partner indicators given as keyed hashes cannot match",
    )
    report_tech: tuple[str, ...] = Field(
        TECH_DEFAULT,
        description='NAICS code prefixes the report counts as tech, as JSON: ["51", "5415"]',
    )

"""Settings from the environment (FAUXHIRE_ prefix) and the command line."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from fauxhire.domain.sectors import TECH_DEFAULT
from fauxhire.ingest.base import InputLimits


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

    def input_limits(self) -> InputLimits:
        return InputLimits(
            record_bytes=self.max_record_bytes,
            document_bytes=self.max_document_bytes,
            document_elements=self.max_document_elements,
            document_pages=self.max_document_pages,
        )

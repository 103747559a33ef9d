"""Migration 0025: each hire's shipping building, kept beside its shipping address, and given
to the hires stored before the migration (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import select

from fauxhire.domain import Hire, Provenance
from fauxhire.domain.normalise import address
from fauxhire.store import Store, schema
from fauxhire.store.database import MIGRATIONS, migrate

NOW = datetime(2026, 3, 1, tzinfo=UTC)
BOXED = "23764 Vernon St, Unit 204, PMB 79979, Jacksonville, FL 32230"
BUILDING = "23764 vernon st jacksonville fl 32230"


def _hire(employee: str, shipping: str | None) -> Hire:
    return Hire(
        company_id="c-1",
        employee_id=employee,
        candidate_id=f"p-{employee}",
        work_email=None,
        legal_name=None,
        start_date=date(2025, 4, 1),
        end_date=None,
        shipping_address=address.normalise(shipping),
        payout_method=None,
        payout_account=None,
        device_id=None,
        provenance=Provenance("hr", "hr.csv", f"row {employee}", "c-1"),
    )


def _buildings(store: Store) -> list[tuple[str, str | None]]:
    h = schema.hires
    with store.engine.connect() as conn:
        found = conn.execute(select(h.c.employee_id, h.c.shipping_building_key))
        return sorted((str(e), b) for e, b in found)


def test_a_hire_is_stored_with_its_building(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    store.write_records([_hire("e-1", BOXED), _hire("e-2", None)], now=NOW)
    assert _buildings(store) == [("e-1", BUILDING), ("e-2", None)]


def test_hires_stored_before_the_migration_are_given_their_building(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    store.write_records([_hire("e-1", BOXED), _hire("e-2", None)], now=NOW)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0024")  # the column goes: the hires stay
    migrate(store.engine)
    assert _buildings(store) == [("e-1", BUILDING), ("e-2", None)]

"""A database URL as messages and the audit show it: never with its password."""

from __future__ import annotations

import pytest

from fauxhire.store.database import shown_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://ana:s3cret@db:5432/hub", "postgresql+psycopg://ana:***@db:5432/hub"),
        (
            "postgresql+psycopg://db/hub?user=ana&password=s3cret&sslmode=require",
            "postgresql+psycopg://db/hub?sslmode=require&user=ana",
        ),
        ("sqlite:///fauxhire.db", "sqlite:///fauxhire.db"),
    ],
)
def test_a_password_is_hidden_wherever_the_url_carries_it(url: str, shown: str) -> None:
    assert shown_url(url) == shown

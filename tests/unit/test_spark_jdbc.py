"""The Spark engine's JDBC edge, without Spark: how a database is named to the JDBC driver,
which table names go into SQL, and the one sentence a JVM error is reduced to. The read
itself runs in tests/conformance/test_engine.py, against PostgreSQL."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.spark  # the package imports PySpark

from fauxhire.link.engines.spark import jdbc  # noqa: E402


def test_a_store_url_becomes_a_jdbc_url_with_its_credentials_as_properties() -> None:
    db = jdbc.database("postgresql://ana:s%40cret@db.example:6543/hub?sslmode=require")
    assert db.url == "jdbc:postgresql://db.example:6543/hub?sslmode=require"
    assert db.properties == {"driver": jdbc.DRIVER, "user": "ana", "password": "s@cret"}
    assert "cret" not in db.url and "cret" not in repr(db)


def test_a_password_in_a_store_urls_query_leaves_the_url_too() -> None:
    db = jdbc.database("postgresql://h/hub?user=ana&password=s3cret&sslmode=require")
    assert db.url == "jdbc:postgresql://h/hub?sslmode=require"
    assert db.properties == {"driver": jdbc.DRIVER, "user": "ana", "password": "s3cret"}


def test_a_jdbc_url_keeps_its_options_and_loses_its_password_to_the_properties() -> None:
    db = jdbc.database("jdbc:postgresql://h/hub?user=ana&password=pw&ssl=true")
    assert db.url == "jdbc:postgresql://h/hub?ssl=true"
    assert db.properties == {"driver": jdbc.DRIVER, "user": "ana", "password": "pw"}
    assert jdbc.is_database("postgres://h/db") and not jdbc.is_database("/data/records")


@pytest.mark.parametrize("given", ["mysql://h/db", "postgresql://h", "postgresql:///db"])
def test_a_url_that_names_no_postgresql_database_is_refused(given: str) -> None:
    with pytest.raises(ValueError, match="PostgreSQL URL"):
        jdbc.database(given)


def test_only_plain_names_go_into_sql() -> None:
    assert jdbc.quoted("link_records") == '"link_records"'
    assert jdbc.quoted("hub.Link_records") == '"hub"."Link_records"'
    for bad in ('x"; DROP TABLE applications; --', "a b", "1x", "a.b.c", ""):
        with pytest.raises(ValueError, match="not a table name"):
            jdbc.quoted(bad)


def test_a_jvm_error_is_reduced_to_the_drivers_sentence() -> None:
    page = (
        "An error occurred while calling o33.jdbc.\n"
        ': org.postgresql.util.PSQLException: FATAL: database "nope" does not exist\n'
        "\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(...)\n"
    )
    assert jdbc._reason(page) == 'FATAL: database "nope" does not exist'
    missing = ": java.lang.ClassNotFoundException: org.postgresql.Driver\n\tat ..."
    assert jdbc._reason(missing).startswith("no PostgreSQL JDBC driver on Spark's classpath")
    assert jdbc._reason("") == "unknown error"

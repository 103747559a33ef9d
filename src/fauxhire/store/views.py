"""Reads of the links as analysts look at them: where an application stands, an identity's
applications, a network's identities, and the members ``fauxhire show`` lists. A ``LinkView``
reads in one transaction, so a judgement is checked against one state of the links."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, func, select

from fauxhire.store import schema
from fauxhire.store.store import Store


@contextmanager
def link_view(store: Store, operation: str) -> Iterator[LinkView]:
    """The links as they are now, read in one transaction named ``operation``."""
    with store.transaction(operation) as conn:
        yield LinkView(conn)


class LinkView:
    """The applications, links and networks, read through one connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def existing_applications(self, keys: Sequence[str]) -> list[str]:
        """Those of ``keys`` that are the key of an application in the store."""
        apps = schema.applications
        query = select(apps.c.key).where(apps.c.key.in_(keys))
        return [str(key) for key in self._conn.execute(query).scalars()]

    def placement(self, key: str) -> tuple[str | None, str | None]:
        """The identity and network of an application (None, None: not linked yet)."""
        links = schema.links
        row = self._conn.execute(
            select(links.c.identity_id, links.c.network_id).where(links.c.app_key == key)
        ).first()
        return (row.identity_id, row.network_id) if row else (None, None)

    def identity_links(self, identity_id: str) -> list[tuple[str, str | None]]:
        """An identity's applications with its network, by application key."""
        links = schema.links
        query = (
            select(links.c.app_key, links.c.network_id)
            .where(links.c.identity_id == identity_id)
            .order_by(links.c.app_key)
        )
        return [(row.app_key, row.network_id) for row in self._conn.execute(query)]

    def first_applications(self, network_id: str, except_identity: str) -> list[str]:
        """The first application key of each identity of a network but one, sorted."""
        links = schema.links
        query = (
            select(func.min(links.c.app_key))
            .where(links.c.network_id == network_id, links.c.identity_id != except_identity)
            .group_by(links.c.identity_id)
        )
        return sorted(self._conn.execute(query).scalars())

    def identity_members(self, identity_id: str) -> list[dict[str, Any]]:
        """An identity's applications as ``fauxhire show identity`` lists them, by date."""
        a, links = schema.applications, schema.links
        query = (
            select(
                a.c.key,
                a.c.company_id,
                a.c.application_id,
                a.c.name_display,
                a.c.applied_at,
                a.c.job_title,
                links.c.network_id,
            )
            .join(links, links.c.app_key == a.c.key)
            .where(links.c.identity_id == identity_id)
            .order_by(a.c.applied_at)
        )
        return [dict(row) for row in self._conn.execute(query).mappings()]

    def network_members(self, network_id: str) -> list[tuple[str, str | None, str]]:
        """A network's applications: identity id, name shown, company."""
        a, links = schema.applications, schema.links
        query = (
            select(links.c.identity_id, a.c.name_display, a.c.company_id)
            .join(a, a.c.key == links.c.app_key)
            .where(links.c.network_id == network_id)
        )
        return [(row[0], row[1], row[2]) for row in self._conn.execute(query)]


def identity_applications(store: Store, identity_id: str, operation: str) -> list[str]:
    """The keys of an identity's applications, sorted."""
    with link_view(store, operation) as view:
        return [key for key, _ in view.identity_links(identity_id)]

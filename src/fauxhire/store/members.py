"""The members registry on SQL, and what a member's view of an identity reads about the other
members (services/cross_member.py): the employer reports matched to the identity, and the
flagged identities it shares infrastructure with. Each query starts from the identity's links
(``ix_links_identity``) and follows indexes from there, so a read costs the identity's few
rows, not a scan of a million applications."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    CompoundSelect,
    FromClause,
    Select,
    and_,
    delete,
    insert,
    literal,
    select,
    union,
)
from sqlalchemy.sql.elements import ColumnElement

from fauxhire.ports.hub import FiledReport, Member, SharedHolder
from fauxhire.store import schema
from fauxhire.store.store import Store

_M = schema.members
# A name is no infrastructure: many people share one, and counting them would say nothing.
NOT_INFRASTRUCTURE = ("name",)
# The hire's columns a payout or a parcel goes to, by the kind of value a summary names.
HIRE_INFRASTRUCTURE = {
    "payout_account": "payout_account",
    "shipping_address": "shipping_address_key",
}


def save_member(store: Store, member: Member) -> None:
    with store.transaction("save_member") as conn:
        conn.execute(delete(_M).where(_M.c.member_id == member.member_id))
        conn.execute(insert(_M).values(member._asdict()))


def members(store: Store, member_id: str | None = None) -> list[Member]:
    """Every member by id, or the one with ``member_id`` (by its primary key)."""
    query = select(*(_M.c[name] for name in Member._fields)).order_by(_M.c.member_id)
    if member_id is not None:
        query = query.where(_M.c.member_id == member_id)
    with store.transaction("members") as conn:
        return [Member(**{**row._mapping, "named": bool(row.named)}) for row in conn.execute(query)]


def members_named(store: Store, member_ids: Sequence[str]) -> dict[str, str]:
    if not member_ids:
        return {}
    query = select(_M.c.member_id, _M.c.name).where(
        _M.c.member_id.in_(sorted(set(member_ids))), _M.c.named.is_(True)
    )
    with store.transaction("members_named") as conn:
        return {str(row[0]): str(row[1]) for row in conn.execute(query)}


def reports_about(store: Store, identity_id: str) -> list[FiledReport]:
    with store.transaction("reports_about") as conn:
        rows = conn.execute(reports_query(identity_id))
        return [FiledReport(*row) for row in rows]


def reports_query(identity_id: str) -> Select[str, str, str]:
    """The reports matched to the identity's applications (bench/cross_member reads its plan)."""
    links, matches, reports = schema.links, schema.report_matches, schema.employer_reports
    return (
        select(reports.c.key, reports.c.reporting_company_id, reports.c.disposition)
        .select_from(links)
        .join(matches, matches.c.app_key == links.c.app_key)
        .join(reports, reports.c.key == matches.c.report_key)
        .where(links.c.identity_id == identity_id)
        .distinct()
        .order_by(reports.c.key)
    )


def shared_with_flagged(
    store: Store, identity_id: str, levels: Sequence[str]
) -> list[SharedHolder]:
    with store.transaction("shared_with_flagged") as conn:
        rows = conn.execute(shared_query(identity_id, levels))
        return [SharedHolder(str(row.kind), str(row.identity_id)) for row in rows]


def shared_query(identity_id: str, levels: Sequence[str]) -> CompoundSelect[str, str]:
    """The flagged identities sharing a value with this one, a row a kind of value and
    identity (bench/cross_member reads its plan)."""
    parts = [_shared_values(identity_id, levels)] + [
        _shared_hire_column(identity_id, levels, kind, column)
        for kind, column in HIRE_INFRASTRUCTURE.items()
    ]
    return union(*parts).order_by("kind", "identity_id")


def _flagged_other(
    query: Select[str, str], their_links: FromClause, identity_id: str, levels: Sequence[str]
) -> Select[str, str]:
    """``query`` kept to the other identities assessed at one of ``levels`` (by primary key)."""
    assessed = schema.assessments.alias("assessed")
    return query.join(
        assessed,
        and_(
            assessed.c.subject_kind == "identity",
            assessed.c.subject_id == their_links.c.identity_id,
        ),
    ).where(their_links.c.identity_id != identity_id, assessed.c.level.in_(list(levels)))


def _shared_values(identity_id: str, levels: Sequence[str]) -> Select[str, str]:
    mine, theirs = schema.links.alias("mine"), schema.links.alias("theirs")
    my_apps, their_apps = (
        schema.applications.alias("my_apps"),
        schema.applications.alias("their_apps"),
    )
    my_values = schema.applicant_values.alias("my_values")
    their_values = schema.applicant_values.alias("their_values")
    query = (
        select(my_values.c.kind.label("kind"), theirs.c.identity_id.label("identity_id"))
        .select_from(mine)
        .join(my_apps, my_apps.c.key == mine.c.app_key)
        .join(my_values, my_values.c.app_ref == my_apps.c.id)
        .join(
            their_values,
            and_(their_values.c.kind == my_values.c.kind, their_values.c.key == my_values.c.key),
        )
        .join(their_apps, their_apps.c.id == their_values.c.app_ref)
        .join(theirs, theirs.c.app_key == their_apps.c.key)
        .where(mine.c.identity_id == identity_id, my_values.c.kind.not_in(NOT_INFRASTRUCTURE))
    )
    return _flagged_other(query, theirs, identity_id, levels)


def _shared_hire_column(
    identity_id: str, levels: Sequence[str], kind: str, column: str
) -> Select[str, str]:
    mine, theirs = schema.links.alias("mine"), schema.links.alias("theirs")
    my_apps, their_apps = (
        schema.applications.alias("my_apps"),
        schema.applications.alias("their_apps"),
    )
    my_hires, their_hires = schema.hires.alias("my_hires"), schema.hires.alias("their_hires")
    same: ColumnElement[bool] = their_hires.c[column] == my_hires.c[column]
    query = (
        select(literal(kind).label("kind"), theirs.c.identity_id.label("identity_id"))
        .select_from(mine)
        .join(my_apps, my_apps.c.key == mine.c.app_key)
        .join(my_hires, _hired(my_hires, my_apps))
        .join(their_hires, same)
        .join(their_apps, _hired(their_hires, their_apps))
        .join(theirs, theirs.c.app_key == their_apps.c.key)
        .where(mine.c.identity_id == identity_id)
    )
    return _flagged_other(query, theirs, identity_id, levels)


def _hired(hires: FromClause, apps: FromClause) -> ColumnElement[bool]:
    """A hire's applications: the hr row names the candidate within its company."""
    return and_(
        apps.c.company_id == hires.c.company_id, apps.c.candidate_id == hires.c.candidate_id
    )

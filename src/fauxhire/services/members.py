"""The hub's members registry (issue 17, item 3): each member company by its company id, with
a display name and whether it opted in to be named to the other members (by default it is not:
the others see counts about it, never its name). Kept by the hub's admin, through `fauxhire
members` or `PUT /v1/members/{id}`; every change appends an audit event in the same unit of
work, and a change that changes nothing appends nothing, so re-running it is harmless."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final, NamedTuple

from fauxhire.errors import ConfigError, NotFound
from fauxhire.ports import AuditEvent
from fauxhire.ports.hub import Member, MemberAdmin

ADMIN_ROLE: Final = "admin"
MAX_TEXT: Final = 200
# A company id as records carry it; never a "/", which would make `company/application` ambiguous.
_MEMBER_ID: Final = re.compile(r"[^/\s](?:[^/]*[^/\s])?")


class Changer(NamedTuple):
    """Who changes the registry, for the audit trail: a person at the command line (no role),
    or an API caller with its role and request."""

    actor: str
    now: datetime
    role: str | None = None
    request_id: str | None = None


class Change(NamedTuple):
    member: Member
    created: bool
    changed: bool  # False: it was so already, and nothing was written


def list_members(store: MemberAdmin) -> list[Member]:
    return store.members()


def put_member(
    store: MemberAdmin,
    member_id: str,
    *,
    name: str | None = None,
    named: bool | None = None,
    by: Changer,
    exists: bool | None = None,
) -> Change:
    """Add the member or change its name or opt-in; ``None`` keeps what is stored (a new
    member needs a name, and is anonymous unless ``named``). ``exists`` True refuses a member
    not held (``NotFound``), False one held with other values; None takes either."""
    _check(member_id, name)
    with store.unit_of_work():
        held = store.member(member_id)
        if held is None and exists:
            raise NotFound(f"no member {member_id!r}", member_id=member_id)
        if held is None and name is None:
            raise ConfigError("a new member needs a name", field="name")
        wanted = _wanted(held, member_id, name, named, by.now)
        if held is not None and (held.name, held.named) == (wanted.name, wanted.named):
            return Change(held, created=False, changed=False)
        if held is not None and exists is False:
            raise ConfigError(
                f"member {member_id!r} is held already with other values: change it with set",
                field="member_id",
            )
        store.save_member(wanted)
        action = "member:add" if held is None else "member:update"
        store.append_audit(
            AuditEvent(
                actor=by.actor,
                action=action,
                subject=f"member:{member_id}",
                purpose="named" if wanted.named else "anonymous",
                at=by.now,
                role=by.role,
                request_id=by.request_id,
            )
        )
    return Change(wanted, created=held is None, changed=True)


def _wanted(
    held: Member | None, member_id: str, name: str | None, named: bool | None, now: datetime
) -> Member:
    if held is None:
        return Member(member_id, str(name).strip(), bool(named), now, now)
    return held._replace(
        name=held.name if name is None else name.strip(),
        named=held.named if named is None else named,
        updated_at=now,
    )


def _check(member_id: str, name: str | None) -> None:
    if not (len(member_id) <= MAX_TEXT and _MEMBER_ID.fullmatch(member_id)):
        raise ConfigError(
            f"a member id is its company id: 1 to {MAX_TEXT} characters, no '/', "
            "no space at either end",
            field="member_id",
        )
    if name is not None and not (0 < len(name.strip()) <= MAX_TEXT):
        raise ConfigError(f"a member's name is 1 to {MAX_TEXT} characters", field="name")

"""When a link between two applications shows two people presenting one identity.

A persona on a real applicant's identity presents their name, home address and profile, but
keeps its own mailbox, number and resume. A link that shows a mailbox or a number on both
sides, and agrees on none of them nor on any resume line, agrees only on what a borrower
copies: it is no evidence that the two are one person, and it never joins them. The full run
splits such links out of its clusters (``engines.embedded.borrowed``); an incremental run and
a screen drop them before they place a new application, so that a real person applying after
a persona took their identity is not merged into the persona and flagged with it.

One rule, over a link's levels (-1: missing on one side, 0: different, 1 or more: agreeing):
``parts_people`` for one scored pair, ``parts_people_expr`` for a frame of links.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import polars as pl

from fauxhire.link.engine import level_column
from fauxhire.link.spec import LinkSpec

# What a person keeps and a borrower cannot: their own mailbox, number and resume.
OWN: Final = ("email", "phone", "resume")
# The ones that, compared and different on a link, show two people (a resume is rewritten).
CONTACT: Final = ("email", "phone")


def parts_people(levels: Mapping[str, int]) -> bool:
    """True where a link's levels (comparison name -> level; a name not given is missing)
    show two people: a contact compared and different, and nothing a person keeps agreeing."""
    shares = any(levels.get(name, -1) >= 1 for name in OWN)
    return not shares and any(levels.get(name, -1) == 0 for name in CONTACT)


def shares_own(spec: LinkSpec) -> pl.Expr:
    """A link agrees on a mailbox, number or resume line (over the level columns of ``spec``)."""
    return pl.any_horizontal([_level(spec, name) >= 1 for name in OWN])


def contact_differs(spec: LinkSpec) -> pl.Expr:
    """A link compares a mailbox or number and finds it different."""
    return pl.any_horizontal([_level(spec, name) == 0 for name in CONTACT])


def parts_people_expr(spec: LinkSpec) -> pl.Expr:
    """``parts_people`` over a frame of links with the level columns of ``spec``."""
    return ~shares_own(spec) & contact_differs(spec)


def _level(spec: LinkSpec, name: str) -> pl.Expr:
    return pl.col(level_column(spec.comparison(name))).fill_null(-1)

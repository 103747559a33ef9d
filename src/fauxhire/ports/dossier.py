"""What the identity page reads of one identity's records (issue 18, item 2): the shapes
``store/dossier.py`` returns and the API answers with."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple


class TimelineEvent(NamedTuple):
    at: datetime | date | None  # None: the source gave no time
    kind: str  # application | meeting | signin | hire | report | partner
    company_id: str | None  # None: a partner's indicator, of no company
    source: str  # as an assessment cites it: "application:c-1/a-7"
    summary: str  # in words, with no contact detail in it


class SeenValue(NamedTuple):
    kind: str  # email | phone | address | linkedin | github | url
    key: str  # normalised: what linking compares
    display: str  # as the applicant gave it (decrypted)
    company_id: str
    application_id: str
    held_by: int  # the applications in the whole store that hold it

"""The roles an API key carries (issue 17): the hub's admin and analyst, a member company's
analyst and recruiter (scoped to that member), and a sharing partner. Here, not in
services/keys.py, so that `fauxhire keys --help` names them without loading the services."""

from __future__ import annotations

from typing import Final

MEMBER_ROLES: Final = ("member_analyst", "recruiter")
HUB_ROLES: Final = ("admin", "analyst", "partner")
ROLES: Final = ("admin", "analyst", "member_analyst", "recruiter", "partner")

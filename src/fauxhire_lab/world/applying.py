"""Applications: one presented person applying to one company, with the drift of real forms.

Shared by both populations; what differs (which companies, how often, what happens after) is
decided by the caller.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from fauxhire_lab.world import details, pools
from fauxhire_lab.world.model import Application, Company, Hire, Person


class Ids:
    """Application and candidate ids, per company, in the styles of each ATS."""

    def __init__(self) -> None:
        self.applications = 0
        self.candidates: dict[tuple[str, str], str] = {}
        self.candidates_made = 0  # not len(candidates): forget() shrinks it, ids must not repeat
        self.employees = 0

    def application(self, company: Company, rng: random.Random) -> str:
        self.applications += 1
        if company.ats == "greenhouse":
            return str(40_000_000 + self.applications)
        if company.ats == "lever":
            return f"{rng.getrandbits(32):08x}-{self.applications:012x}"
        return f"a-{self.applications}"

    def candidate(self, company: Company, person: Person) -> str:
        key = (company.company_id, person.identity_id)
        found = self.candidates.get(key)
        if found is None:
            self.candidates_made += 1
            n = self.candidates_made
            found = str(70_000_000 + n) if company.ats == "greenhouse" else f"cand-{n}"
            self.candidates[key] = found
        return found

    def forget(self, identity_id: str, companies: list[Company]) -> None:
        """Candidate ids are looked up only while one person's applications are made."""
        for company in companies:
            self.candidates.pop((company.company_id, identity_id), None)

    def employee(self) -> str:
        self.employees += 1
        return f"E-{self.employees:06d}"


def title_for(rng: random.Random, role: str) -> str:
    return rng.choice(pools.ROLE_TITLES[role])


def apply(
    rng: random.Random,
    ids: Ids,
    person: Person,
    company: Company,
    applied_at: datetime,
    *,
    role: str,
    interview: bool,
    source: str,
    referred_by: str | None,
    drift: float,
    late: bool = False,
) -> Application:
    """An application as the company's ATS holds it; ``drift`` scales how much details vary
    (0: the same name, contact details and resume every time)."""
    emails = list(person.later_emails if late and person.later_emails else person.emails)
    phones = list(person.later_phones if late and person.later_phones else person.phones)
    first, last = person.first, person.last
    if rng.random() < 0.03 * drift:
        first = details.typo(rng, first)
    elif person.middle and rng.random() < 0.3 * drift:
        first = f"{first} {person.middle[0]}."
    if len(emails) > 1 and rng.random() < (0.5 if drift else 0.0):
        emails.reverse()
        if rng.random() < 0.5:
            emails = emails[:1]
    if rng.random() < 0.1 * drift:
        emails = [emails[0].upper(), *emails[1:]]
    address, place = person.address, person.place
    if person.moved_at is not None and applied_at >= person.moved_at:
        assert person.later_place is not None
        address, place = person.later_address, person.later_place
    if rng.random() < 0.2 * drift:
        address = address.replace(" St,", " Street,").replace(" Ave,", " Avenue,")
    if person.agency is not None:
        _, agency_email, agency_phone = person.agency
        emails = [agency_email] + (emails[:1] if rng.random() < 0.5 else [])
        phones = [agency_phone]
    interviewed_at = applied_at + timedelta(days=rng.randint(4, 25)) if interview else None
    return Application(
        company=company,
        application_id=ids.application(company, rng),
        candidate_id=ids.candidate(company, person),
        person=person,
        applied_at=applied_at,
        job_title=title_for(rng, role),
        role=role,
        interviewed_at=interviewed_at,
        source=person.agency[0] if person.agency else source,
        referred_by=referred_by,
        first=first,
        last=last,
        emails=emails,
        phones=phones,
        address=address,
        place=place,
        resume=details.drift_resume(rng, person.resume) if drift else person.resume,
    )


def hire(
    rng: random.Random,
    ids: Ids,
    app: Application,
    *,
    shipping: str,
    payout: tuple[str, str],
    device: str,
) -> Hire:
    assert app.interviewed_at is not None
    start = (app.interviewed_at + timedelta(days=rng.randint(14, 40))).date()
    end: date | None = None
    if rng.random() < 0.25:
        end = start + timedelta(days=rng.randint(20, 300))
    handle = details.ascii_handle(app.person.first).replace("-", "")
    surname = details.ascii_handle(app.person.last).replace("-", "")
    employee = ids.employee()
    hired = Hire(
        employee_id=employee,
        work_email=f"{handle}.{surname}.{employee[2:]}@{app.company.domain}",
        start=start,
        end=end,
        shipping_address=shipping,
        payout_method=payout[0],
        payout_account=payout[1],
        device_id=device,
    )
    app.hire = hired
    app.person.hires += 1
    return hired

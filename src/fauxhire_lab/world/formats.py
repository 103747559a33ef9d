"""Applications, meetings, hires and sign-ins written as each vendor's export holds them.

The shapes follow the samples in shared/samples (docs/formats.md sections 4 to 9).
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fauxhire_lab.world import details, pools
from fauxhire_lab.world.model import Application, Hire, Person

GH_STAGES = ("Application Review", "Recruiter Screen", "Technical Interview", "Onsite Interview")
LEVER_STAGES = {False: ("lead-new", "applicant-new"), True: ("phone-screen", "on-site-interview")}
CANON_STAGES = {
    False: ("Application Received", "Application Review"),
    True: ("Phone Screen", "Technical Interview", "Final Interview"),
}
# Egress kinds an identity provider flags as a proxy or an anonymiser.
ANONYMISING = frozenset({"vpn", "proxy", "hosting", "tor"})
HR_HEADER = [
    "candidate_id",
    "employee_id",
    "work_email",
    "legal_name",
    "start_date",
    "end_date",
    "shipping_address",
    "payout_method",
    "payout_account",
    "device_id",
]


def iso(dt: datetime, *, ms: bool = False) -> str:
    text = dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{dt.microsecond // 1000:03d}Z" if ms else f"{text}Z"


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _phones(rng: random.Random, app: Application) -> list[str]:
    return [details.written_phone(p, rng.randrange(3)) for p in app.phones]


def canonical(rng: random.Random, app: Application) -> dict[str, Any]:
    p = app.person
    return {
        "company_id": app.company.company_id,
        "application_id": app.application_id,
        "candidate_id": app.candidate_id,
        "applied_at": iso(app.applied_at),
        "job_title": app.job_title,
        "stage": rng.choice(CANON_STAGES[app.interview]),
        "interviewed_at": iso(app.interviewed_at) if app.interviewed_at else None,
        "first_name": app.first,
        "last_name": app.last,
        "emails": app.emails,
        "phones": _phones(rng, app),
        "address": app.address,
        "urls": p.urls,
        "resume_text": app.resume,
        "education": p.education,
        "employment": p.employment,
        "source": app.source,
        "referred_by": app.referred_by,
        "claimed_location": details.claimed_location(app.place),
    }


def greenhouse_candidate(
    rng: random.Random, apps: list[Application], resume_url: str | None
) -> dict[str, Any]:
    first, p = apps[0], apps[0].person
    links = [u for u in p.urls if "linkedin" in u]
    sites = [u for u in p.urls if "linkedin" not in u]
    return {
        "id": int(first.candidate_id),
        "first_name": first.first,
        "last_name": first.last,
        "company": p.employment[0]["employer"] if p.employment else None,
        "title": p.employment[0]["title"] if p.employment else None,
        "created_at": iso(first.applied_at, ms=True),
        "updated_at": iso(apps[-1].applied_at + timedelta(days=2), ms=True),
        "is_private": False,
        "photo_url": None,
        "attachments": [
            {
                "filename": resume_url.rsplit("/", 1)[-1],
                "url": resume_url,
                "type": "resume",
                "created_at": iso(first.applied_at, ms=True),
            }
        ]
        if resume_url
        else [],
        "application_ids": [int(a.application_id) for a in apps],
        "phone_numbers": [{"value": v, "type": "mobile"} for v in _phones(rng, first)],
        "addresses": [{"value": first.address, "type": "home"}],
        "email_addresses": [{"value": e, "type": "personal"} for e in first.emails],
        "website_addresses": [{"value": u, "type": "portfolio"} for u in sites],
        "social_media_addresses": [{"value": u} for u in links],
        "recruiter": None,
        "coordinator": None,
        "can_email": True,
        "tags": [],
        "applications": [_gh_application(rng, a) for a in apps],
        "educations": [
            {
                "school_name": e["school"],
                "degree": e["degree"],
                "end_date": f"{e['end']}-06-01T00:00:00.000Z",
            }
            for e in p.education
        ],
        "employments": [
            {
                "company_name": j["employer"],
                "title": j["title"],
                "start_date": f"{j['start']}-01-01T00:00:00.000Z",
                "end_date": f"{j['end']}-12-31T00:00:00.000Z" if j["end"] else None,
            }
            for j in p.employment
        ],
    }


def _gh_application(rng: random.Random, app: Application) -> dict[str, Any]:
    stage = rng.choice(GH_STAGES[1:]) if app.interview else GH_STAGES[0]
    credited = None
    if app.referred_by:
        first, _, last = app.referred_by.partition(" ")
        credited = {
            "id": rng.randint(10_000, 99_999),
            "first_name": first,
            "last_name": last,
            "name": app.referred_by,
            "employee_id": None,
        }
    return {
        "id": int(app.application_id),
        "candidate_id": int(app.candidate_id),
        "prospect": False,
        "applied_at": iso(app.applied_at, ms=True),
        "rejected_at": None,
        "last_activity_at": iso(app.applied_at + timedelta(days=3), ms=True),
        "location": {"address": details.claimed_location(app.place)},
        "source": {
            "id": pools.SOURCES.index(app.source) + 1 if app.source in pools.SOURCES else 99,
            "public_name": app.source,
        },
        "credited_to": credited,
        "jobs": [{"id": 4400 + len(app.job_title), "name": app.job_title}],
        "status": "active",
        "current_stage": {"id": 77000 + GH_STAGES.index(stage), "name": stage},
        "answers": [],
        "attachments": [],
    }


def lever_opportunity(rng: random.Random, app: Application) -> dict[str, Any]:
    ms = int(app.applied_at.timestamp() * 1000)
    stage = rng.choice(LEVER_STAGES[app.interview])
    return {
        "id": app.application_id,
        "name": f"{app.first} {app.last}",
        "contact": app.candidate_id,
        "headline": "",
        "emails": app.emails,
        "phones": [{"type": "mobile", "value": v} for v in _phones(rng, app)],
        "location": details.claimed_location(app.place),
        "links": app.person.urls,
        "createdAt": ms,
        "updatedAt": ms + 86_400_000,
        "stage": {"id": stage, "text": stage},
        "applications": [
            {
                "id": _uuid(rng),
                "type": "posting",
                "posting": {"id": f"posting-{len(app.job_title)}", "text": app.job_title},
            }
        ],
        "sources": [app.source],
        "origin": "applied",
        "archived": None,
        "tags": [],
    }


def zoom_meeting(rng: random.Random, app: Application, ip: str, staff_ip: str) -> dict[str, Any]:
    assert app.interviewed_at is not None
    p, start = app.person, app.interviewed_at
    join = start + timedelta(minutes=rng.randint(-2, 4))
    windows = p.pc_name.startswith("DESKTOP") or rng.random() < 0.5
    candidate = {
        "id": "",
        "user_id": str(rng.randint(16_000_000, 16_999_999)),
        "user_name": f"{app.first} {app.last}",
        "device": "Windows" if windows else "Mac",
        "ip_address": ip,
        "location": f"{app.place.city} ({app.place.country})",
        "network_type": rng.choice(("Wired", "Wifi")),
        "camera": p.camera,
        "join_time": iso(join),
        "leave_time": iso(join + timedelta(minutes=rng.randint(25, 60))),
        "pc_name": p.pc_name
        or (f"DESKTOP-{rng.getrandbits(16):04X}" if windows else "MacBook-Pro"),
        "email": app.emails[0],
        "role": "attendee",
        "os": "Windows" if windows else "Mac",
        "participant_uuid": _uuid(rng),
    }
    staff = {
        "id": f"internalUser{rng.randint(100, 999)}",
        "user_id": str(rng.randint(1, 10**7)),
        "user_name": "Interviewer",
        "device": "Mac",
        "ip_address": staff_ip,
        "location": "Office",
        "camera": "FaceTime HD Camera",
        "join_time": iso(start),
        "leave_time": iso(start + timedelta(minutes=60)),
        "pc_name": "MacBook-Pro",
        "email": f"interviews@{app.company.domain}",
        "role": "host",
        "os": "Mac",
        "participant_uuid": _uuid(rng),
    }
    return {
        "meeting_id": str(rng.randint(10**10, 10**11)),
        "topic": f"Interview: {app.job_title}",
        "start_time": iso(start),
        "participants": [staff, candidate],
    }


def signin_times(rng: random.Random, person: Person, hired: Hire, n: int) -> list[datetime]:
    """Sign-ins on working days of the first weeks, at the hours the person really works."""
    times = []
    base = datetime(hired.start.year, hired.start.month, hired.start.day, tzinfo=UTC)
    for _ in range(n):
        day = base + timedelta(days=rng.randrange(30))
        local_hour = rng.gauss(10.5, 2.0)
        times.append(day + timedelta(hours=local_hour - person.active_offset))
    return sorted(times)


def okta_event(
    rng: random.Random, app: Application, when: datetime, ip: str, egress: pools.Egress
) -> dict[str, Any]:
    assert app.hire is not None
    flagged = egress.kind in ANONYMISING
    return {
        "uuid": _uuid(rng),
        "published": iso(when, ms=True),
        "eventType": rng.choice(("user.session.start", "user.authentication.sso")),
        "version": "0",
        "severity": "INFO",
        "displayMessage": "User login to Okta",
        "actor": {
            "id": f"00u{rng.getrandbits(40):010x}",
            "type": "User",
            "alternateId": app.hire.work_email,
            "displayName": app.person.name,
        },
        "client": {
            "userAgent": {
                "rawUserAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
                "os": "Windows 10",
                "browser": "CHROME",
            },
            "device": "Computer",
            "ipAddress": ip,
            "geographicalContext": {"country": egress.country},
        },
        "outcome": {"result": "SUCCESS" if rng.random() < 0.95 else "FAILURE"},
        "securityContext": {
            "asNumber": egress.asn,
            "asOrg": egress.as_org,
            "isp": egress.as_org,
            "domain": None,
            "isProxy": flagged,
        },
        "debugContext": {
            "debugData": {
                "behaviors": "{New Geo-Location=%s, New Device=NEGATIVE, New IP=POSITIVE}"
                % ("POSITIVE" if flagged else "NEGATIVE"),
                "risk": "{level=MEDIUM, reasons=Anomalous Location}" if flagged else "{level=LOW}",
            }
        },
        "request": {"ipChain": [{"ip": ip, "version": "V4"}]},
    }


def entra_signin(
    rng: random.Random, app: Application, when: datetime, ip: str, egress: pools.Egress
) -> dict[str, Any]:
    assert app.hire is not None
    flagged = egress.kind in ANONYMISING
    return {
        "id": _uuid(rng),
        "createdDateTime": iso(when),
        "userDisplayName": app.person.name,
        "userPrincipalName": app.hire.work_email,
        "userId": _uuid(rng),
        "appId": _uuid(rng),
        "appDisplayName": "Office 365 Exchange Online",
        "ipAddress": ip,
        "clientAppUsed": "Browser",
        "conditionalAccessStatus": "success",
        "isInteractive": True,
        "riskLevelDuringSignIn": "medium" if flagged else "none",
        "riskEventTypes_v2": ["anonymizedIPAddress"] if egress.kind in ("vpn", "tor") else [],
        "status": {"errorCode": 0, "failureReason": "Other.", "additionalDetails": None},
        "deviceDetail": {
            "deviceId": "",
            "displayName": app.hire.device_id,
            "operatingSystem": "Windows10",
            "browser": "Chrome 123.0.0",
        },
        "location": {"city": "", "state": "", "countryOrRegion": egress.country},
    }


def hr_row(app: Application) -> list[str]:
    h = app.hire
    assert h is not None
    return [
        app.candidate_id,
        h.employee_id,
        h.work_email,
        app.person.name,
        h.start.isoformat(),
        h.end.isoformat() if h.end else "",
        h.shipping_address,
        h.payout_method,
        h.payout_account,
        h.device_id,
    ]

"""A couple with a joint account and one home is one household, whether or not their
applications gave the home; personas claiming homes elsewhere who share an account and a
drop address are a network."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from fauxhire.cli import app

runner = CliRunner()

HR_COLUMNS = (
    "candidate_id,employee_id,work_email,legal_name,start_date,end_date,"
    "shipping_address,payout_method,payout_account,device_id"
)
PEOPLE = (  # name, email, phone, company
    ("Dana", "Okafor", "dana.okafor.77@example.com", "+1 206-555-0142", "c-1"),
    ("Sam", "Lindqvist", "s.lindqvist.91@example.org", "+1 206-555-0187", "c-2"),
)
SHARED_HOME = "88 Alder Lane, Seattle, WA 98101, US"


def _folder(root: Path, homes: tuple[str | None, str | None]) -> Path:
    """Two people hired at two companies, paid into one account, equipment shipped to one
    address; each application gives ``homes[i]`` as its address (None: none given)."""
    folder = root / "input"
    (folder / "applications").mkdir(parents=True)
    (folder / "hr").mkdir()
    (folder / "companies.csv").write_text(
        "company_id,name,domain,country,naics,tags\n"
        "c-1,Alder Systems,alder.example.com,US,541511,\n"
        "c-2,Birch Health,birch.example.org,US,621111,\n",
        encoding="utf-8",
    )
    lines = []
    for n, ((first, last, email, phone, company), home) in enumerate(
        zip(PEOPLE, homes, strict=True)
    ):
        record = {
            "company_id": company,
            "application_id": f"a-{n}",
            "candidate_id": f"cand-{n}",
            "applied_at": "2025-02-03T15:00:00Z",
            "job_title": "Data Engineer",
            "stage": "Offer",
            "interviewed_at": "2025-02-10T16:00:00Z",
            "first_name": first,
            "last_name": last,
            "emails": [email],
            "phones": [phone],
            "urls": [],
            "resume_text": f"{first} {last}\nData engineer at the {last} family firm.\n",
        }
        if home is not None:
            record["address"] = home
        lines.append(json.dumps(record))
        with (folder / "hr" / f"{company}.csv").open("w", newline="", encoding="utf-8") as fh:
            fh.write(HR_COLUMNS + "\n")
            csv.writer(fh).writerow(
                [f"cand-{n}", f"E-{n}", f"{first.lower()}@{company}.example.com",
                 f"{first} {last}", "2025-03-01", "", SHARED_HOME, "bank", "joint-acct-5521", ""]
            )  # fmt: skip
    (folder / "applications" / "part-0001.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "okta").mkdir()
    for first, _, _, _, company in PEOPLE:  # both from the one home line
        events = [_signin(f"{first.lower()}@{company}.example.com", day) for day in (3, 4, 5)]
        (folder / "okta" / f"{company}.json").write_text("\n".join(events) + "\n")
    return folder


def _signin(login: str, day: int) -> str:
    return json.dumps(
        {
            "uuid": f"{login}-{day}",
            "published": f"2025-03-{day:02d}T16:30:00.000Z",
            "eventType": "user.session.start",
            "actor": {"id": login, "type": "User", "alternateId": login},
            "client": {
                "ipAddress": "198.51.100.23",
                "geographicalContext": {"country": "US"},
            },
            "securityContext": {"asNumber": 64600, "asOrg": "Example Cable", "isProxy": False},
            "outcome": {"result": "SUCCESS"},
        }
    )


def _networks(tmp_path: Path, homes: tuple[str | None, str | None]) -> set[str]:
    folder = _folder(tmp_path, homes)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    result = runner.invoke(app, ["run", str(folder), "--db", db])
    assert result.exit_code == 0, result.output
    out = tmp_path / "links.csv"
    result = runner.invoke(app, ["export", "links", "--out", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len({r["identity_id"] for r in rows}) == 2  # two people, not one
    return {r["network_id"] for r in rows}


def test_a_couple_whose_applications_give_no_home_is_one_household(tmp_path: Path) -> None:
    assert _networks(tmp_path, (None, None)) == {""}


def test_a_couple_declaring_their_home_is_one_household(tmp_path: Path) -> None:
    assert _networks(tmp_path, (SHARED_HOME, SHARED_HOME)) == {""}


def test_two_claiming_homes_elsewhere_with_one_account_and_drop_address_are_a_network(
    tmp_path: Path,
) -> None:
    claimed = ("12 Pine St, Austin, TX 78701, US", "400 Oak Ave, Denver, CO 80202, US")
    networks = _networks(tmp_path, claimed)
    assert len(networks) == 1 and "" not in networks

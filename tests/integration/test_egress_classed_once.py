"""One egress address is one kind for linking and for assessment (issue 16).

Linking used to class addresses on the customer's ipintel.csv alone, and assessment on it and
the reference data fauxhire ships. A sign-in through a VPN known only to the reference data
(by its AS number) then tied two strangers into a network, while their assessments called the
same address a VPN exit: a commercial VPN's exits are shared by design and tie nobody."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fauxhire.cli import app

runner = CliRunner()
SHARED_IP = "198.51.100.77"
NORDVPN_AS = 136787  # in the shipped reference data: a VPN, by AS number only
CABLE_AS = 64600  # a private-use AS number: nothing is known of it
PEOPLE = (  # first, last, email, phone, company, claimed home
    ("Ines", "Marlow", "ines.marlow@example.com", "+1 312-555-0110", "c-1",
     "12 Pine St, Austin, TX 78701, US"),
    ("Tomas", "Reyes", "t.reyes.dev@example.org", "+1 503-555-0163", "c-2",
     "400 Oak Ave, Denver, CO 80202, US"),
)  # fmt: skip


def _folder(root: Path, asn: int | None) -> Path:
    """Two strangers hired at two companies, each signing in three times from one address
    whose identity provider gave ``asn`` (None: each from an address of their own), and both
    paid into one account."""
    folder = root / "input"
    for part in ("applications", "hr", "okta"):
        (folder / part).mkdir(parents=True)
    (folder / "companies.csv").write_text(
        "company_id,name,domain,country,naics,tags\n"
        "c-1,Alder Systems,alder.example.com,US,541511,\n"
        "c-2,Birch Health,birch.example.org,US,621111,\n",
        encoding="utf-8",
    )
    lines = []
    for n, (first, last, email, phone, company, home) in enumerate(PEOPLE):
        lines.append(json.dumps({
            "company_id": company, "application_id": f"a-{n}", "candidate_id": f"cand-{n}",
            "applied_at": "2025-02-03T15:00:00Z", "job_title": "Data Engineer", "stage": "Offer",
            "first_name": first, "last_name": last, "emails": [email], "phones": [phone],
            "urls": [], "address": home,
            "resume_text": f"{first} {last}\nData engineer, {n + 3} years of pipelines.\n",
        }))  # fmt: skip
        login = f"{first.lower()}@{company}.example.com"
        (folder / "hr" / f"{company}.csv").write_text(
            "candidate_id,employee_id,work_email,legal_name,start_date,end_date,"
            "shipping_address,payout_method,payout_account,device_id\n"
            f'cand-{n},E-{n},{login},{first} {last},2025-03-01,,"{home}",bank,acct-5521,\n',
            encoding="utf-8",
        )
        ip = SHARED_IP if asn is not None else f"198.51.100.{10 + n}"
        events = [_signin(login, day, ip, asn or CABLE_AS) for day in (3, 4, 5)]
        (folder / "okta" / f"{company}.json").write_text("\n".join(events) + "\n")
    (folder / "applications" / "part-0001.jsonl").write_text("\n".join(lines) + "\n")
    return folder


def _signin(login: str, day: int, ip: str, asn: int) -> str:
    return json.dumps({
        "uuid": f"{login}-{day}", "published": f"2025-03-{day:02d}T16:30:00.000Z",
        "eventType": "user.session.start",
        "actor": {"id": login, "type": "User", "alternateId": login},
        "client": {"ipAddress": ip, "geographicalContext": {"country": "US"}},
        "securityContext": {"asNumber": asn, "asOrg": "", "isProxy": False},
        "outcome": {"result": "SUCCESS"},
    })  # fmt: skip


def _run(tmp_path: Path, asn: int | None) -> tuple[set[str], list[dict[str, object]]]:
    """The network ids the two identities got, and their assessments."""
    db = f"sqlite:///{tmp_path / 'store.db'}"
    result = runner.invoke(app, ["run", str(_folder(tmp_path, asn)), "--db", db])
    assert result.exit_code == 0, result.output
    links, assessed = tmp_path / "links.csv", tmp_path / "assessments.jsonl"
    for kind, out in (("links", links), ("assessments", assessed)):
        result = runner.invoke(app, ["export", kind, "--out", str(out), "--db", db])
        assert result.exit_code == 0, result.output
    with links.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len({r["identity_id"] for r in rows}) == 2
    lines = assessed.read_text(encoding="utf-8").splitlines()
    return {r["network_id"] for r in rows}, [json.loads(line) for line in lines]


def _names_vpn(assessment: dict[str, object]) -> bool:
    return "NordVPN" in json.dumps(assessment.get("evidence"))


@pytest.mark.parametrize(
    ("asn", "one_network", "vpn"),
    [
        # The case that disagreed: assessment calls the exit NordVPN's, so it ties nobody, and
        # one shared account alone is no network (an employer-of-record's, a family's).
        (NORDVPN_AS, False, True),
        # The controls: an address of no known kind is a private line, and with the account
        # makes a network; with no address in common, the account alone makes none.
        (CABLE_AS, True, False),
        (None, False, False),
    ],
    ids=["vpn-exit", "private-line", "no-shared-address"],
)
def test_linking_ties_on_what_assessment_calls_a_private_address(
    tmp_path: Path, asn: int | None, one_network: bool, vpn: bool
) -> None:
    networks, assessments = _run(tmp_path, asn)
    identities = [a for a in assessments if a.get("subject_kind", "identity") == "identity"]
    assert len(identities) == 2
    assert [_names_vpn(a) for a in identities] == [vpn, vpn]
    assert ("" not in networks and len(networks) == 1) is one_network

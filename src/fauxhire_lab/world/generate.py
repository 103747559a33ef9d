"""Generate a demo world: an input folder (docs/formats.md section 1) and its truth folder."""

from __future__ import annotations

import csv
import io
import random
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from fauxhire_lab.world import details, formats, pools
from fauxhire_lab.world.applying import Ids
from fauxhire_lab.world.companies import make_companies
from fauxhire_lab.world.feeds import employer_reports, stix_bundle
from fauxhire_lab.world.legit import Legit
from fauxhire_lab.world.lookalikes import home_line
from fauxhire_lab.world.model import Application, Company, Person
from fauxhire_lab.world.operation import make_operation
from fauxhire_lab.world.resumes import ResumeFiles
from fauxhire_lab.world.sink import FolderSink
from fauxhire_lab.world.spec import WorldSpec, overrides_of
from fauxhire_lab.world.truth import TruthWriter, report_figures

VERSION = 1
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class WorldSummary:
    input_dir: Path
    truth_dir: Path
    companies: int
    applications: int
    identities: int
    dprk_identities: int
    networks: int


def generate(
    spec: WorldSpec, input_dir: Path, truth_dir: Path, progress: Progress | None = None
) -> WorldSummary:
    """Write the world of ``spec``; ``progress`` is called with legitimate people done."""
    rng = random.Random(f"{spec.seed}:world")
    ids = Ids()
    companies = make_companies(spec, rng)
    sink, truth = FolderSink(input_dir), TruthWriter(truth_dir)
    emitter = _Emitter(spec, sink, truth, ResumeFiles(sink))
    _write_directory(sink, companies)
    networks, dprk_apps, borrowed = make_operation(spec, companies, ids)
    emitter.emit(dprk_apps)
    personas = [p for n in networks for p in n.personas]
    for persona in personas:
        truth.identity(persona)
    legit_hires: list[Application] = []
    for people, apps in Legit(spec, companies, ids, borrowed).blocks():
        emitter.emit(apps)
        for person in people:
            truth.identity(person)
        legit_hires += [a for a in apps if a.hire and "wrongly_reported" in a.person.hard_cases]
        if progress is not None:
            progress(len(people))
    reports = employer_reports(spec, [a for a in dprk_apps if a.hire], legit_hires)
    for i, chunk in enumerate(_chunks(reports, 500)):
        sink.file(f"reports/reports-{i + 1:03d}.jsonl", b"".join(chunk))
    sink.file("intel/partner-feed.json", stix_bundle(spec, networks, emitter.shared_ips))
    sink.file("ipintel.csv", _ipintel())
    sink.finish()
    period = (spec.start.date().isoformat(), (spec.end - timedelta(days=1)).date().isoformat())
    report = report_figures(dprk_apps, len(personas), period)
    world = {
        "version": VERSION,
        "spec": spec.model_dump(mode="json"),
        "overrides": overrides_of(spec),
    }
    truth.finish(networks, report, world)
    return WorldSummary(
        input_dir,
        truth_dir,
        len(companies),
        ids.applications,
        truth.counts["legitimate.identities"] + len(personas),
        len(personas),
        len(networks),
    )


def _chunks(items: list[bytes], size: int) -> list[list[bytes]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class _Emitter:
    """Writes each application in its company's formats, with its meeting, hire and sign-ins."""

    def __init__(
        self, spec: WorldSpec, sink: FolderSink, truth: TruthWriter, resumes: ResumeFiles
    ) -> None:
        self.spec, self.sink, self.truth, self.resumes = spec, sink, truth, resumes
        self.rng = random.Random(f"{spec.seed}:emit")
        self.shared_ips: list[str] = []  # NAT addresses, for the feed's wrong indicators

    def emit(self, apps: list[Application]) -> None:
        greenhouse: dict[tuple[str, str], list[Application]] = defaultdict(list)
        for app in apps:
            company = app.company
            if company.ats == "greenhouse":
                greenhouse[(company.company_id, app.candidate_id)].append(app)
            elif company.ats == "lever":
                self.sink.company_record(
                    "lever", company.company_id, formats.lever_opportunity(self.rng, app)
                )
            else:
                self.sink.canonical_row(formats.canonical(self.rng, app))
            if app.interview and company.zoom:
                self._meeting(app)
            if app.hire is not None:
                self._hire(app)
            self.truth.application(app)
        for (company_id, _), group in greenhouse.items():
            url = self.resumes.attach(self.rng, group[0])
            record = formats.greenhouse_candidate(self.rng, group, url)
            self.sink.company_record("greenhouse", company_id, record)

    def _ip(self, person: Person, when: datetime) -> tuple[str, pools.Egress]:
        # A NAT or a farm's line is one of the ways in; a home line is the way in.
        if person.egress_ips and (_home_line_only(person) or self.rng.random() < 0.7):
            ip = self.rng.choice(person.egress_ips)
            if "shared_nat" in person.hard_cases and ip not in self.shared_ips:
                self.shared_ips.append(ip)
            return ip, _fixed_ip_kind(person)
        moved = person.moved_at is not None and when >= person.moved_at
        egress = self.rng.choice(person.later_egress if moved else person.egress)
        return details.host_in(egress, self.rng.getrandbits(24)), egress

    def _meeting(self, app: Application) -> None:
        assert app.interviewed_at is not None
        ip, _ = self._ip(app.person, app.interviewed_at)
        staff_ip = details.host_in(pools.OFFICE, zlib.crc32(app.company.company_id.encode()))
        meeting = formats.zoom_meeting(self.rng, app, ip, staff_ip)
        self.sink.company_record("zoom", app.company.company_id, meeting)

    def _hire(self, app: Application) -> None:
        company = app.company
        self.sink.company_record("hr", company.company_id, formats.hr_row(app))
        assert app.hire is not None
        for when in formats.signin_times(self.rng, app.person, app.hire, self.rng.randint(4, 10)):
            ip, egress = self._ip(app.person, when)
            if company.idp == "okta":
                event = formats.okta_event(self.rng, app, when, ip, egress)
            else:
                event = formats.entra_signin(self.rng, app, when, ip, egress)
            self.sink.company_record(company.idp, company.company_id, event)


def _home_line_only(person: Person) -> bool:
    return person.population == "legitimate" and "shared_nat" not in person.hard_cases


def _fixed_ip_kind(person: Person) -> pools.Egress:
    """The block of a person's fixed IP: a campus or coworking NAT, a laptop farm's US line, or
    the person's own home line (a household, one holding several jobs)."""
    if "shared_nat" in person.hard_cases:
        return pools.CAMPUS_NAT
    if person.population == "dprk":
        return pools.RESIDENTIAL["US"]
    return home_line(person)


def _write_directory(sink: FolderSink, companies: list[Company]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["company_id", "name", "domain", "country", "naics", "tags"])
    for c in companies:
        writer.writerow([c.company_id, c.name, c.domain, c.country, c.naics, ";".join(c.tags)])
    sink.file("companies.csv", out.getvalue().encode())


def _ipintel() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["network", "asn", "as_org", "country", "kind", "provider"])
    blocks = [
        *pools.RESIDENTIAL.values(),
        pools.US_MOBILE,
        pools.OFFICE,
        pools.CAMPUS_NAT,
        pools.COWORKING,
        *pools.VPNS,
        *pools.HOSTING,
        pools.RESIDENTIAL_PROXY,
    ]
    for b in blocks:
        writer.writerow([b.network, b.asn, b.as_org, b.country, b.kind, b.provider])
    return out.getvalue().encode()

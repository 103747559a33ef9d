"""Greenhouse Harvest candidates -> Applications, and the resume files they point at."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import orjson
import pytest

from fauxhire.domain import Application, ValueKind
from fauxhire.errors import IngestError, WrongFormatError
from fauxhire.ingest import greenhouse
from fauxhire.ingest.base import IngestContext, Quarantined, SourceFile

SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"


def candidate() -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(
        (SAMPLES / "greenhouse_harvest_v1_candidate.json").read_bytes()
    )
    return data


def write(
    folder: Path, data: Any, *, company: str | None = "c-0042", lines: bool = False
) -> SourceFile:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "c-0042.json"
    if lines:
        path.write_bytes(b"\n".join(orjson.dumps(item) for item in data) + b"\n")
    else:
        path.write_bytes(orjson.dumps(data))
    return SourceFile(path, f"greenhouse/{path.name}", company)


def run(source: SourceFile) -> tuple[list[Application], list[Quarantined]]:
    apps: list[Application] = []
    bad: list[Quarantined] = []
    for item in greenhouse.iter_records(source, IngestContext()):
        if isinstance(item, Quarantined):
            bad.append(item)
        else:
            assert isinstance(item, Application)
            apps.append(item)
    return apps, bad


def test_sample_candidate_becomes_one_application(tmp_path: Path) -> None:
    apps, bad = run(write(tmp_path, [candidate()]))
    assert bad == []
    [app] = apps
    assert (app.company_id, app.application_id, app.candidate_id) == ("c-0042", "910001", "510001")
    assert app.applied_at == datetime(2025, 3, 3, 14, 2, 11, 120000, tzinfo=UTC)
    assert app.job_title == "Senior Backend Engineer (Remote, US)"
    assert app.stage == "Technical Interview"
    assert app.is_interview is True
    assert app.status == "active"
    assert app.source == "Jobs page on your website"
    assert app.referred_by is None
    assert app.provenance.location == "/0/applications/0"
    assert app.provenance.source_system == "greenhouse"
    person = app.applicant
    assert (person.first_name, person.last_name) == ("Alex", "Example")
    assert person.claimed_location == "Austin, Texas, United States"
    assert [e.key for e in person.emails] == ["alex.example.dev@example.com"]
    assert [p.key for p in person.phones] == ["+15125550147"]
    assert len(person.addresses) == 1
    kinds = sorted(u.kind for u in person.urls)
    # The GitHub profile is both a social address and an answer: it is kept once.
    assert kinds == sorted([ValueKind.URL, ValueKind.GITHUB, ValueKind.LINKEDIN])
    assert person.education[0]["school_name"] == "Example State University"
    assert person.employment[0]["company_name"] == "Example Software LLC"
    assert person.resume_text is None
    # "Yes" is an answer, not a URL: it must not show up as an invalid value.
    assert "invalid_values" not in app.extra
    assert app.extra["resume_skipped"] == ["https://example-s3.invalid/signed-url-expires"]
    assert app.extra["candidate"]["tags"] == ["Python", "Go"]
    assert app.extra["jobs"] == [{"id": 4401}]
    assert app.extra["answers"][2]["answer"] == "Yes"


def test_single_object_and_json_lines_layouts(tmp_path: Path) -> None:
    apps, _ = run(write(tmp_path / "one", candidate()))
    assert [a.provenance.location for a in apps] == ["/applications/0"]
    second = candidate()
    second["id"] = 510002
    second["applications"][0]["id"] = 910002
    apps, _ = run(write(tmp_path / "lines", [candidate(), second], lines=True))
    assert [a.provenance.location for a in apps] == [
        "line 1, /applications/0",
        "line 2, /applications/0",
    ]
    assert [a.candidate_id for a in apps] == ["510001", "510002"]


def test_each_application_is_its_own_record_and_bad_ones_are_quarantined(tmp_path: Path) -> None:
    person = candidate()
    good = person["applications"][0]
    no_jobs = dict(good, id=910002, jobs=[])
    bad_date = dict(good, id=910003, applied_at="yesterday")
    person["applications"] = [no_jobs, good, bad_date]
    missing_id = candidate()
    del missing_id["id"]
    apps, bad = run(write(tmp_path, [person, missing_id]))
    assert [a.application_id for a in apps] == ["910001"]
    assert apps[0].provenance.location == "/0/applications/1"
    by_field = {q.field: q for q in bad}
    assert set(by_field) == {"applications.0.jobs", "applications.2.applied_at", "id"}
    assert by_field["applications.0.jobs"].location == "/0/applications/0"
    assert "at least 1" in by_field["applications.0.jobs"].reason
    assert by_field["id"].location == "/1"
    assert by_field["id"].reason == "required field is missing"


def test_wrong_type_is_quarantined(tmp_path: Path) -> None:
    person = candidate()
    person["email_addresses"] = "alex@example.com"  # a string where Harvest sends a list
    apps, bad = run(write(tmp_path, [person, candidate()]))
    assert len(apps) == 1
    assert [q.field for q in bad] == ["email_addresses"]


def test_company_is_required(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as info:
        run(write(tmp_path, [candidate()], company=None))
    assert info.value.code == "company_required"
    assert "--company" in str(info.value)


def test_other_format_is_refused(tmp_path: Path) -> None:
    okta = orjson.loads((SAMPLES / "okta_system_log_events.json").read_bytes())
    with pytest.raises(WrongFormatError, match=r"expected Greenhouse .* looks like Okta"):
        run(write(tmp_path, okta))


@pytest.mark.parametrize(
    ("credited_to", "expected"),
    [
        ({"id": 1, "name": "Rita Recruiter", "employee_id": "E-100"}, "E-100"),
        ({"id": 1, "name": "Rita Recruiter", "employee_id": None}, "Rita Recruiter"),
        (None, None),
    ],
)
def test_referrer_is_the_employee_id_when_known(
    tmp_path: Path, credited_to: dict[str, Any] | None, expected: str | None
) -> None:
    person = candidate()
    person["applications"][0]["credited_to"] = credited_to
    [app], _ = run(write(tmp_path, [person]))
    assert app.referred_by == expected


def test_review_stage_is_not_an_interview(tmp_path: Path) -> None:
    person = candidate()
    person["applications"][0]["current_stage"] = {"id": 1, "name": "Application Review"}
    [app], _ = run(write(tmp_path, [person]))
    assert app.is_interview is False


# --- resumes ---------------------------------------------------------------------------------


def with_resume(url: str, *, on_candidate: str | None = None) -> dict[str, Any]:
    person = candidate()
    person["applications"][0]["attachments"] = [{"filename": "cv", "url": url, "type": "resume"}]
    person["attachments"] = (
        [{"filename": "cv", "url": on_candidate, "type": "resume"}] if on_candidate else []
    )
    return person


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` in Helvetica, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_resume_text_from_txt_pdf_and_docx(tmp_path: Path) -> None:
    folder = tmp_path / "greenhouse"
    attachments = folder / "attachments"
    attachments.mkdir(parents=True)
    (attachments / "alex.txt").write_bytes("Alex Example\nGo developer \xff".encode("latin-1"))
    (attachments / "alex.pdf").write_bytes(minimal_pdf("Alex Example PDF resume"))
    document = docx.Document()
    document.add_paragraph("Alex Example DOCX resume")
    document.save(str(attachments / "alex.docx"))

    for name, expected in [
        ("alex.txt", "Go developer"),
        ("alex.pdf", "Alex Example PDF resume"),
        ("alex.docx", "Alex Example DOCX resume"),
    ]:
        [app], bad = run(write(folder, [with_resume(f"attachments/{name}")]))
        assert bad == []
        assert app.applicant.resume_text is not None
        assert expected in app.applicant.resume_text, name
        assert app.extra["resume_file"] == f"attachments/{name}"
    # Bytes that are not UTF-8 are replaced, not fatal.
    [app], _ = run(write(folder, [with_resume("attachments/alex.txt")]))
    assert "\ufffd" in (app.applicant.resume_text or "")


def test_resume_path_may_not_leave_the_export_folder(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("not for us", encoding="utf-8")
    folder = tmp_path / "greenhouse"
    escapes = (
        "../secret.txt",
        "attachments/../../secret.txt",
        str(tmp_path / "secret.txt"),
        "file://" + str(tmp_path / "secret.txt"),
        "C:\\secret.txt",
    )
    for url in escapes:
        [app], bad = run(write(folder, [with_resume(url)]))
        assert bad == [], url
        assert app.applicant.resume_text is None, url
        assert url in app.extra["resume_error"], url


def test_unreadable_resume_keeps_the_application_and_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "greenhouse"
    folder.mkdir()
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    [app], bad = run(write(folder, [with_resume("missing.txt", on_candidate="broken.pdf")]))
    assert bad == []
    assert app.applicant.resume_text is None
    assert "missing.txt" in app.extra["resume_error"]
    assert "broken.pdf" in app.extra["resume_error"]
    assert any("resume" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)


def test_application_resume_comes_before_the_candidates(tmp_path: Path) -> None:
    folder = tmp_path / "greenhouse"
    folder.mkdir()
    (folder / "app.txt").write_text("from the application", encoding="utf-8")
    (folder / "cand.txt").write_text("from the candidate", encoding="utf-8")
    [app], _ = run(write(folder, [with_resume("app.txt", on_candidate="cand.txt")]))
    assert app.applicant.resume_text == "from the application"
    # When the application's copy is remote, the candidate's local copy is used.
    [app], _ = run(
        write(folder, [with_resume("https://x.invalid/cv.pdf", on_candidate="cand.txt")])
    )
    assert app.applicant.resume_text == "from the candidate"
    assert app.extra["resume_skipped"] == ["https://x.invalid/cv.pdf"]


def test_symlinks_are_followed_only_inside_the_export_folder(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text("not for us", encoding="utf-8")
    folder = tmp_path / "greenhouse"
    real = folder / "files"
    real.mkdir(parents=True)
    (real / "cv.txt").write_text("inside the folder", encoding="utf-8")
    (folder / "linked").symlink_to(real, target_is_directory=True)
    (folder / "out").symlink_to(outside, target_is_directory=True)
    (real / "cv-link.txt").symlink_to(real / "cv.txt")
    (real / "secret-link.txt").symlink_to(outside / "secret.txt")

    for url in ("linked/cv.txt", "files/cv-link.txt", "linked/cv-link.txt"):
        [app], _ = run(write(folder, [with_resume(url)]))
        assert app.applicant.resume_text == "inside the folder", url
    for url in ("out/secret.txt", "files/secret-link.txt", "linked/secret-link.txt"):
        assert_not_read(folder, url, "leaves the export folder")


def assert_not_read(folder: Path, url: str, why: str) -> None:
    [app], bad = run(write(folder, [with_resume(url)]))
    assert bad == [], url
    assert app.applicant.resume_text is None, url
    assert why in app.extra["resume_error"], url


def test_a_resume_that_is_not_a_regular_file_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "greenhouse"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")  # reading it would wait for a writer forever
    (folder / "dir.txt").mkdir()
    for url in ("pipe.txt", "dir.txt"):
        assert_not_read(folder, url, "not a regular file")


def test_a_resume_named_by_several_applications_is_read_once(tmp_path: Path) -> None:
    folder = tmp_path / "greenhouse"
    folder.mkdir()
    resume = folder / "shared.txt"
    resume.write_text("one resume, two candidacies", encoding="utf-8")
    first, second = with_resume("shared.txt"), with_resume("shared.txt")
    second["applications"][0]["id"] = 910002
    records = greenhouse.iter_records(write(folder, [first, second]), IngestContext())
    one = next(records)
    resume.unlink()  # the second application is built from what was read for the first
    two = next(records)
    assert isinstance(one, Application) and isinstance(two, Application)
    assert one.applicant.resume_text == two.applicant.resume_text == "one resume, two candidacies"


def test_bare_application_sample_as_is() -> None:
    path = SAMPLES / "greenhouse_harvest_v1_application.json"
    [app], bad = run(SourceFile(path, "greenhouse/c-0042.json", "c-0042"))
    assert bad == []
    assert (app.application_id, app.candidate_id) == ("910001", "510001")
    assert app.provenance.location == "/"
    assert app.job_title == "Senior Backend Engineer (Remote, US)"
    assert (app.stage, app.is_interview) == ("Technical Interview", True)
    # What the application holds of the person: its answers' profiles, its place.
    assert {u.kind for u in app.applicant.urls} == {ValueKind.GITHUB, ValueKind.LINKEDIN}
    assert app.applicant.claimed_location == "Austin, Texas, United States"
    assert app.applicant.emails == ()


def test_candidate_sample_as_is() -> None:
    path = SAMPLES / "greenhouse_harvest_v1_candidate.json"
    [app], bad = run(SourceFile(path, "greenhouse/c-0042.json", "c-0042"))
    assert bad == []
    assert app.provenance.location == "/applications/0"
    assert [e.key for e in app.applicant.emails] == ["alex.example.dev@example.com"]


def test_list_of_applications_quarantines_one_without_its_candidate(tmp_path: Path) -> None:
    bare = candidate()["applications"][0]
    second = dict(bare, id=910002)
    orphan = dict(bare, id=910003)
    del orphan["candidate_id"]
    apps, bad = run(write(tmp_path, [bare, second, orphan]))
    assert [a.application_id for a in apps] == ["910001", "910002"]
    assert [(q.location, q.field) for q in bad] == [("/2", "candidate_id")]

"""What the data holds is printed as written, never read as rich markup: a name "[/]" made
`fauxhire show identity` fail with MarkupError, and "[bold]" styled a job title."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fauxhire.cli import app

runner = CliRunner()
ODD = ("Zoë [/]", "[bold]Data Engineer[/bold]", "[red]c-1[/red]")


def test_names_titles_and_reasons_are_printed_as_written(tmp_path: Path) -> None:
    folder = tmp_path / "input"
    (folder / "applications").mkdir(parents=True)
    (folder / "companies.csv").write_text(
        "company_id,name,domain,country,naics,tags\n"
        "c-1,[/] Northwind,northwind.example.com,US,51,\n",
        encoding="utf-8",
    )
    name, title, application = ODD
    row = {
        "company_id": "c-1", "application_id": application, "candidate_id": "p-1",
        "applied_at": "2025-01-01T00:00:00Z", "job_title": title, "first_name": name,
        "last_name": "[/x]", "emails": ["zoe@example.com"],
    }  # fmt: skip
    other = row | {"application_id": "a-2", "first_name": "Alex", "last_name": "Example"}
    lines = "".join(json.dumps(r) + "\n" for r in (row, other))
    (folder / "applications" / "a.jsonl").write_text(lines, encoding="utf-8")
    db = ["--db", f"sqlite:///{tmp_path / 'store.db'}"]
    ran = runner.invoke(app, ["run", str(folder), *db])
    assert ran.exit_code == 0, (ran.output, ran.exception)

    printed = ""
    for identity in ("i-1", "i-2"):  # the two applications, one identity each or one in both
        shown = runner.invoke(app, ["show", "identity", identity, *db])
        assert shown.exit_code == 0 or "no identity" in str(shown.exception), shown.exception
        printed += shown.output
    for text in ("[/x]", "[bold]", "[red]"):  # short: the table folds long cells
        assert text in printed, text

    judged = runner.invoke(app, [
        "judge", "confirm", f"c-1/{application}", "c-1/a-2", "--reason", "[/] the same",
        "--analyst", "[bold]ana", "--no-link", *db,
    ])  # fmt: skip
    assert judged.exit_code == 0, (judged.output, judged.exception)
    listed = runner.invoke(app, ["judge", "list", *db])
    assert listed.exit_code == 0, (listed.output, listed.exception)
    assert "[/] the same" in listed.output and "[bold]ana" in listed.output

    for command in (["stats"], ["quarantine", "list"]):
        result = runner.invoke(app, [*command, *db])
        assert result.exit_code == 0, (command, result.output, result.exception)

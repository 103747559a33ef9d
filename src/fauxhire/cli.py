"""The command line: `fauxhire ingest`, `run`, `link`, `assess`, `judge`, `disposition`,
`rules`, `show`, `export`, `report`, `stats`, `quarantine list`, `demo`, `evaluate`.

Errors of our tree are printed as one clear line on stderr with a non-zero exit; progress and
logs go to stderr, results to stdout, so output composes with other tools.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from fauxhire.errors import ConfigError, FauxhireError
from fauxhire.evaluation import Evaluation, summary_rows
from fauxhire.ingest import FORMATS, IngestContext, get_format
from fauxhire.link import engines
from fauxhire.services import (
    FileResult,
    dispositions,
    ingest_files,
    judge,
    quarantine_entries,
    resolve_joins,
    run_folder,
    store_stats,
    summarise,
)
from fauxhire.services.evaluate import evaluate_store
from fauxhire.services.export import write_links_csv
from fauxhire.services.increment import IncrementSummary, link_new
from fauxhire.services.link import LinkSummary, link_store
from fauxhire.services.show import show_identity, show_network
from fauxhire.settings import (
    PROJECT_FILE,
    Settings,
    find_project_file,
    load_settings,
    read_project_file,
)
from fauxhire.store import Store
from fauxhire.terminal import InertConsole, InertFormatter, cells, inert, styled

if TYPE_CHECKING:
    from fauxhire.services.assess import AssessSummary
    from fauxhire.services.demo import DemoResult, ProjectNote
    from fauxhire.services.report import WrittenReport

# Markdown: a docstring's paragraphs are reflowed to the screen's width (in "rich" mode Typer
# keeps the docstring's own line breaks, so help broke mid-sentence), and `code` shows as code.
HELP_MARKUP: Final = "markdown"
app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=HELP_MARKUP, add_completion=False, help=__doc__
)
quarantine_app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=HELP_MARKUP, help="Records that failed validation."
)
app.add_typer(quarantine_app, name="quarantine")
show_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=HELP_MARKUP,
    help="Why records are linked: identities, networks.",
)
app.add_typer(show_app, name="show")
export_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=HELP_MARKUP,
    help="Outputs in the formats of docs/formats.md section 11.",
)
app.add_typer(export_app, name="export")
judge_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=HELP_MARKUP,
    help="An analyst's word on links, kept with who, when and why; every later run keeps it.",
)
app.add_typer(judge_app, name="judge")
disposition_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=HELP_MARKUP,
    help="An analyst's finding on an identity, confirmed or cleared, kept with who, when and "
    "why; the assessment uses it on its next run.",
)
app.add_typer(disposition_app, name="disposition")
out = InertConsole()
err = InertConsole(stderr=True)
log = logging.getLogger(__name__)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The store: a SQLite file or postgresql://USER@HOST/DB. Without it, FAUXHIRE_DB, "
        f"else the db of {PROJECT_FILE} (here or in a folder above), else ./fauxhire.db.",
    ),
]


def _now() -> datetime:
    return datetime.now(UTC)


def _settings(db: str | None) -> Settings:
    settings = load_settings(find_project_file(Path.cwd()))
    if db:
        settings = settings.model_copy(update={"db": db})
    return settings


def _db_origin(db: str | None) -> str:
    """Where the store's name came from, for an error about it."""
    if db:
        return "named by --db"
    if "FAUXHIRE_DB" in os.environ:
        return "named by FAUXHIRE_DB"
    project = find_project_file(Path.cwd())
    if project is not None and "db" in read_project_file(project):
        return f"named by {project}"
    return (
        f"the default store; name another with --db, FAUXHIRE_DB or {PROJECT_FILE}, which "
        "`fauxhire demo` writes to name its store"
    )


def _setup_logging(level: str) -> None:
    handler = RichHandler(console=err, show_path=False, show_time=False)
    handler.setFormatter(InertFormatter("%(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)


@contextmanager
def _stage(stages: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        stages[name] = time.perf_counter() - started


@contextmanager
def _store(db: str | None, *, read_only: bool = False) -> Iterator[tuple[Store, Settings]]:
    """The store named by --db, FAUXHIRE_DB, the project file or the default. A command that
    only reads opens it ``read_only``: it must exist, and nothing is written to it."""
    settings = _settings(db)
    _setup_logging(settings.log_level)
    try:
        store = Store.open(settings.db, read_only=read_only)
    except ConfigError as exc:
        raise ConfigError(f"{exc.message} ({_db_origin(db)})", **exc.detail) from exc
    try:
        yield store, settings
    finally:
        store.close()


class _Bar:
    """Rich progress on stderr: a bar a format, counting its files, and the items stored."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: Any = None
        self.label = ""
        self.items = 0

    def files_started(self, fmt: str, files: int) -> None:
        self.label, self.items = f"ingest {fmt}", 0
        self.task = self.progress.add_task(self.label, total=files)

    def advanced(self, items: int) -> None:
        self.items += items
        self.progress.update(self.task, description=f"{self.label}: {self.items:,} items")

    def file_done(self, result: FileResult) -> None:
        self.progress.advance(self.task, 1)


@contextmanager
def _progress() -> Iterator[_Bar]:
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False, disable=not err.is_terminal) as progress:
        yield _Bar(progress)


def _print_results(results: list[FileResult], *, verbose: bool = False) -> None:
    if verbose:
        files = Table(title="Ingest: files")
        files.add_column("file", overflow="fold")
        for column in ("format", "status", "records", "quarantined"):
            files.add_column(column, justify="right" if column in _COUNTS else "left")
        for r in results:
            files.add_row(*cells(r.file, r.format, r.status, r.records, r.quarantined))
        out.print(files)
    table = Table(title="Ingest")
    columns = ("format", "files", "ingested", "skipped", "refused", "records", "quarantined")
    for column in columns:
        table.add_column(column, justify="left" if column == "format" else "right")
    for s in summarise(results):
        counts = (s.files, s.done, s.skipped, s.refused, s.records, s.quarantined)
        table.add_row(*cells(s.format, *(f"{n:,}" for n in counts)))
    out.print(table)
    refused = [r for r in results if r.error]
    for r in refused[:_REFUSED_SHOWN]:
        err.print(styled(("refused", "red"), " ", r.file, ": ", r.error or ""), soft_wrap=True)
    if len(refused) > _REFUSED_SHOWN:
        more = (f"and {len(refused) - _REFUSED_SHOWN} more refused", "red")
        err.print(styled(more, ": `fauxhire quarantine list` shows them all"))


_COUNTS = ("records", "quarantined")
_REFUSED_SHOWN = 20
VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="Also list every file with its outcome, not only the counts."
    ),
]


@app.command()
def ingest(
    format: Annotated[str, typer.Argument(help=f"One of: {', '.join(FORMATS)}.")],
    paths: Annotated[
        list[Path],
        typer.Argument(exists=True, help="Files to ingest; a folder stands for its files."),
    ],
    company: Annotated[
        str | None,
        typer.Option(
            "--company", help="The member company the files came from (default: each file's name)."
        ),
    ] = None,
    db: DbOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Ingest files of one format into the store, then join them to what is already there."""
    fmt = get_format(format)
    with _store(db) as (store, settings), _progress() as bar:
        context = IngestContext(
            company_countries=store.company_countries(),
            max_field_bytes=settings.max_field_bytes,
            limits=settings.input_limits(),
        )
        results = ingest_files(
            store,
            fmt,
            paths,
            company_id=company,
            clock=_now,
            context=context,
            progress=bar,
            chunk_size=settings.chunk_size,
            workers=settings.workers,
        )
        resolve_joins(store)
    _print_results(results, verbose=verbose)
    if any(r.status == "refused" for r in results):
        raise typer.Exit(2)


@app.command()
def run(
    folder: Annotated[
        Path,
        typer.Argument(
            exists=True, file_okay=False, help="An input folder (docs/formats.md section 1)."
        ),
    ],
    db: DbOption = None,
    report_dir: Annotated[
        Path | None,
        typer.Option(
            "--report",
            metavar="DIR",
            help="Also write the campaign report (default options) to DIR; "
            "`fauxhire report` writes one with a window, filters or --anonymise.",
        ),
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """Ingest an input folder, join the sources, link, assess, and with --report write the
    campaign report."""
    from fauxhire.report.options import report_options
    from fauxhire.services.report import indicator_titles, write_report

    stages: dict[str, float] = {}
    with _store(db) as (store, settings), _progress() as bar:
        with _stage(stages, "ingest"):
            results = run_folder(
                store,
                folder,
                clock=_now,
                progress=bar,
                chunk_size=settings.chunk_size,
                workers=settings.workers,
                max_field_bytes=settings.max_field_bytes,
                limits=settings.input_limits(),
            )
        with _stage(stages, "joins"):
            joins = resolve_joins(store)
        with _stage(stages, "link"):
            linked = link_store(store, now=_now())
        with _stage(stages, "assess"):
            assessed = _assess(store, settings)
        if report_dir is not None:
            with _stage(stages, "report"):
                options = report_options(tech=tuple(settings.report_tech))
                titles = indicator_titles(settings.ruleset)
                written = write_report(store, report_dir, options, now=_now(), titles=titles)
    log.info("run: %s", ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stages.items()))
    _print_results(results, verbose=verbose)
    err.print(f"joined: {joins}")
    _print_link(linked)
    _print_assess(assessed)
    if report_dir is not None:
        _print_report(written)
    if any(r.status == "refused" for r in results):
        err.print(styled(("some files were refused; see `fauxhire quarantine list`", "yellow")))


@app.command()
def link(
    db: DbOption = None,
    new: Annotated[
        bool,
        typer.Option(
            "--new",
            help="Link only the applications stored since the last run into its identities, "
            "with its model: seconds for a batch. Networks wait for the next full run.",
        ),
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            metavar="NAME",
            help=f"The linking engine to link with, one of: {', '.join(engines.names())}.",
        ),
    ] = engines.DEFAULT,
) -> None:
    """Resolve applications into identities and identities into networks, with evidence.

    Ids stay stable across runs for identities and networks whose members did not change.
    """
    chosen = engines.engine(engine)
    with _store(db) as (store, _):
        if new:
            _print_increment(link_new(store, now=_now(), engine=chosen))
            return
        linked = link_store(store, now=_now(), engine=chosen)
    _print_link(linked)


def _print_increment(linked: IncrementSummary) -> None:
    out.print(
        f"linked {linked.applications:,} new applications: {linked.joined_existing:,} joined "
        f"an existing identity, {linked.new_identities:,} new identities, "
        f"{linked.merged_identities:,} identities merged "
        f"(compared with {linked.compared_with:,} stored applications)"
    )
    log.info("link: timings (s) %s", linked.seconds)  # for whoever tunes it: quiet by default


def _print_link(linked: LinkSummary) -> None:
    out.print(
        f"linked {linked.applications:,} applications into {linked.identities:,} identities "
        f"({linked.multi_application_identities:,} with several applications) and "
        f"{linked.networks:,} networks of {linked.networked_identities:,} identities"
    )
    log.info("link: timings (s) %s", linked.seconds)  # for whoever tunes it: quiet by default


@show_app.command("identity")
def show_identity_command(identity_id: str, db: DbOption = None) -> None:
    """The applications of an identity and the links that hold them together."""
    with _store(db, read_only=True) as (store, _):
        view = show_identity(store, identity_id)
    # An identity is in one network at most: said once, in the title.
    networks = ", ".join(sorted({m["network_id"] for m in view.members if m["network_id"]}))
    table = Table(
        title=f"identity {identity_id}: {len(view.members)} applications, "
        + (f"in network {networks}" if networks else "in no network")
    )
    refs = [inert(f"{m['company_id']}/{m['application_id']}") for m in view.members]
    table.add_column("applied", no_wrap=True)
    # Whole, as `judge` takes them: on one line while there is room (the other columns fold),
    # folded over lines when not (rich would cut a column that may not wrap).
    fits = max(map(len, refs), default=0) <= out.width // 2
    table.add_column("application", no_wrap=fits, overflow="fold")
    for column in ("name", "job title"):
        table.add_column(column, overflow="fold")
    for m, ref in zip(view.members, refs, strict=True):
        table.add_row(str(m["applied_at"])[:10], ref, *cells(m["name_display"], m["job_title"]))
    out.print(table)
    _print_edges(view.edges, "identity")
    _print_borrowed(identity_id, view.borrowed)


@show_app.command("network")
def show_network_command(network_id: str, db: DbOption = None) -> None:
    """The identities of a network and the infrastructure they share."""
    with _store(db, read_only=True) as (store, _):
        view = show_network(store, network_id)
    table = Table(title=f"network {network_id}: {len(view.members)} identities")
    for column in ("identity", "names", "companies"):
        table.add_column(column)
    for m in view.members:
        table.add_row(*cells(m["identity_id"], ", ".join(m["names"]), m["companies"]))
    out.print(table)
    _print_edges(view.edges, "network")


def _print_borrowed(identity_id: str, edges: list[Any]) -> None:
    """Why an identity was split from another that presents the same person."""
    for edge in edges:
        other = edge.b if edge.a == identity_id else edge.a
        out.print(
            f"Split from {other}: possibly a borrowed identity. Both present the same person, "
            "but share no email, phone or resume line; one of them may be that person and the "
            "other a persona using their identity. The strongest link between them:"
        )
        for item in sorted(edge.evidence, key=lambda e: -abs(e["weight"] or 0.0)):
            if item["level"] != -1:
                weight = "" if item["weight"] is None else f"{item['weight']:+6.1f}"
                out.print(f"    {weight:>6}  {item['reading']}")


def _print_edges(edges: list[Any], stage: str) -> None:
    """Each link in words: what agreed, how it was compared, what it weighed."""
    out.print(f"{len(edges)} links hold it together (strongest first):")
    for edge in edges:
        if stage == "identity":
            out.print(
                f"- {judge.app_ref(edge.a)} ~ {judge.app_ref(edge.b)}: match weight "
                f"{edge.score:+.1f} (probability {edge.probability:.4f})",
                markup=False,
            )
            for item in sorted(edge.evidence, key=lambda e: -abs(e["weight"] or 0.0)):
                if item["level"] != -1:
                    weight = "" if item["weight"] is None else f"{item['weight']:+6.1f}"
                    out.print(f"    {weight:>6}  {item['reading']}", markup=False)
        else:
            out.print(f"- {edge.a} ~ {edge.b}: score {edge.score:.2f}", markup=False)
            for item in sorted(edge.evidence, key=lambda e: -e["weight"]):
                out.print(
                    f"    {item['weight']:+5.2f}  shared {item['kind']} {item['value']!r} "
                    f"(seen with {item['shared_by']} identities)",
                    markup=False,
                )


AppArgument = Annotated[
    str, typer.Argument(help="company_id/application_id, as `fauxhire show identity` lists it.")
]
ReasonOption = Annotated[
    str, typer.Option("--reason", help="Why: kept with the judgement for whoever reads it next.")
]
AnalystOption = Annotated[
    str | None, typer.Option("--analyst", help="Who judges (default: the OS user).")
]
LinkOption = Annotated[
    bool,
    typer.Option(
        "--link/--no-link", help="Re-run linking to show the effect, or only record the judgement."
    ),
]


@judge_app.command("confirm")
def judge_confirm(
    app_a: AppArgument,
    app_b: AppArgument,
    reason: ReasonOption,
    analyst: AnalystOption = None,
    relink: LinkOption = True,
    db: DbOption = None,
) -> None:
    """Two applications are one identity: every later run keeps them together."""
    _judge(judge.confirm, (app_a, app_b), reason, analyst, relink, db)


@judge_app.command("split")
def judge_split(
    application: AppArgument,
    reason: ReasonOption,
    analyst: AnalystOption = None,
    relink: LinkOption = True,
    db: DbOption = None,
) -> None:
    """An application is not its identity's person: keep it apart from the identity's others."""
    _judge(judge.split, (application,), reason, analyst, relink, db)


@judge_app.command("split-network")
def judge_split_network(
    identity_id: Annotated[str, typer.Argument(help="An identity id, as i-123.")],
    reason: ReasonOption,
    analyst: AnalystOption = None,
    relink: LinkOption = True,
    db: DbOption = None,
) -> None:
    """An identity is not run by its network: keep it apart from the network's others."""
    _judge(judge.split_network, (identity_id,), reason, analyst, relink, db)


@judge_app.command("list")
def judge_list(db: DbOption = None) -> None:
    """Every judgement: kind, the pair, who, why and when."""
    with _store(db, read_only=True) as (store, _):
        judgements = judge.list_judgements(store)
    table = Table(title=f"{len(judgements)} judgements")
    for column in ("kind", "a", "b", "analyst", "reason", "when"):
        table.add_column(column, overflow="fold")
    for j in judgements:
        when = j.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        table.add_row(*cells(j.kind, j.a, j.b, j.analyst, j.reason, when))
    out.print(table)


def _judge(
    decide: Callable[..., judge.Decision],
    subjects: tuple[str, ...],
    reason: str,
    analyst: str | None,
    relink: bool,
    db: str | None,
) -> None:
    """Record a judgement on the subjects, re-link unless told not to, and say what moved."""
    who = analyst if analyst is not None else _os_user()
    with _store(db) as (store, _):
        decision = decide(store, *subjects, analyst=who, reason=reason, now=_now())
        before = judge.placements(store, decision.watched)
        linked = link_store(store, now=_now()) if relink else None
        after = judge.placements(store, decision.watched) if relink else before
    given = len(decision.judgements)
    out.print(
        f"recorded {given} {decision.judgements[0].kind} judgement{'s' * (given != 1)} by "
        f"{who}: {decision.added} new, {given - decision.added} already given",
        markup=False,
    )
    if linked is None:
        out.print("not linked (--no-link): the next `fauxhire link` applies them")
        return
    _print_link(linked)
    for was, now in zip(before, after, strict=True):
        out.print(
            f"{was.ref}: {_moved('identity', was.identity_id, now.identity_id)}, "
            f"{_moved('network', was.network_id, now.network_id)}",
            markup=False,
        )


def _moved(what: str, was: str | None, now: str | None) -> str:
    if was == now:
        return f"still {what} {now or 'none'}"
    return f"{what} {was or 'none'} -> {now or 'none'}"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the password database
        return ""


IdentityArgument = Annotated[
    str, typer.Argument(help="An identity id, as i-123 (`fauxhire show identity` shows it).")
]
FindingOption = Annotated[
    str, typer.Option("--reason", help="Why: what the investigation found, kept with it.")
]


@disposition_app.command("confirm")
def disposition_confirm(
    identity_id: IdentityArgument,
    reason: FindingOption,
    analyst: AnalystOption = None,
    db: DbOption = None,
) -> None:
    """The identity is linked to scheme infrastructure, confirmed by investigation."""
    _dispose(identity_id, "confirmed", reason, analyst, db)


@disposition_app.command("clear")
def disposition_clear(
    identity_id: IdentityArgument,
    reason: FindingOption,
    analyst: AnalystOption = None,
    db: DbOption = None,
) -> None:
    """The identity was investigated and is not fraudulent."""
    _dispose(identity_id, "cleared", reason, analyst, db)


@disposition_app.command("list")
def disposition_list(db: DbOption = None) -> None:
    """Every identity with a disposition: the latest (it decides), who, why, when, and any
    earlier one on its applications that it overrules."""
    with _store(db, read_only=True) as (store, _):
        standings = dispositions.list_dispositions(store)
    conflicts = sum(1 for s in standings if s.overruled)
    table = Table(title=f"dispositions on {len(standings)} identities, {conflicts} in conflict")
    for column in ("identity", "disposition", "analyst", "reason", "when", "given on", "conflict"):
        table.add_column(column, overflow="fold")
    for s in standings:
        d = s.decided
        conflict = "; ".join(
            f"overrules {o.disposition} by {o.analyst} {_when(o.created_at)} (on {o.subject_id})"
            for o in s.overruled
        )
        table.add_row(
            *cells(
                s.identity_id,
                d.disposition,
                d.analyst,
                d.reason,
                _when(d.created_at),
                d.subject_id,
                conflict,
            )
        )
    out.print(table)


def _dispose(
    identity_id: str, disposition: str, reason: str, analyst: str | None, db: str | None
) -> None:
    who = analyst if analyst is not None else _os_user()
    with _store(db) as (store, _):
        done = dispositions.dispose(
            store, identity_id, disposition, analyst=who, reason=reason, now=_now()
        )
    out.print(f"recorded disposition {done.disposition_id}: {_given(done.given)}", markup=False)
    out.print(
        f"held by the {done.applications} applications of {identity_id}: it follows them when "
        "linking re-runs and ids change",
        markup=False,
    )
    if done.before is not None:
        was = done.before.decided
        verb = "overrules" if was.disposition != disposition else "agrees with"
        out.print(f"it {verb} {_given(was)}", markup=False)
    out.print("the assessment uses it on its next run (`fauxhire assess`)", markup=False)


def _given(given: dispositions.Given) -> str:
    """A disposition in words: what, who, when, on which identity id, why."""
    return (
        f"{given.disposition} by {given.analyst} {_when(given.created_at)} "
        f"(on {given.subject_id}): {given.reason}"
    )


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@export_app.command("links")
def export_links(
    out_file: Annotated[Path, typer.Option("--out", help="The CSV file to write.")],
    db: DbOption = None,
) -> None:
    """One row an application: company_id, application_id, candidate_id, identity_id,
    network_id (docs/formats.md section 11)."""
    with _store(db, read_only=True) as (store, _):
        written = write_links_csv(store, out_file)
    err.print(f"wrote {written:,} links to {out_file}", markup=False)


@export_app.command("assessments")
def export_assessments(
    out_file: Annotated[Path, typer.Option("--out", help="The JSON Lines file to write.")],
    min_level: Annotated[
        str, typer.Option("--min-level", help="Only identities at this level or higher.")
    ] = "almost no chance",
    db: DbOption = None,
) -> None:
    """One object an identity: identity_id, network_id, probability, level and evidence
    (docs/formats.md section 11), strongest first; with the ruleset version and hash."""
    from fauxhire.domain.shapes import level_floor
    from fauxhire.services.export import write_assessments_jsonl

    try:
        floor = level_floor(min_level)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--min-level") from exc
    with _store(db, read_only=True) as (store, _):
        written = write_assessments_jsonl(store, out_file, min_probability=floor)
    err.print(f"wrote {written:,} identity assessments to {out_file}", markup=False)


@app.command()
def assess(db: DbOption = None) -> None:
    """Assess every identity and network: a probability, its ICD 203 level and the evidence,
    under the ruleset (the one shipped, or FAUXHIRE_RULESET). A recommendation for review."""
    with _store(db) as (store, settings):
        summary = _assess(store, settings)
    _print_assess(summary)


def _assess(store: Store, settings: Settings) -> AssessSummary:
    from fauxhire.services.assess import assess_store, load_ruleset
    from fauxhire.services.yaml_bounds import check_ruleset_file_size

    check_ruleset_file_size(settings.ruleset, settings.max_yaml_nodes)
    key = settings.community_key.get_secret_value().encode() if settings.community_key else None
    return assess_store(
        store, now=_now(), ruleset=load_ruleset(settings.ruleset), community_key=key
    )


def _print_assess(summary: AssessSummary) -> None:
    out.print(
        f"assessed {summary.identities:,} identities and {summary.networks:,} networks under "
        f"{summary.ruleset} in {summary.seconds:.1f} s: {summary.flagged_identities:,} "
        f"identities and {summary.flagged_networks:,} networks likely or higher, for review"
    )
    out.print(", ".join(f"{level} {count:,}" for level, count in summary.by_level.items()))


rules_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=HELP_MARKUP,
    help="The assessment ruleset: check it, document it.",
)
app.add_typer(rules_app, name="rules")


@rules_app.command("check")
def rules_check(
    file: Annotated[Path, typer.Argument(help="A ruleset YAML file.")],
) -> None:
    """Report every problem of a ruleset with its file:line; exit 1 if any is an error."""
    from fauxhire.services.assess import check_ruleset_file
    from fauxhire.services.yaml_bounds import check_ruleset_file_size

    check_ruleset_file_size(file, _settings(None).max_yaml_nodes)
    loaded, problems = check_ruleset_file(file)
    for problem in problems:
        style = "red" if problem.severity == "error" else "yellow"
        out.print(styled((str(problem), style)))
    if loaded is None:
        errors = sum(p.severity == "error" for p in problems)
        err.print(f"{file}: {errors} error(s)")
        raise typer.Exit(1)
    out.print(
        f"{file}: ok, {loaded.label}, {len(loaded.ruleset.active)} active indicators, "
        f"{loaded.content_hash}"
    )


@rules_app.command("docs")
def rules_docs(
    file: Annotated[
        Path | None, typer.Option("--ruleset", help="A ruleset file (default: the one in use).")
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write Markdown here (default: stdout).")
    ] = None,
) -> None:
    """The indicator reference, generated from the ruleset: ids, weights, what each reads."""
    from fauxhire.services.assess import load_ruleset
    from fauxhire.services.rules import render_docs
    from fauxhire.services.yaml_bounds import check_ruleset_file_size

    settings = _settings(None)  # the project file's ruleset and limits, as every command
    check_ruleset_file_size(file or settings.ruleset, settings.max_yaml_nodes)
    text = render_docs(load_ruleset(file or settings.ruleset))
    if out_file is None:
        sys.stdout.write(text)
        return
    out_file.write_text(text, encoding="utf-8")
    err.print(f"wrote {out_file}")


@app.command()
def report(
    out_dir: Annotated[
        Path, typer.Option("--out", help="The folder for report.html and report.json.")
    ],
    start: Annotated[
        datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First day of the window (UTC)."),
    ] = None,
    end: Annotated[
        datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Last day of the window, inclusive."),
    ] = None,
    min_level: Annotated[
        str, typer.Option(help="The lowest estimative level reported, e.g. 'very likely'.")
    ] = "likely",
    sectors: Annotated[
        list[str] | None,
        typer.Option(
            "--sector",
            help="Only companies of this NAICS sector or code prefix "
            "(repeatable): 52, 62, 31-33, 5415.",
        ),
    ] = None,
    countries: Annotated[
        list[str] | None,
        typer.Option(
            "--country", help="Only companies headquartered here, ISO alpha-2 (repeatable): US, GB."
        ),
    ] = None,
    tech: Annotated[
        list[str] | None,
        typer.Option(
            "--tech",
            help="NAICS prefixes that count as tech (repeatable; default "
            "FAUXHIRE_REPORT_TECH, or 51 and 5415).",
        ),
    ] = None,
    anonymise: Annotated[
        bool,
        typer.Option(
            "--anonymise",
            help="Leave out company and person names: a report that leaves the organisation.",
        ),
    ] = False,
    title: Annotated[str | None, typer.Option(help="The report's title.")] = None,
    db: DbOption = None,
) -> None:
    """Write the campaign report of the identities assessed --min-level or higher: report.html
    (charts and tables, one file that opens offline) and report.json (docs/formats.md
    section 11)."""
    from fauxhire.report.options import report_options
    from fauxhire.services.report import indicator_titles, write_report

    with _store(db) as (store, settings):
        options = report_options(
            start=start.date() if start else None,
            end=end.date() if end else None,
            min_level=min_level,
            sectors=tuple(sectors or ()),
            countries=tuple(countries or ()),
            tech=tuple(tech or settings.report_tech),
            anonymise=anonymise,
            **({"title": title} if title else {}),
        )
        titles = indicator_titles(settings.ruleset)
        written = write_report(store, out_dir, options, now=_now(), titles=titles)
    _print_report(written)


def _print_report(written: WrittenReport) -> None:
    f = written.figures
    start, end = f["period"]["start"], f["period"]["end"]
    period = f"{start} to {end}" if start else "no applications in scope"
    out.print(
        f"{f['identities']:,} identities, {f['interviews']:,} interviews, {f['companies']:,} "
        f"companies ({period}) in {written.seconds:.1f} s"
    )
    out.print(f"report: {written.html}", soft_wrap=True)
    out.print(f"figures: {written.json}", soft_wrap=True)


@app.command()
def stats(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object, with every company.")
    ] = False,
    by_company: Annotated[
        bool, typer.Option("--by-company", help="Also list what each company's files hold.")
    ] = False,
    db: DbOption = None,
) -> None:
    """What the store holds: totals, per source and quarantined; per company on request."""
    with _store(db, read_only=True) as (store, _):
        data = store_stats(store)
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=False) + "\n")
        return
    table = Table(title="fauxhire store")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in (
        "companies",
        "applications",
        "candidates",
        "interviews",
        "meeting_participants",
        "signin_events",
        "hires",
        "employer_reports",
        "indicators",
        "intel_objects",
        "ip_ranges",
        "quarantined",
    ):
        table.add_row(*cells(key, f"{data[key]:,}"))
    out.print(table)
    sections = [("by source", data["by_source"])]
    if by_company:  # a table as long as the member list: thousands of rows
        sections.append(("by company", data["by_company"]))
    for title, section in sections:
        sub = Table(title=title)
        sub.add_column(title.split()[-1])
        sub.add_column("records")
        for name, counts in section.items():
            sub.add_row(*cells(name, ", ".join(f"{k} {v}" for k, v in counts.items())))
        out.print(sub)
    if not by_company and data["by_company"]:
        out.print(f"{len(data['by_company']):,} companies: --by-company lists each")
    if data["quarantined_by_reason"]:
        out.print(
            "quarantined by reason: "
            + ", ".join(f"{k} {v}" for k, v in data["quarantined_by_reason"].items())
        )


@quarantine_app.command("list")
def quarantine_list(
    limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines, one entry a line.")] = False,
    file: Annotated[
        str | None, typer.Option("--file", help="Only the entries of this file, as listed.")
    ] = None,
    pending: Annotated[
        bool,
        typer.Option("--pending", help="Only conflicting duplicates awaiting a decision."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Every quarantined record: its id, file, location, field and reason, and for a
    conflicting duplicate the decision on it (`fauxhire quarantine accept` or `keep`)."""
    with _store(db, read_only=True) as (store, _):
        entries = quarantine_entries(store, limit=limit, file=file, pending=pending)
    if as_json:
        for e in entries:
            sys.stdout.write(json.dumps(e, default=str) + "\n")
        return
    pending_count = sum(e["pending"] for e in entries)
    table = Table(title=f"{len(entries)} quarantined, {pending_count} awaiting a decision")
    for column in ("id", "file", "location", "field", "code", "reason", "decision"):
        table.add_column(column, overflow="fold", no_wrap=column == "id")
    for e in entries:
        row = (e["id"], e["file"], e["location"], e["field"], e["code"], e["reason"])
        table.add_row(*cells(*row, _decision(e)))
    out.print(table)


def _decision(entry: dict[str, Any]) -> str:
    if entry["pending"]:
        return "pending"
    d = entry["decision"]
    if d is None:
        return ""
    return f"{d['decision']} by {d['analyst']} {_when(d['decided_at'])}: {d['reason']}"


EntryIdsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="ID", help="Entry ids, as `fauxhire quarantine list` shows them (q-...)."
    ),
]
EntryFileOption = Annotated[
    str | None,
    typer.Option(
        "--file", help="Every pending conflicting duplicate of this file, as the list names it."
    ),
]
DecisionReasonOption = Annotated[
    str, typer.Option("--reason", help="Why: kept with the decision for whoever reads it next.")
]
DeciderOption = Annotated[
    str | None, typer.Option("--analyst", help="Who decides (default: the OS user).")
]


@quarantine_app.command("accept")
def quarantine_accept(
    reason: DecisionReasonOption,
    ids: EntryIdsArgument = None,
    file: EntryFileOption = None,
    analyst: DeciderOption = None,
    db: DbOption = None,
) -> None:
    """Accept the later version of conflicting duplicates: it replaces the stored record
    (its emails, phones and other values too), with the provenance of the file it came
    from. The replaced version is kept with the decision."""
    _decide_quarantine("accepted", ids, file, reason, analyst, db)


@quarantine_app.command("keep")
def quarantine_keep(
    reason: DecisionReasonOption,
    ids: EntryIdsArgument = None,
    file: EntryFileOption = None,
    analyst: DeciderOption = None,
    db: DbOption = None,
) -> None:
    """Keep the stored record of conflicting duplicates: their later versions are dismissed,
    and ingesting one of them again quarantines nothing."""
    _decide_quarantine("kept", ids, file, reason, analyst, db)


_REPLACED_SHOWN = 20  # an updated export accepted whole replaces thousands: the first say how


def _decide_quarantine(
    decision: str,
    ids: list[str] | None,
    file: str | None,
    reason: str,
    analyst: str | None,
    db: str | None,
) -> None:
    from fauxhire.services.quarantine import decide, record_ref

    who = analyst if analyst is not None else _os_user()
    with _store(db) as (store, _):
        done = decide(
            store, decision, ids=ids or (), file=file, analyst=who, reason=reason, now=_now()
        )
    named = len(done.named)
    line = f"{decision} by {who}: {named:,} entr{'y' if named == 1 else 'ies'}"
    if done.alongside:
        line += f" and {len(done.alongside):,} more holding the same version, decided with it"
    out.print(line, markup=False)
    if done.left:
        out.print(f"{done.left:,} entries of {file} were decided before: left as they were")
    if decision == "kept":
        out.print(
            "the stored records stay; the later versions are dismissed, and ingesting one of "
            "them again quarantines nothing"
        )
        return
    for r in done.replaced[:_REPLACED_SHOWN]:
        out.print(
            f"{record_ref(r.record_key)} ({r.record_table}): {r.file} {r.location} replaces "
            f"{r.replaced_file} {r.replaced_location}",
            markup=False,
            soft_wrap=True,  # whole lines: file names to search for and copy
        )
    if len(done.replaced) > _REPLACED_SHOWN:
        out.print(f"and {len(done.replaced) - _REPLACED_SHOWN:,} more records replaced")
    if done.stale:
        out.print(
            "links and assessments were made from the replaced records and are out of date: "
            "run `fauxhire link` (a full run: `link --new` does not revisit a changed record) "
            "and then `fauxhire assess`"
        )


class _OneBar:
    """Progress of a whole folder as one bar: a demo world has thousands of small files."""

    def __init__(self, progress: Progress, description: str) -> None:
        self.progress = progress
        self.task = progress.add_task(description, total=0)

    def files_started(self, fmt: str, files: int) -> None:
        total = self.progress.tasks[self.task].total or 0
        self.progress.update(self.task, description=f"ingest {fmt}", total=total + files)

    def advanced(self, items: int) -> None:
        return None

    def file_done(self, result: FileResult) -> None:
        self.progress.advance(self.task, 1)


@app.command()
def demo(
    size: Annotated[
        str, typer.Option(help="small, medium, large, or a number of legitimate applicants.")
    ] = "small",
    seed: Annotated[int, typer.Option(help="The same seed gives the same world.")] = 1,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Where the input folder, truth folder and store go.")
    ] = Path("demo-out"),
    db: DbOption = None,
    overrides: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Override a world setting (repeatable): dprk_hire_rate=0.1, "
            "hard_case_rates.vpn=0.05, personas_per_worker=2,5, operation.stealth=1.",
        ),
    ] = None,
) -> None:
    """Generate a demo world (input and truth folders), run the whole pipeline on it, and
    print a summary. The store is OUT/fauxhire.db unless --db says otherwise; when OUT is in
    this folder, fauxhire.toml here names it, so every command run here reads it. --set
    changes the world's settings (src/fauxhire/world/spec.py); the truth's world.json records
    them."""
    from fauxhire.services.demo import (
        generate_world,
        name_store_in_project,
        prepare_out,
        run_pipeline,
    )
    from fauxhire.world.spec import spec_for

    spec = spec_for(size, seed, overrides or ())
    prepare_out(out_dir)
    db = db or f"sqlite:///{(out_dir / 'fauxhire.db').resolve()}"
    with _progress() as bar:
        task = bar.progress.add_task("generate world", total=spec.legitimate)
        world = generate_world(spec, out_dir, lambda n: bar.progress.advance(task, n))
    with _store(db) as (store, settings), _progress() as bar:
        result = run_pipeline(
            store,
            world,
            clock=_now,
            progress=_OneBar(bar.progress, "ingest"),
            chunk_size=settings.chunk_size,
        )
    _print_demo(result, db, name_store_in_project(Path.cwd(), out_dir, db))


def _print_demo(result: DemoResult, db: str, project: ProjectNote) -> None:
    world, stats = result.world, result.stats
    totals = {k: v for k, v in stats.items() if isinstance(v, int) and k != "quarantined"}
    refused = [f for f in result.files if f.status == "refused"]
    table = Table(title="fauxhire demo", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    rows = [
        ("world", f"{world.companies:,} companies, {world.applications:,} applications, "
                  f"{world.identities:,} identities ({world.dprk_identities} run by "
                  f"{world.networks} operator networks)"),
        ("input folder", str(world.input_dir)),
        ("truth folder", f"{world.truth_dir} (never read by the pipeline)"),
        ("store", db),
        ("ingested", f"{len(result.files):,} files, {sum(f.records for f in result.files):,} "
                     f"records, {sum(f.quarantined for f in result.files):,} quarantined, "
                     f"{len(refused)} refused"),
        ("in store", ", ".join(f"{k} {v:,}" for k, v in totals.items())),
        ("joined", ", ".join(f"{k} {v:,}" for k, v in result.joins.items())),
        ("identities, networks", f"{result.linked.identities:,} identities "
                                 f"({result.linked.multi_application_identities:,} with several "
                                 f"applications), {result.linked.networks:,} networks of "
                                 f"{result.linked.networked_identities:,} identities"),
        ("explain one", "fauxhire show identity ID / fauxhire show network ID"),
        ("assessments", f"{result.assessed.flagged_identities:,} identities and "
                        f"{result.assessed.flagged_networks:,} networks likely or higher, for "
                        f"review ({result.assessed.ruleset}); fauxhire export assessments"),
        ("report", f"{result.report.html} (figures: {result.report.json.name}); "
                   "fauxhire report --help for a window, filters, --anonymise"),
        ("score it", f"fauxhire evaluate --truth {world.truth_dir}"
                     + ("" if project.written else f" --db {db}")),
    ]  # fmt: skip
    for what, value in rows:
        table.add_row(what, value)
    out.print(table)
    out.print(_reading_the_demo(db, project), soft_wrap=True)
    out.print(f"report written: {result.report.html}", soft_wrap=True)  # whole, to copy


def _reading_the_demo(db: str, project: ProjectNote) -> str:
    """How the other commands find the demo's store."""
    if project.written and "FAUXHIRE_DB" not in os.environ:
        return (
            f"store named in {project.path}: `fauxhire stats`, `fauxhire show identity ID` and "
            "every other command run in this folder (or below it) read it"
        )
    why = project.why_not or "FAUXHIRE_DB is set, and names the store of every command"
    return f"to read the demo's store, give every command --db {db} ({why})"


@app.command()
def evaluate(
    truth: Annotated[
        Path, typer.Option("--truth", help="The truth folder of a demo world (docs/truth.md).")
    ],
    json_file: Annotated[
        str | None,
        typer.Option(
            "--json", metavar="FILE", help="Also write the result as JSON; '-': stdout, no table."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Score what the store holds (links, assessments, report) against a truth folder."""
    from fauxhire.evaluation import load_truth

    loaded = load_truth(truth)  # a bad truth folder is named before the store is opened
    with _store(db, read_only=True) as (store, _):
        result = evaluate_store(store, loaded)
    text = json.dumps(result.to_json(), indent=2) + "\n"
    if json_file == "-":
        sys.stdout.write(text)
        return
    _print_evaluation(result)
    if json_file:
        Path(json_file).write_text(text, encoding="utf-8")
        err.print(f"wrote {json_file}")


_VERDICT_STYLE = {"pass": "green", "FAIL": "bold red", "missing": "yellow"}


def _print_evaluation(result: Evaluation) -> None:
    table = Table(title=f"Evaluation against {result.truth}")
    for column in ("stage", "measure", "value", "verdict"):
        table.add_column(column, overflow="fold")
    for row in summary_rows(result):
        style = _VERDICT_STYLE.get(row.verdict)
        table.add_row(*cells(row.stage, row.measure, row.value), styled((row.verdict, style or "")))
    out.print(table)


def main() -> None:
    try:
        app()
    except FauxhireError as exc:
        line = styled(("error", "red"), f" {exc.code}: ")
        line.append(inert(exc.message, keep_newlines=True))  # a RuleError lists one a line
        # Unwrapped, whatever the width: a line to search for and copy.
        err.print(line, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()

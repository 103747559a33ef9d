"""`fauxhire share export`: flagged personas and their networks for partners, as a STIX 2.1
bundle of keyed hashes (docs/sharing.md)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from fauxhire.cli.console import err, group, open_app
from fauxhire.cli.options import ByOption, DbOption, analyst_or_os_user
from fauxhire.errors import ConfigError

app = group("Sharing with partners: STIX 2.1 bundles of keyed hashes (docs/sharing.md).")


class ExportFormat(StrEnum):
    stix = "stix"
    misp = "misp"


PurposeOption = Annotated[
    str,
    typer.Option(
        "--purpose", help="Why it is shared, for the audit trail: the agreement or ticket."
    ),
]
MinLevelOption = Annotated[
    str, typer.Option("--min-level", help="Personas at this level or higher.")
]
ValidDaysOption = Annotated[
    int,
    typer.Option(
        "--valid-days",
        min=1,
        max=3650,
        help="Days an indicator holds after the persona's last assessment.",
    ),
]


@app.command("export")
def export(
    out_file: Annotated[Path, typer.Option("--out", help="The bundle's JSON file to write.")],
    purpose: PurposeOption,
    min_level: MinLevelOption = "likely",
    tlp: Annotated[
        str,
        typer.Option("--tlp", help="The TLP 2.0 marking: clear, green, amber, amber+strict, red."),
    ] = "amber",
    valid_days: ValidDaysOption = 180,
    audience: Annotated[
        str,
        typer.Option("--audience", help="community, or partner:NAME: whose key hashes it."),
    ] = "community",
    out_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="stix: a STIX 2.1 bundle; misp: a MISP event, converted by misp-stix "
            "(the optional extra `misp`).",
        ),
    ] = ExportFormat.stix,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Write the personas assessed at --min-level or higher (none an analyst cleared), their
    networks, sightings and keyed-hash indicators, as one STIX 2.1 bundle or one MISP event.
    Audited."""
    from fauxhire.services.erasure import Actor
    from fauxhire.services.share_export import ExportRequest
    from fauxhire.services.share_export import export as export_bundle
    from fauxhire.services.share_misp import INSTALL_HINT, available

    if out_format is ExportFormat.misp and not available():
        raise ConfigError(f"--format misp needs misp-stix, the optional extra: {INSTALL_HINT}")
    request = ExportRequest(purpose.strip(), min_level, tlp, valid_days)
    with open_app(db) as opened:
        done = export_bundle(
            opened.store, request, opened.sharer(audience),
            actor=Actor(analyst_or_os_user(by)), now=opened.now(),
        )  # fmt: skip
    written = done.bundle if out_format is ExportFormat.stix else _as_misp(done.bundle)
    out_file.write_text(json.dumps(written, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    err.print(
        f"wrote {done.personas:,} personas, {done.networks:,} networks and {done.indicators:,} "
        f"indicators to {out_file} (left out, cleared by an analyst: {done.left_out_cleared:,})",
        markup=False,
    )


def _as_misp(bundle: dict[str, Any]) -> dict[str, Any]:
    from fauxhire.services.share_misp import misp_event

    converted = misp_event(bundle)
    if converted.converter_errors:
        err.print(
            f"misp-stix could not convert {len(converted.converter_errors):,} objects "
            "(logged above): the event lacks them",
            markup=False,
        )
    return converted.event


@app.command("publish")
def publish(
    purpose: PurposeOption,
    min_level: MinLevelOption = "likely",
    tlp: Annotated[
        str, typer.Option("--tlp", help="The collection: clear, green, amber or amber+strict.")
    ] = "amber",
    valid_days: ValidDaysOption = 180,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Publish the export to the community's TAXII collection of its TLP, which partners
    pull from `fauxhire serve` (/taxii2/): new objects and newer versions are added, the
    same versions left as they are. Audited."""
    from fauxhire.services.erasure import Actor
    from fauxhire.services.share_export import ExportRequest
    from fauxhire.services.taxii import publish_export

    request = ExportRequest(purpose.strip(), min_level, tlp, valid_days)
    with open_app(db) as opened:
        collection, done, published = publish_export(
            opened.store, request, opened.sharer(),
            actor=Actor(analyst_or_os_user(by)), now=opened.now(),
        )  # fmt: skip
    err.print(
        f"published {done.personas:,} personas to {collection.title} ({collection.id}): "
        f"{published.added:,} objects added, {published.unchanged:,} unchanged",
        markup=False,
    )


@app.command("pull")
def pull(
    feed: Annotated[
        list[str] | None, typer.Option("--feed", help="Only this feed (repeatable).")
    ] = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Pull what each partner feed (share_feeds) added since the last pull, keep it in the
    feed's inbox folder (share_inbox) and ingest it as partner intelligence. Indicators of
    non-applicant clusters (Contagious Interview) are left out, and logged. Audited."""
    from fauxhire.bootstrap import named_secret
    from fauxhire.ingest.registry import get_format
    from fauxhire.services.erasure import Actor
    from fauxhire.services.pipeline import ingest_and_join
    from fauxhire.services.share_pull import Feed, pull_feed

    with open_app(db) as opened:
        feeds = [f for f in opened.settings.share_feeds if not feed or f.name in feed]
        if not feeds:
            raise typer.BadParameter("no such feed in share_feeds", param_hint="--feed")
        for one in feeds:
            token = named_secret(one.token_env)
            feed_of = Feed(one.name, one.url, one.token_env)
            pulled = pull_feed(feed_of, token, opened.settings.share_inbox)
            records = 0
            if pulled.file is not None:
                results = ingest_and_join(
                    opened.store, get_format("stix"), [pulled.file], company_id=None,
                    clock=opened.now, options=opened.ingest,
                )  # fmt: skip
                records = sum(r.records for r in results)
            counts = (f"count:objects={pulled.objects}", f"count:left_out={pulled.left_out}")
            event = Actor(analyst_or_os_user(by)).event(
                "share:pull", f"feed:{one.name}", "scheduled pull", opened.now(), counts
            )
            with opened.store.unit_of_work():
                opened.store.append_audit(event)
            err.print(
                f"{one.name}: {pulled.objects:,} objects ({records:,} records ingested), "
                f"{pulled.left_out:,} indicators of non-applicant clusters left out"
                + (f"; kept in {pulled.file}" if pulled.file else "; nothing new"),
                markup=False,
            )


@app.command("hunting")
def hunting(
    out_dir: Annotated[Path, typer.Option("--out", help="The folder to write the content to.")],
    purpose: PurposeOption,
    min_level: MinLevelOption = "likely",
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Hunting content for the members' own tools: the anonymiser and hosting egress that only
    flagged personas used, as a Sigma rule and Sentinel (KQL) and Splunk (SPL) queries for
    sign-ins and meetings. Audited."""
    from fauxhire.services.erasure import Actor
    from fauxhire.services.hunting import hunting_content

    with open_app(db) as opened:
        content, egress = hunting_content(
            opened.store, min_level=min_level, producer=opened.settings.share_producer,
            actor=Actor(analyst_or_os_user(by)), purpose=purpose.strip(), now=opened.now(),
        )  # fmt: skip
    if content is None:
        err.print("no anonymiser or hosting egress is used by flagged personas alone: nothing "
                  "written", markup=False)  # fmt: skip
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "fauxhire-egress-signins.sigma.yml": content.sigma,
        "sentinel-signins.kql": content.sentinel_signins,
        "sentinel-meetings.kql": content.sentinel_meetings,
        "splunk-signins.spl": content.splunk_signins,
        "splunk-meetings.spl": content.splunk_meetings,
    }
    for name, text in files.items():
        (out_dir / name).write_text(text + "\n", encoding="utf-8")
    err.print(f"wrote {len(files)} files for {len(egress):,} egress IPs to {out_dir}", markup=False)

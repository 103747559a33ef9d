"""The store's linked records as the facts the assessment reads, enriched on the way
(``fauxhire.enrich``): IP intelligence for every meeting and sign-in IP, the country and time
zone of each claimed home, keyed hashes of contact details for partner feeds that share them
that way. Each frame is read with
one query (``store/columnar.py``) and shaped with polars: a million applications are read,
not iterated.
"""

from __future__ import annotations

from datetime import datetime
from typing import get_args

import polars as pl

from fauxhire.assess.facts import Facts
from fauxhire.domain.normalise import name as name_norm
from fauxhire.enrich import ipintel, timezones
from fauxhire.enrich.keyed import MatchKeys, match_keys, with_keyed_hashes
from fauxhire.enrich.places import places as enrich_places
from fauxhire.ports import FactFrame, FactReader
from fauxhire.store.schema import KEY_SEP

_S = pl.String


def read_facts(reader: FactReader, *, now: datetime, community_key: MatchKeys = None) -> Facts:
    """Read what the assessment needs, then shape it (``shape_facts``): reads first, no store
    access while computing."""
    frames = {name: reader.fact_frame(name) for name in get_args(FactFrame)}
    return shape_facts(frames, now=now, community_key=community_key)


def shape_facts(
    frames: dict[str, pl.DataFrame], *, now: datetime, community_key: MatchKeys = None
) -> Facts:
    """The frames of ``FactReader.fact_frame`` (``FactFrame``: the linked records and the
    current dispositions) as the facts the
    detectors read, enriched: places and local hours, egress classed, reports and partner
    indicators matched to identities."""
    places = enrich_places(
        pl.concat(
            [
                frames["applications"].select("claimed_location"),
                frames["signins"].select("claimed_location"),
            ]
        ).get_column("claimed_location")
    )
    applications = _applications(frames["applications"], places)
    contacts = frames["contacts"].join(
        applications.select("rec", "identity_id", "app_key", "source", "applied_at"), on="rec"
    )
    meetings, signins = _sightings(frames["meetings"], frames["signins"])
    egress = _egress(meetings, signins, ipintel.known_ranges(frames["ip_ranges"])).join(
        _claimed_countries(applications), on="identity_id", how="left"
    )
    return Facts.make(
        applications=applications,
        contacts=contacts,
        egress=egress,
        meetings=meetings,
        signins=_signins(signins, places),
        hires=frames["hires"].unique("source").with_columns(_reference("hire", pl.col("source"))),
        buildings=frames["buildings"],
        reports=_reports(frames["reports"]),
        partner=_partner(frames["observables"], contacts, egress, now, community_key),
        edges=frames["edges"],
        borrowed=frames["borrowed"],
        dispositions=frames["dispositions"],
    )


def _applications(applications: pl.DataFrame, places: pl.DataFrame) -> pl.DataFrame:
    """Applications with the country and zone of the claimed home, times in UTC, the referral
    as a name key, and the hour each was made where the applicant claims to live."""
    placed = applications.join(places, on="claimed_location", how="left").with_columns(
        _utc(pl.col("applied_at")),
        _name_keys(applications.get_column("referred_by")),
        _reference("application", pl.col("app_key")),
    )
    return timezones.with_local_hour(placed, "applied_at", "zone", "local_hour")


def _claimed_countries(applications: pl.DataFrame) -> pl.DataFrame:
    """The home country an identity claims most often; of those claimed equally often, the
    first in alphabetical order. mode() lists tied values in no fixed order, and which one was
    taken decided whether egress-country-mismatch fired: the same store assessed twice differed."""
    return applications.group_by("identity_id").agg(
        pl.col("claimed_country").drop_nulls().mode().sort().first()
    )


def _sightings(meetings: pl.DataFrame, signins: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Meetings and sign-ins as records an assessment cites, on one clock (UTC)."""
    cited_meetings = meetings.with_columns(
        _reference("meeting", pl.col("source")),
        pl.lit("meeting").alias("channel"),
        _utc(pl.col("at")),
    )
    cited_signins = signins.unique("source").with_columns(
        _reference("signin", pl.col("source")),
        pl.lit("signin").alias("channel"),
        _utc(pl.col("observed_at")),
    )
    return cited_meetings, cited_signins


def _reference(table: str, key: pl.Expr) -> pl.Expr:
    """How an assessment cites a record: ``application:c-0042/a-9`` (the key's parts)."""
    return (table + ":" + key.str.replace_all(KEY_SEP, "/", literal=True)).alias("source")


def _utc(column: pl.Expr) -> pl.Expr:
    """Stored times as UTC datetimes: SQLite hands text, PostgreSQL timestamps as text here."""
    return (
        column.str.slice(0, 19)
        .str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False)
        .dt.replace_time_zone("UTC")
    )


def _name_keys(names: pl.Series) -> pl.Expr:
    """The referral's name as a name key, so it compares with the applications' keys."""
    distinct = names.drop_nulls().unique().to_list()
    keyed = {text: name_norm.key(text) or None for text in distinct}
    return (
        pl.col("referred_by")
        .replace_strict(keyed, default=None, return_dtype=_S)
        .alias("referred_by")
    )


def _egress(meetings: pl.DataFrame, signins: pl.DataFrame, ranges: pl.DataFrame) -> pl.DataFrame:
    seen = pl.concat(
        [
            meetings.select("identity_id", "source", "channel", "company_id", "ip", "at",
                            pl.lit(None, _S).alias("event_country"), pl.lit(None, _S).alias("asn")),
            signins.select("identity_id", "source", "channel", "company_id", "ip",
                           pl.col("observed_at").alias("at"), "event_country", "asn"),
        ]
    ).drop_nulls("ip").with_columns(pl.col("asn").cast(pl.Int64, strict=False))  # fmt: skip
    return ipintel.classify(seen, ranges)


def _signins(signins: pl.DataFrame, places: pl.DataFrame) -> pl.DataFrame:
    timed = signins.join(
        places.select("claimed_location", "zone"), on="claimed_location", how="left"
    ).with_columns(
        (pl.col("is_proxy") == "y").alias("is_proxy"),
    )
    return timezones.with_local_hour(timed, "observed_at", "zone", "local_hour")


def _reports(reports: pl.DataFrame) -> pl.DataFrame:
    """A report belongs to the identity holding the application it names by candidate id at
    the reporting company; failing that, by e-mail, when at most two identities hold it. A
    phone or a name alone is no tie: agencies and households share them."""
    by_candidate = reports.filter(pl.col("matched_on").str.contains("candidate_id"))
    rest = reports.join(by_candidate.select("source"), on="source", how="anti").filter(
        pl.col("matched_on").str.contains("email")
    )
    by_email = rest.filter(pl.col("identity_id").n_unique().over("source") <= 2)
    return (
        pl.concat([by_candidate, by_email])
        .unique(["identity_id", "source"])
        .with_columns(_reference("report", pl.col("source")))
    )


def _partner(
    observables: pl.DataFrame,
    contacts: pl.DataFrame,
    egress: pl.DataFrame,
    now: datetime,
    community_key: MatchKeys,
) -> pl.DataFrame:
    """Identities matching a partner indicator: its IP in their egress, its e-mail among their
    contacts, or its keyed hash among the keyed hashes of their contacts."""
    indicators = observables.with_columns(
        (_utc(pl.col("valid_until")) < now).fill_null(False).alias("stale"),
        pl.col("confidence").cast(pl.Float64, strict=False),
        ("indicator:" + pl.col("stix_id")).alias("source"),
    )
    ips = indicators.filter(
        pl.col("path").str.ends_with("-addr:value") & ~pl.col("path").str.starts_with("email")
    )
    by_ip = (
        egress.join(ips, left_on="ip", right_on="value")
        .select(
            "identity_id",
            "source_right",
            ("ip " + pl.col("ip")).alias("matched"),
            "confidence",
            "stale",
            pl.col("kind").is_in(ipintel.SHARED_BY_DESIGN).fill_null(False).alias("shared_egress"),
        )
        .rename({"source_right": "source"})
    )
    emails = indicators.filter(pl.col("path") == "email-addr:value").with_columns(
        pl.col("value").str.to_lowercase()
    )
    by_email = (
        contacts.filter(pl.col("kind") == "email")
        .join(emails, left_on="key", right_on="value")
        .select(
            "identity_id",
            "source",
            ("email " + pl.col("key")).alias("matched"),
            "confidence",
            "stale",
            pl.lit(False).alias("shared_egress"),
        )
    )
    parts = [by_ip, by_email]
    hashed = indicators.filter(pl.col("path") == "hashed-identifier:hmac_sha256")
    if hashed.height:  # under each key that matches: a rotation's overlap holds two
        parts += [_by_hash(hashed, contacts, key) for key in match_keys(community_key)]
    return pl.concat(parts, how="vertical_relaxed")


def _by_hash(hashed: pl.DataFrame, contacts: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """Contacts whose keyed hash (HMAC-SHA256 of "kind:normalised value" under the community
    key, tests/fixtures/samples/pii_hmac_test_vectors.json) a partner indicator gives."""
    values = contacts.filter(pl.col("kind").is_in(["email", "phone"])).select("kind", "key")
    keyed = with_keyed_hashes(values.unique(), key)
    return (
        contacts.join(keyed, on=["kind", "key"])
        .join(hashed, left_on="digest", right_on="value")
        .select(
            "identity_id", "source", (pl.col("kind") + " (keyed hash)").alias("matched"),
            "confidence", "stale", pl.lit(False).alias("shared_egress"),
        )
    )  # fmt: skip

"""What is known about the network an IP address belongs to: ipintel.csv, then reference data.

Facts about networks (who operates an address block, whether it is a server, a VPN exit or Tor),
never about the people behind them: nothing here reads or infers anyone's nationality or origin,
and ``country`` is where an address egresses (docs/formats.md section 12), not where anyone is from.

Two sources share one frame, the *ranges* (``RANGES_SCHEMA``): a customer's ``ipintel.csv``
(docs/formats.md section 3, ``source`` = ``ipintel``) and the file fauxhire ships,
``reference/ip_reference.csv`` (``source`` = ``reference``; its README gives every row's origin
and confidence). A row with an empty ``network`` is a fact about a whole AS number: it never
matches an address, and ``by_asn`` reads it.

``lookup`` rule: the most specific network containing the IP wins; on equal prefix length an
``ipintel`` row beats a ``reference`` row; among rows of one source and prefix, the first. So a
customer's ``/24`` inside a shipped ``/16`` wins, and so does a shipped ``/24`` inside a
customer's ``/8`` (the shipped network rows are IANA special-purpose blocks, whose empty ``kind``
says "unknown").

How: CIDR blocks are nested or disjoint, so the ranges flatten into disjoint segments of the
address space, each labelled with its most specific range (one pass over the ranges, sorted).
IPv4 addresses become integers with polars string operations and find their segment with one
``join_asof``: no Python loop per address, two million addresses in a fraction of a second.
IPv6 addresses, rare in these logs, and anything that is not a plain dotted quad go through
``ipaddress`` once per distinct text and ``bisect``. An IPv4-mapped IPv6 address is its IPv4
address.
"""

from __future__ import annotations

import bisect
import io
import ipaddress
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

import polars as pl

from fauxhire.domain.normalise import ip as ip_norm

KINDS: Final = ("residential", "mobile", "business", "education", "hosting", "vpn", "proxy", "tor")
ANONYMISERS: Final = ("vpn", "proxy", "tor")  # kinds whose rows name a provider
# Kinds that hide where a person is: anonymisers and rented servers.
HIDING: Final = (*ANONYMISERS, "hosting")
# Egress that many unrelated people share by design: a VPN's or proxy's exits, cloud hosts,
# mobile carrier NAT, a campus or office NAT. Two identities on one of them is chance.
SHARED_BY_DESIGN: Final = (*HIDING, "mobile", "education", "business")
SOURCES: Final = ("ipintel", "reference")  # in order of precedence on equal prefix length
FACTS: Final = ("asn", "as_org", "country", "kind", "provider", "source")
RANGES_SCHEMA: Final[dict[str, pl.DataType]] = {
    "network": pl.String(),
    "asn": pl.Int64(),
    "as_org": pl.String(),
    "country": pl.String(),
    "kind": pl.String(),
    "provider": pl.String(),
    "source": pl.String(),
}
LOOKUP_SCHEMA: Final[dict[str, pl.DataType]] = {"ip": pl.String()} | {
    name: RANGES_SCHEMA[name] for name in FACTS
}
ASN_SCHEMA: Final[dict[str, pl.DataType]] = {name: RANGES_SCHEMA[name] for name in FACTS}

_OCTET = r"(0|[1-9][0-9]{0,2})"
_DOTTED_QUAD = rf"^{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}$"


def reference_ranges() -> pl.DataFrame:
    """The reference data fauxhire ships, in ``RANGES_SCHEMA`` with ``source`` = ``reference``."""
    return _reference().clone()


@cache
def _reference() -> pl.DataFrame:
    data = resources.files("fauxhire.enrich").joinpath("reference", "ip_reference.csv")
    frame = pl.read_csv(
        io.BytesIO(data.read_bytes()),
        schema={name: pl.String() for name in RANGES_SCHEMA if name != "source"},
    )
    return frame.with_columns(
        pl.col("asn").cast(pl.Int64), pl.lit("reference", pl.String).alias("source")
    ).select(list(RANGES_SCHEMA))


def known_ranges(customer: pl.DataFrame) -> pl.DataFrame:
    """Every range fauxhire knows: the customer's ipintel.csv rows (the store's ``ip_ranges``)
    with ``source`` = ``ipintel``, then the shipped reference data. Linking and assessment both
    class egress on these, so that one address is one kind wherever it is read."""
    return pl.concat(
        [
            customer.with_columns(
                pl.col("asn").cast(pl.Int64, strict=False), pl.lit("ipintel").alias("source")
            ),
            reference_ranges(),
        ],
        how="diagonal_relaxed",
    )


def classify(seen: pl.DataFrame, ranges: pl.DataFrame) -> pl.DataFrame:
    """``seen`` (an ``ip``, the ``asn`` an identity provider gave, Int64 or null, and the
    ``event_country`` it gave, or null) with the ``kind``, ``provider`` and ``country`` of its
    egress. The most specific network of ``ranges`` that holds the IP decides (``lookup``);
    where none is known, an AS-wide fact of the reference data on the ASN (``by_asn``); the
    country falls back to the provider's event country."""
    known = lookup(seen.get_column("ip"), ranges)
    asn_wide = by_asn(seen.get_column("asn").drop_nulls()).select(
        "asn", pl.col("kind").alias("_asn_kind"), pl.col("provider").alias("_asn_provider")
    )
    return (
        seen.join(known.select("ip", "kind", "provider", "country"), on="ip", how="left")
        .join(asn_wide, on="asn", how="left")
        .with_columns(
            pl.coalesce("kind", "_asn_kind").alias("kind"),
            pl.when(pl.col("kind").is_null())
            .then(pl.col("_asn_provider"))
            .otherwise(pl.col("provider"))
            .alias("provider"),
            pl.coalesce("country", pl.col("event_country").str.to_uppercase()).alias("country"),
        )
        .drop("_asn_kind", "_asn_provider")
    )


def lookup(ips: pl.Series, ranges: pl.DataFrame) -> pl.DataFrame:
    """One row per distinct IP in ``ips`` (``LOOKUP_SCHEMA``) with the facts of the most specific
    network in ``ranges`` that contains it.

    ``ranges`` holds the columns of ``RANGES_SCHEMA`` (extra columns are ignored; a missing
    ``source`` reads as null, ranking after both sources). An IP no network contains, or a text
    that is no IP address, gets a row whose facts are all null. Null IPs are left out. Rows come
    in a fixed order: dotted quads by address, then every other text in text order.
    """
    index = _index(ranges)
    texts = _with_v4(ips.cast(pl.String).drop_nulls().to_frame("ip"))
    # A dotted quad without leading zeros is its integer's one spelling: dedupe and sort the
    # integers, and spell them back, rather than hashing and sorting the texts.
    v4 = (
        texts.select(pl.col("_v4").drop_nulls().unique())
        .sort("_v4")
        .join_asof(index.v4_frame, left_on="_v4", right_on="_start", strategy="backward")
        .select(_dotted_quad(pl.col("_v4")).alias("ip"), "_row")
    )
    other = texts.filter(pl.col("_v4").is_null()).select("ip").unique().sort("ip")
    rows = [index.find(text) for text in other.get_column("ip")]
    found = pl.concat([v4, other.with_columns(pl.Series("_row", rows, pl.Int64))])
    facts = index.facts.select(pl.col(name).gather(found.get_column("_row")) for name in FACTS)
    return pl.concat([found.select("ip"), facts], how="horizontal")


def by_asn(asns: pl.Series, reference: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per distinct AS number in ``asns`` (``ASN_SCHEMA``) with the ASN-level facts of
    ``reference`` (rows with an empty ``network``; default: the shipped reference data).

    ``asns`` may be integers or texts such as "AS16509" or "16509"; anything else is left out.
    Use it only where ``lookup`` found nothing: a network fact outranks an AS-wide one.
    """
    table = reference if reference is not None else _reference()
    table = _with_rank(_conformed(table).filter(_blank("network") & pl.col("asn").is_not_null()))
    table = table.sort("_rank", "_order").unique("asn", keep="first", maintain_order=True)
    numbers = _asn_numbers(asns).drop_nulls().unique(maintain_order=True)
    frame = pl.DataFrame({"asn": numbers}, schema={"asn": pl.Int64})
    return frame.join(table, on="asn", how="left", maintain_order="left").select(list(ASN_SCHEMA))


def _asn_numbers(asns: pl.Series) -> pl.Series:
    if asns.dtype.is_integer():
        return asns.cast(pl.Int64)
    text = asns.cast(pl.String).str.strip_chars().str.to_uppercase().str.strip_prefix("AS")
    return text.str.strip_chars().cast(pl.Int64, strict=False)


def _with_v4(texts: pl.DataFrame) -> pl.DataFrame:
    """``texts`` with ``_v4``: the integer of each ``ip`` that is a dotted quad (no leading
    zeros, as ``ipaddress`` reads them), else null. In two steps, so each text is split once."""
    texts = texts.with_columns(
        pl.col("ip").str.split_exact(".", 3).alias("_parts"),
        pl.col("ip").str.contains(_DOTTED_QUAD).alias("_dotted"),
    )
    octets = [
        pl.col("_parts").struct.field(f"field_{n}").cast(pl.Int64, strict=False) for n in range(4)
    ]
    value = octets[0] * 16_777_216 + octets[1] * 65_536 + octets[2] * 256 + octets[3]
    valid = pl.col("_dotted") & pl.all_horizontal([octet <= 255 for octet in octets])
    return texts.select("ip", pl.when(valid).then(value).alias("_v4"))


def _dotted_quad(value: pl.Expr) -> pl.Expr:
    return pl.format("{}.{}.{}.{}", *((value // (1 << shift)) % 256 for shift in (24, 16, 8, 0)))


def _blank(column: str) -> pl.Expr:
    return pl.col(column).is_null() | (pl.col(column).str.strip_chars() == "")


def _conformed(ranges: pl.DataFrame) -> pl.DataFrame:
    """``ranges`` in ``RANGES_SCHEMA``, a missing column null, with each row's input order."""
    return ranges.select(
        (pl.col(name).cast(dtype) if name in ranges.columns else pl.lit(None, dtype)).alias(name)
        for name, dtype in RANGES_SCHEMA.items()
    ).with_row_index("_order")


def _with_rank(ranges: pl.DataFrame) -> pl.DataFrame:
    rank = pl.col("source").replace_strict(
        {source: n for n, source in enumerate(SOURCES)}, default=len(SOURCES), return_dtype=pl.Int64
    )
    return ranges.with_columns(rank.fill_null(len(SOURCES)).alias("_rank"))


@dataclass(frozen=True, slots=True)
class _Index:
    """The ranges flattened: per IP version, disjoint segments by start, each naming the row
    (``_row`` in ``facts``) of the most specific range that covers it, or None."""

    v4_starts: list[int]
    v4_rows: list[int | None]
    v6_starts: list[int]
    v6_rows: list[int | None]
    facts: pl.DataFrame

    @property
    def v4_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {"_start": self.v4_starts, "_row": self.v4_rows},
            schema={"_start": pl.Int64, "_row": pl.Int64},
        ).set_sorted("_start")

    def find(self, text: str) -> int | None:
        """The row of one address written any way ``ipaddress`` reads; None if it is none."""
        try:
            value = ip_norm.normalise(text)
        except ValueError:
            return None
        if value is None:
            return None
        address = ipaddress.ip_address(value.key)
        starts, rows = (
            (self.v4_starts, self.v4_rows)
            if address.version == 4
            else (self.v6_starts, self.v6_rows)
        )
        return rows[bisect.bisect_right(starts, int(address)) - 1]


def _index(ranges: pl.DataFrame) -> _Index:
    table = _with_rank(_conformed(ranges).filter(~_blank("network")))
    table = table.sort("_rank", "_order").with_row_index("_row")
    blocks: dict[tuple[int, int, int], int] = {}  # (version, start, prefix) -> first row
    for row, network in enumerate(table.get_column("network")):
        try:
            net = ipaddress.ip_network(network.strip(), strict=False)
        except ValueError:
            continue
        blocks.setdefault((net.version, int(net.network_address), net.prefixlen), row)
    flat = {4: _flatten(blocks, 4, 32), 6: _flatten(blocks, 6, 128)}
    facts = table.select(pl.col("_row").cast(pl.Int64), *FACTS)
    return _Index(*flat[4], *flat[6], facts)


def _flatten(
    blocks: dict[tuple[int, int, int], int], version: int, bits: int
) -> tuple[list[int], list[int | None]]:
    """Disjoint segments from address 0 up, each labelled with its most specific block.

    Blocks come sorted by start, the wider first, and are nested or disjoint (CIDR): a stack
    holds the blocks open at the current address, the innermost on top.
    """
    spans = sorted(
        (start, -(start + (1 << (bits - prefix)) - 1), row)
        for (v, start, prefix), row in blocks.items()
        if v == version
    )
    starts: list[int] = []
    rows: list[int | None] = []
    open_blocks: list[tuple[int, int | None]] = []  # (end, row)
    at = 0  # the first address not yet in a segment

    def emit(until: int, row: int | None) -> None:
        """Label ``at`` to ``until`` with ``row`` (None: no block), extending the last segment
        when it has that label."""
        nonlocal at
        if at > until:
            return
        if not rows or rows[-1] != row:
            starts.append(at)
            rows.append(row)
        at = until + 1

    for start, negative_end, row in spans:
        while open_blocks and open_blocks[-1][0] < start:
            emit(*open_blocks.pop())
        emit(start - 1, open_blocks[-1][1] if open_blocks else None)
        open_blocks.append((-negative_end, row))
    while open_blocks:
        emit(*open_blocks.pop())
    emit((1 << bits) - 1, None)
    return starts, rows

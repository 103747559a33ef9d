"""ipintel.csv (docs/formats.md section 3): a customer's IP intelligence, one network a row."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator

from fauxhire.domain import IpRange, Provenance
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile
from fauxhire.ingest.csv_rows import iter_csv_rows
from fauxhire.ingest.wire import OptionalText, Wire, iter_valid

SOURCE_SYSTEM = "ipintel"


def _network(value: str) -> str:
    try:
        return ipaddress.ip_network(value.strip(), strict=False).with_prefixlen
    except ValueError as exc:
        raise ValueError("must be an IPv4 or IPv6 CIDR such as 198.51.100.0/24") from exc


def _asn(value: object) -> object:
    if isinstance(value, str):
        value = value.strip().upper().removeprefix("AS")
        return value or None
    return value


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


class IpIntelRow(Wire):
    network: Annotated[str, AfterValidator(_network)]
    asn: Annotated[int | None, BeforeValidator(_asn)] = None
    as_org: OptionalText = None
    country: OptionalText = None
    kind: Annotated[
        Literal["residential", "mobile", "business", "education", "hosting", "vpn", "proxy", "tor"],
        BeforeValidator(_lower),
    ]
    provider: OptionalText = None


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    rows = iter_csv_rows(
        source,
        context,
        required=("network", "kind"),
        expect="ipintel.csv (docs/formats.md section 3)",
    )
    for item in iter_valid(rows, IpIntelRow, source):
        if isinstance(item, Quarantined):
            yield item
            continue
        location, row = item
        yield IpRange(
            network=row.network,
            asn=row.asn,
            as_org=row.as_org,
            country=row.country.upper() if row.country else None,
            kind=row.kind,
            provider=row.provider,
            provenance=Provenance(SOURCE_SYSTEM, source.display, location),
        )

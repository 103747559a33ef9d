"""IP intelligence: the most specific network wins, ipintel before reference on a tie, ASN-level
facts, and the reference data fauxhire ships."""

from __future__ import annotations

import ipaddress
import re
from importlib import resources

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fauxhire.enrich import ipintel


def ranges(*rows: tuple[str, str, str | None, str]) -> pl.DataFrame:
    """Ranges from (network, kind, provider, source) rows; as_org names the network."""
    return pl.DataFrame(
        {
            "network": [row[0] for row in rows],
            "asn": list(range(64_512, 64_512 + len(rows))),
            "as_org": [f"org of {row[0]}" for row in rows],
            "country": ["US"] * len(rows),
            "kind": [row[1] for row in rows],
            "provider": [row[2] for row in rows],
            "source": [row[3] for row in rows],
        },
        schema=ipintel.RANGES_SCHEMA,
    )


def facts(found: pl.DataFrame) -> dict[str, tuple[str | None, str | None]]:
    """ip -> (as_org, source)."""
    return {row["ip"]: (row["as_org"], row["source"]) for row in found.iter_rows(named=True)}


NESTED = ranges(
    ("45.0.0.0/8", "hosting", None, "ipintel"),
    ("45.134.0.0/16", "business", None, "reference"),
    ("45.134.0.0/17", "vpn", "Astrill VPN", "ipintel"),
    ("45.134.0.128/25", "vpn", "NordVPN", "reference"),
    ("45.134.0.200/32", "tor", "Tor", "ipintel"),
)


@pytest.mark.parametrize(
    ("ip", "network"),
    [
        ("45.1.2.3", "45.0.0.0/8"),
        ("45.134.200.1", "45.134.0.0/16"),
        ("45.134.1.1", "45.134.0.0/17"),
        ("45.134.0.127", "45.134.0.0/17"),  # the address just below the /25
        ("45.134.0.128", "45.134.0.128/25"),
        ("45.134.0.199", "45.134.0.128/25"),
        ("45.134.0.200", "45.134.0.200/32"),
        ("45.134.0.201", "45.134.0.128/25"),  # back in the /25 after the /32
        ("45.134.127.255", "45.134.0.0/17"),  # the /17's last address
        ("45.134.128.0", "45.134.0.0/16"),
        ("45.255.255.255", "45.0.0.0/8"),
    ],
)
def test_the_most_specific_network_wins(ip: str, network: str) -> None:
    found = ipintel.lookup(pl.Series([ip]), NESTED)
    assert facts(found)[ip][0] == f"org of {network}"


def test_ipintel_beats_reference_on_equal_prefix_whatever_the_order() -> None:
    for order in (1, -1):
        rows = [
            ("198.51.100.0/24", "hosting", None, "reference"),
            ("198.51.100.0/24", "business", None, "ipintel"),
        ][::order]
        found = ipintel.lookup(pl.Series(["198.51.100.7"]), ranges(*rows))
        assert found.row(0, named=True)["kind"] == "business"
        assert found.row(0, named=True)["source"] == "ipintel"


def test_a_more_specific_reference_network_beats_a_wider_ipintel_one() -> None:
    table = pl.concat(
        [ranges(("0.0.0.0/0", "residential", None, "ipintel")), ipintel.reference_ranges()]
    )
    found = facts(ipintel.lookup(pl.Series(["10.1.2.3", "8.8.8.8"]), table))
    assert found["10.1.2.3"] == ("IANA special-purpose: Private-Use (RFC 1918)", "reference")
    assert found["8.8.8.8"] == ("org of 0.0.0.0/0", "ipintel")


def test_among_rows_of_one_source_and_network_the_first_wins() -> None:
    table = ranges(
        ("203.0.113.0/24", "hosting", None, "ipintel"),
        ("203.0.113.0/24", "vpn", "X", "ipintel"),
    )
    assert ipintel.lookup(pl.Series(["203.0.113.9"]), table)["kind"].to_list() == ["hosting"]


def test_ips_outside_every_range_and_invalid_texts_get_all_null_facts() -> None:
    texts = ["8.8.8.8", "not an ip", "256.1.1.1", "1.2.3", "01.2.3.4", "", "2001:db8::zz"]
    found = ipintel.lookup(pl.Series(texts), NESTED)
    assert sorted(found["ip"].to_list()) == sorted(texts)
    assert found.drop("ip").null_count().row(0) == (len(texts),) * len(ipintel.FACTS)


def test_one_row_per_distinct_ip_nulls_left_out_in_a_fixed_order() -> None:
    ips = pl.Series(["45.134.0.200", None, "9.9.9.9", "45.134.0.200", "::1", "45.1.0.0", "::1"])
    found = ipintel.lookup(ips, NESTED)
    assert found.columns == list(ipintel.LOOKUP_SCHEMA)
    assert found.schema == pl.Schema(ipintel.LOOKUP_SCHEMA)
    assert found["ip"].to_list() == ["9.9.9.9", "45.1.0.0", "45.134.0.200", "::1"]


def test_empty_inputs() -> None:
    assert ipintel.lookup(pl.Series([], dtype=pl.String), NESTED).is_empty()
    empty = pl.DataFrame(schema=ipintel.RANGES_SCHEMA)
    found = ipintel.lookup(pl.Series(["1.2.3.4", "::1"]), empty)
    assert found["source"].to_list() == [None, None]


def test_ipv6_and_the_forms_logs_write_addresses_in() -> None:
    table = ranges(
        ("2001:db8::/32", "hosting", None, "reference"),
        ("2001:db8:aa::/48", "vpn", "Proton VPN", "ipintel"),
        ("198.51.100.0/24", "business", None, "ipintel"),
    )
    texts = [
        "2001:db8:aa::1",
        "2001:DB8:AA:0::2",
        "2001:db8:bb::1",
        "[2001:db8:aa::3]:443",
        "2001:db9::1",
        "::ffff:198.51.100.4",  # IPv4-mapped: the IPv4 address
        " 198.51.100.5 ",
        "198.51.100.6:443",
    ]
    found = facts(ipintel.lookup(pl.Series(texts), table))
    assert found == {
        "2001:db8:aa::1": ("org of 2001:db8:aa::/48", "ipintel"),
        "2001:DB8:AA:0::2": ("org of 2001:db8:aa::/48", "ipintel"),
        "2001:db8:bb::1": ("org of 2001:db8::/32", "reference"),
        "[2001:db8:aa::3]:443": ("org of 2001:db8:aa::/48", "ipintel"),
        "2001:db9::1": (None, None),
        "::ffff:198.51.100.4": ("org of 198.51.100.0/24", "ipintel"),
        " 198.51.100.5 ": ("org of 198.51.100.0/24", "ipintel"),
        "198.51.100.6:443": ("org of 198.51.100.0/24", "ipintel"),
    }


def test_ranges_with_host_bits_missing_columns_and_bad_networks() -> None:
    table = pl.DataFrame({"network": ["192.0.2.77/24", "not a network", None, " 10.0.0.0/8 "]})
    found = facts(ipintel.lookup(pl.Series(["192.0.2.1", "10.9.9.9", "8.8.8.8"]), table))
    assert found == {"192.0.2.1": (None, None), "10.9.9.9": (None, None), "8.8.8.8": (None, None)}
    with_kind = table.with_columns(pl.Series("kind", ["hosting", "vpn", "vpn", "business"]))
    found = ipintel.lookup(pl.Series(["192.0.2.1", "10.9.9.9", "8.8.8.8"]), with_kind)
    kinds = dict(zip(found["ip"], found["kind"], strict=True))
    assert kinds == {"192.0.2.1": "hosting", "10.9.9.9": "business", "8.8.8.8": None}


@st.composite
def networks(draw: st.DrawFn) -> str:
    prefix = draw(st.integers(0, 32))
    start = draw(st.integers(0, (1 << prefix) - 1)) << (32 - prefix) if prefix else 0
    return f"{ipaddress.IPv4Address(start)}/{prefix}"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(networks(), st.sampled_from(["ipintel", "reference"])), max_size=25),
    st.lists(st.integers(0, (1 << 32) - 1), min_size=1, max_size=40),
)
def test_agrees_with_a_plain_search_over_every_range(
    rows: list[tuple[str, str]], addresses: list[int]
) -> None:
    table = ranges(*((network, "hosting", None, source) for network, source in rows))
    found = facts(
        ipintel.lookup(pl.Series([str(ipaddress.IPv4Address(a)) for a in addresses]), table)
    )
    parsed = [(ipaddress.ip_network(network), source) for network, source in rows]
    for address in addresses:
        ip = ipaddress.IPv4Address(address)
        containing = [
            (-net.prefixlen, source != "ipintel", n, net)
            for n, (net, source) in enumerate(parsed)
            if ip in net
        ]
        want = f"org of {rows[min(containing)[2]][0]}" if containing else None
        assert found[str(ip)][0] == want


def test_by_asn_reads_asn_level_rows_from_integers_and_texts() -> None:
    found = ipintel.by_asn(pl.Series(["AS16509", "as 209103", "16509", "nonsense", None, "64512"]))
    assert found.schema == pl.Schema(ipintel.ASN_SCHEMA)
    rows = {row["asn"]: row for row in found.iter_rows(named=True)}
    assert list(rows) == [16509, 209103, 64512]
    assert (rows[16509]["kind"], rows[16509]["provider"]) == ("hosting", None)
    assert (rows[209103]["kind"], rows[209103]["provider"]) == ("vpn", "Proton VPN")
    assert rows[64512]["source"] is None  # a private-use AS: nothing known
    assert ipintel.by_asn(pl.Series([60729])).row(0, named=True)["kind"] == "tor"


def test_by_asn_ignores_network_rows_and_prefers_ipintel() -> None:
    table = pl.DataFrame(
        {
            "network": ["192.0.2.0/24", None, None, ""],
            "asn": [64_512, 64_513, 64_513, 64_514],
            "kind": ["vpn", "hosting", "business", "mobile"],
            "source": ["ipintel", "reference", "ipintel", "reference"],
        }
    )
    found = ipintel.by_asn(pl.Series([64_512, 64_513, 64_514]), table)
    assert found["kind"].to_list() == [None, "business", "mobile"]


# The shipped reference data.


def test_reference_ranges_parse_in_the_ranges_schema() -> None:
    reference = ipintel.reference_ranges()
    assert reference.schema == pl.Schema(ipintel.RANGES_SCHEMA)
    assert reference["source"].unique().to_list() == ["reference"]
    reference.drop_in_place("source")  # a caller's change does not reach the cached copy
    assert "source" in ipintel.reference_ranges().columns


def test_every_reference_row_is_a_network_or_an_asn_fact_of_a_valid_kind() -> None:
    reference = ipintel.reference_ranges()
    for row in reference.iter_rows(named=True):
        if row["network"] is not None:
            net = ipaddress.ip_network(row["network"])  # strict: no host bits
            assert net.with_prefixlen == row["network"], row
            # Network rows are IANA special-purpose blocks, of unknown kind, never residential.
            assert row["as_org"].startswith("IANA special-purpose: "), row
            assert (row["asn"], row["kind"], row["provider"], row["country"]) == (None,) * 4
        else:
            assert row["asn"] is not None and row["as_org"], row
            assert row["kind"] in ipintel.KINDS, row
            assert row["country"] is None, row  # an AS egresses in many countries
            named = row["provider"] is not None
            assert named == (row["kind"] in ipintel.ANONYMISERS), row


def test_reference_keys_are_unique_and_every_one_is_in_the_readme() -> None:
    reference = ipintel.reference_ranges()
    networks_ = reference.drop_nulls("network")["network"]
    asns = reference.filter(pl.col("network").is_null())["asn"]
    assert networks_.is_unique().all() and asns.is_unique().all()
    readme = resources.files("fauxhire.enrich").joinpath("reference", "README.md").read_text()
    documented = set(re.findall(r"AS(\d+)", readme))
    assert {str(asn) for asn in asns} <= documented
    for network in networks_:
        assert network in readme, network


def test_the_reference_data_marks_the_special_purpose_blocks() -> None:
    found = facts(
        ipintel.lookup(
            pl.Series(["100.64.1.1", "127.0.0.1", "192.0.2.10", "fd00::1", "fe80::1", "1.1.1.1"]),
            ipintel.reference_ranges(),
        )
    )
    assert found["100.64.1.1"][0] == (
        "IANA special-purpose: Shared Address Space (carrier-grade NAT) (RFC 6598)"
    )
    assert found["127.0.0.1"][0] == "IANA special-purpose: Loopback (RFC 1122)"
    assert found["192.0.2.10"][0] == "IANA special-purpose: Documentation TEST-NET-1 (RFC 5737)"
    assert found["fd00::1"][0] == "IANA special-purpose: Unique-Local (RFC 4193)"
    assert found["fe80::1"][0] == "IANA special-purpose: Link-Local Unicast (RFC 4291)"
    assert found["1.1.1.1"] == (None, None)

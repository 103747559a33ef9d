"""What the network stage observes: resume lines an identity presents, egress worth comparing."""

from __future__ import annotations

import polars as pl

from fauxhire.services.network_evidence import Sightings, _private_egress, _resume, _template_lines


def test_resume_lines_are_the_ones_an_identity_presents_without_its_dated_history() -> None:
    template = "Results-driven Data Engineer with 8+ years of experience delivering value."
    text = f"Ann Lee\n{template}\nEXPERIENCE\nInitech, Data Engineer, 2019-present\n"
    texts = pl.DataFrame(
        {
            "rec": [1, 2, 3],
            "resume_text": [text, text + "Certified Kafka practitioner.\n", text],
        }
    )
    nothing = pl.DataFrame()
    seen = Sightings(nothing, nothing, texts.select("rec"), _template_lines(texts))
    identities = pl.DataFrame({"rec": [1, 2, 3], "cluster": [7, 7, 7]})
    lines = _resume(seen, identities).get_column("value").unique().to_list()
    assert lines == [template.lower()]  # no dated entry; one added line in three is drift


def test_exits_shared_by_design_are_no_private_address_and_hidden_ones_name_a_provider() -> None:
    ranges = pl.DataFrame(
        {
            "network": ["45.134.0.0/17", "23.112.0.0/13", "128.210.0.0/16"],
            "asn": [None, None, None],
            "kind": ["vpn", "residential", "education"],
        }
    )
    ips = ["45.134.9.1", "23.116.75.124", "128.210.0.17", "2001:db8::1", "10.0.0.1"]
    meetings = pl.DataFrame({"rec": list(range(len(ips))), "ip_address": ips})
    # A sign-in whose identity provider gave a VPN's AS number (known to the shipped reference
    # data only), and one from the same residential line as a meeting.
    signins = pl.DataFrame(
        {
            "rec": [10, 11],
            "ip_address": ["198.51.100.7", "23.116.75.124"],
            "asn": ["136787", "64600"],
            "event_country": ["US", "US"],
        }
    )
    kept = _private_egress(meetings, signins, ranges)
    private = kept.filter(pl.col("kind") == "egress_ip")
    assert set(private.get_column("value")) == {"23.116.75.124", "2001:db8::1", "10.0.0.1"}
    # A VPN's exits are kept apart, named with their provider (the range's own, or the kind
    # where it names none) for the network spec to read their rarity among its users.
    hidden = kept.filter(pl.col("kind") == "hidden_egress")
    assert dict(zip(hidden.get_column("rec"), hidden.get_column("value"), strict=True)) == {
        0: "vpn 45.134.9.1",
        10: "NordVPN 198.51.100.7",
    }
    assert sorted(kept.filter(pl.col("value") == "23.116.75.124").get_column("rec")) == [1, 11]

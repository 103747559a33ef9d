"""What the network stage observes: resume lines an identity presents, egress worth comparing."""

from __future__ import annotations

import polars as pl

from fauxhire.services.network_evidence import _resume, _shared_by_design


def test_resume_lines_are_the_ones_an_identity_presents_without_its_dated_history() -> None:
    template = "Results-driven Data Engineer with 8+ years of experience delivering value."
    text = f"Ann Lee\n{template}\nEXPERIENCE\nInitech, Data Engineer, 2019-present\n"
    apps = pl.DataFrame(
        {
            "rec": [1, 2, 3],
            "resume_text": [text, text + "Certified Kafka practitioner.\n", text],
        }
    )
    identities = pl.DataFrame({"rec": [1, 2, 3], "cluster": [7, 7, 7]})
    lines = _resume(apps, identities).get_column("value").unique().to_list()
    assert lines == [template.lower()]  # no dated entry; one added line in three is drift


def test_egress_in_ranges_shared_by_design_is_left_out() -> None:
    ranges = pl.DataFrame(
        {
            "network": ["45.134.0.0/17", "23.112.0.0/13", "128.210.0.0/16"],
            "kind": ["vpn", "residential", "education"],
        }
    )
    ips = pl.Series(["45.134.9.1", "23.116.75.124", "128.210.0.17", "2001:db8::1", "10.0.0.1"])
    out = set(_shared_by_design(ips, ranges).get_column("value").to_list())
    assert out == {"45.134.9.1", "128.210.0.17"}

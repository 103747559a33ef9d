"""One person split, or two strangers: a shared value under a shared name word, in a store
large enough that common names meet by chance (issue 14: legitimate people in networks)."""

from __future__ import annotations

import polars as pl

from fauxhire.link.engines.embedded.networks import link_networks

# 1, 2, 3: one operator's personas, chained by a payout account and a drop address each.
_NETWORK = [
    (1, "payout", "acct-op-1"),
    (2, "payout", "acct-op-1"),
    (1, "shipping", "1 farm rd"),
    (2, "shipping", "1 farm rd"),
    (2, "payout", "acct-op-2"),
    (3, "payout", "acct-op-2"),
    (2, "shipping", "2 farm rd"),
    (3, "shipping", "2 farm rd"),
]
_NETWORK_NAMES = {1: "daniel green", 2: "omar qadir", 3: "lena voss"}


def _observations(rows: list[tuple[int, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"identity": pl.Int64, "kind": pl.String, "value": pl.String}, orient="row"
    )


def _crowd(daniels: int = 200, others: int = 2000) -> tuple[list[tuple[int, str, str]], dict]:
    """A populous store: ``daniels`` people called Daniel behind home connections two of them
    share (a carrier's NAT), and ``others`` people of other names. "Daniel" is one name in
    eleven here; "king" in none."""
    rows = [(100 + i, "egress_ip", f"100.64.0.{i // 2}") for i in range(daniels)]
    names = {100 + i: f"daniel surname{i}" for i in range(daniels)}
    names |= {10_000 + i: f"given{i} family{i}" for i in range(others)}
    return rows, names


def _names(pairs: dict[int, str]) -> pl.DataFrame:
    return pl.DataFrame({"identity": list(pairs), "name": list(pairs.values())})


def test_a_stranger_sharing_a_common_first_name_and_one_value_is_not_one_person() -> None:
    # Daniel Moore (4) happens to come out of the same egress address as persona Daniel Green
    # (1). Among the crowd's pairs sharing a connection, a hundred, about one shares "daniel":
    # a coincidence to expect, not one person. Sharing one value, 4 is in no network.
    crowd, crowd_names = _crowd()
    obs = _observations(_NETWORK + crowd + [(1, "egress_ip", "203.0.113.5")])
    obs = pl.concat([obs, _observations([(4, "egress_ip", "203.0.113.5")])])
    names = _names(_NETWORK_NAMES | {4: "daniel moore"} | crowd_names)
    networks = dict(link_networks(obs, names=names).networks.iter_rows())
    assert networks[1] == networks[2] == networks[3]
    assert 4 not in networks


def test_one_person_under_a_rare_name_word_stays_one_person_in_a_populous_store() -> None:
    # Anthony King (5) and Tony King (6): one person the identity stage split, paid into one
    # account from one home connection. "King" is two identities' word of 2,200: strangers
    # would share it and a value by chance in far fewer than one store in a hundred. One person
    # is no network, however many values his halves share.
    crowd, crowd_names = _crowd()
    halves = [(i, kind, value) for i in (5, 6) for kind, value in
              (("payout", "acct-king"), ("egress_ip", "198.51.100.7"))]  # fmt: skip
    names = _names({5: "anthony king", 6: "king tony"} | crowd_names)
    assert link_networks(_observations(halves + crowd), names=names).networks.height == 0

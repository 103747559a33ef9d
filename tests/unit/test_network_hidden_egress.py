"""VPN, proxy and host exits as network evidence: an overlap far past chance, never a few."""

from __future__ import annotations

import polars as pl

from fauxhire.link.engines.embedded.networks import link_networks


def _observations(rows: list[tuple[int, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"identity": pl.Int64, "kind": pl.String, "value": pl.String}, orient="row"
    )


def _exit(provider: str, number: int) -> str:
    return f"{provider} 45.{number // 250}.{number % 250}.1"


def _users(provider: str, count: int, pool: int, each: int, start: int = 1000) -> list:
    """``count`` users of a provider, each through ``each`` of its ``pool`` exits, spread
    evenly: the pool and its use, against which two groups' overlap is weighed. Their exits
    are numbered from 10,000, apart from the ones a test's identities use."""
    return [
        (start + n, "hidden_egress", _exit(provider, 10_000 + (n * each + j) % pool))
        for n in range(count)
        for j in range(each)
    ]


def _through(identities: tuple[int, ...], provider: str, exits: range) -> list:
    return [(i, "hidden_egress", _exit(provider, e)) for i in identities for e in exits]


def _together(a: int, b: int, rows: list) -> bool:
    networks = dict(link_networks(_observations(rows)).networks.iter_rows())
    return a in networks and networks.get(a) == networks.get(b)


def test_personas_coming_back_through_the_same_few_exits_are_one_network() -> None:
    rows = _through((1, 2), "Astrill VPN", range(8)) + _users("Astrill VPN", 400, 2000, 5)
    assert _together(1, 2, rows)
    evidence = link_networks(_observations(rows)).edges.get_column("evidence").to_list()[0]
    assert [e["kind"] for e in evidence] == ["hidden_egress"]


def test_heavy_users_of_a_small_pool_meet_by_chance() -> None:
    # Two users through 15 of a small VPN's 30 exits each share about half of them by chance:
    # eight shared is nothing.
    rows = (
        _through((1,), "Mullvad", range(15))
        + _through((2,), "Mullvad", range(7, 22))
        + _users("Mullvad", 20, 30, 5)
    )
    assert not _together(1, 2, rows)


def test_large_groups_on_a_large_pool_meet_on_a_dozen_by_chance() -> None:
    # Two operations of 600 exits each on a pool of 5,000 share about 72 by chance.
    rows = (
        _through((1,), "Astrill VPN", range(600))
        + _through((2,), "Astrill VPN", range(528, 1128))
        + _users("Astrill VPN", 1000, 5000, 5)
    )
    assert not _together(1, 2, rows)


def test_overlaps_in_independent_pools_add_up() -> None:
    crowd = _users("Astrill VPN", 400, 2000, 5) + _users("IPRoyal", 400, 2000, 5, start=5000)
    one = _through((1, 2), "Astrill VPN", range(2))
    assert not _together(1, 2, one + crowd)
    assert _together(1, 2, one + _through((1, 2), "IPRoyal", range(2)) + crowd)


def test_a_few_exits_shared_tie_no_one() -> None:
    rows = _through((1, 2, 3), "NordVPN", range(2)) + _users("NordVPN", 400, 2000, 5)
    assert link_networks(_observations(rows)).networks.is_empty()


def test_a_household_on_one_vpn_account_is_still_a_household() -> None:
    # A couple on one VPN subscription come through the same exits: no resume template, so
    # their home is a household's, one party, no network.
    rows = _through((1, 2), "Astrill VPN", range(8)) + _users("Astrill VPN", 400, 2000, 5)
    homes = pl.DataFrame({"identity": [1, 2], "value": ["12 elm st", "12 elm st"]})
    assert link_networks(_observations(rows), homes=homes).networks.is_empty()

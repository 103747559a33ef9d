"""shipping-not-home where the equipment goes to a building many people ship to.

A mail-receiving service's customers each ship to their own box in one building: an honest
traveller among them is no farm. A farm's address is used by the personas of one network.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl

from fauxhire.assess.detectors.technical import ShippingParams, shipping_not_home
from fauxhire.assess.facts import Facts

T0 = datetime(2024, 3, 1, tzinfo=UTC)
RECEIVING = "23764 vernon st jacksonville fl 32230"
PARAMS = ShippingParams(household=6, receiving_share=0.5)


def _hire(identity: str, building: str, box: int, network: str | None = None) -> dict[str, Any]:
    return {
        "identity_id": identity,
        "source": f"hire:{identity}-{box}",
        "company_id": f"c-{box}",
        "shipping_key": f"{building} pmb {box}",
        "shipping_building": building,
        "_network": network,
    }


def _facts(hires: list[dict[str, Any]], judged: list[str]) -> Facts:
    """Facts where ``judged`` identities give a home of their own; ``hires`` ship as given."""
    homes = [
        {
            "identity_id": i,
            "app_key": "k",
            "applied_at": T0,
            "kind": "address",
            "key": f"1 home st {i}",
        }
        for i in judged
    ]
    buildings = [
        {
            "building": h["shipping_building"],
            "identity_id": h["identity_id"],
            "network_id": h["_network"],
        }
        for h in hires
    ]
    return Facts.make(
        hires=pl.DataFrame([{k: v for k, v in h.items() if k != "_network"} for h in hires]),
        contacts=pl.DataFrame(homes),
        buildings=pl.DataFrame(
            buildings,
            schema={"building": pl.String, "identity_id": pl.String, "network_id": pl.String},
        ),
    )


def _strength(facts: Facts, identity: str) -> float | None:
    found = shipping_not_home(facts, PARAMS).filter(pl.col("identity_id") == identity)
    return None if found.is_empty() else float(found.item(0, "strength"))


def test_a_building_more_identities_than_a_household_ship_to_counts_half() -> None:
    customers = [_hire(f"c{n}", RECEIVING, n) for n in range(8)]
    facts = _facts(customers, ["c0"])
    assert _strength(facts, "c0") == 0.5
    values = shipping_not_home(facts, PARAMS).item(0, "values").to_list()
    assert values == [f"{RECEIVING} pmb 0 (a building 7 other identities ship to)"]


def test_a_building_a_household_ships_to_counts_full() -> None:
    family = [_hire(f"f{n}", RECEIVING, n) for n in range(7)]  # six others: a household's
    assert _strength(_facts(family, ["f0"]), "f0") == 1.0


def test_a_farm_used_by_one_network_counts_full_however_many_personas() -> None:
    farm = [_hire(f"x{n}", RECEIVING, n, network="net-1") for n in range(20)]
    assert _strength(_facts(farm, ["x0"]), "x0") == 1.0


def test_network_mates_do_not_make_a_building_receiving_but_strangers_do() -> None:
    mates = [_hire(f"x{n}", RECEIVING, n, network="net-1") for n in range(10)]
    strangers = [_hire(f"s{n}", RECEIVING, 100 + n) for n in range(7)]
    facts = _facts(mates + strangers, ["x0"])
    assert _strength(facts, "x0") == 0.5
    # Six strangers and a persona of another network are seven outside net-1.
    other = [_hire("y", RECEIVING, 200, network="net-2")]
    assert _strength(_facts(mates + strangers[:6] + other, ["x0"]), "x0") == 0.5
    assert _strength(_facts(mates + strangers[:6], ["x0"]), "x0") == 1.0


def test_only_the_hires_shipped_to_a_receiving_building_count_less() -> None:
    customers = [_hire(f"c{n}", RECEIVING, n) for n in range(8)]
    elsewhere = _hire("c0", "9 other rd portland or 97204", 99)
    facts = _facts([*customers, elsewhere], ["c0"])
    assert _strength(facts, "c0") == (0.5 + 1.0) / 2


def test_equipment_shipped_home_never_fires() -> None:
    home = _hire("c0", "1 home st c0", 0) | {"shipping_key": "1 home st c0"}
    customers = [_hire(f"c{n}", RECEIVING, n) for n in range(1, 9)]
    assert _strength(_facts([home, *customers], ["c0"]), "c0") is None

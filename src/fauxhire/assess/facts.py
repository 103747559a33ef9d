"""What the detectors read: the store's records as frames, each row already tied to the
identity it belongs to and enriched (IP intelligence, claimed country and time zone).

Built by ``services/assess.py``; a detector never sees the store. Every frame carries
``identity_id`` and, where it names one record, ``source``: the record's key, which is what
an assessment cites. No frame carries a name's origin, a nationality or anything like it; the
names it carries (``name_key``, ``legal_name_key``) are compared only for equality.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

_S, _F, _B, _T = pl.String, pl.Float64, pl.Boolean, pl.Datetime("us", "UTC")

SCHEMAS: dict[str, dict[str, Any]] = {
    # One row an application.
    "applications": {
        "identity_id": _S, "network_id": _S, "app_key": _S, "source": _S, "company_id": _S,
        "applied_at": _T, "claimed_country": _S, "referred_by": _S, "name_key": _S,
        "resume_text": _S, "local_hour": _F,
    },
    # Contact details an application gives: kind email | phone | address, normalised key.
    "contacts": {
        "identity_id": _S, "app_key": _S, "source": _S, "applied_at": _T, "kind": _S, "key": _S,
    },
    # Where a meeting join or a sign-in came from, with what IP intelligence says of it.
    "egress": {
        "identity_id": _S, "source": _S, "channel": _S, "company_id": _S, "ip": _S, "at": _T,
        "kind": _S, "provider": _S, "country": _S, "claimed_country": _S,
    },
    "meetings": {"identity_id": _S, "source": _S, "camera": _S},
    "signins": {
        "identity_id": _S, "source": _S, "observed_at": _T, "zone": _S, "local_hour": _F,
        "risk_level": _S, "risk_reasons": _S, "behaviors": _S, "is_proxy": _B,
    },
    "hires": {
        "identity_id": _S, "source": _S, "company_id": _S, "shipping_key": _S,
        "shipping_building": _S, "payout_account": _S, "legal_name_key": _S, "name_key": _S,
    },
    # Every identity shipping to a building a hire of the facts ships to (the store's, not
    # only the facts' identities'): how widely a building is used.
    "buildings": {"building": _S, "identity_id": _S, "network_id": _S},
    # Employer reports tied to the identity holding the reported application.
    "reports": {
        "identity_id": _S, "source": _S, "company_id": _S, "disposition": _S, "confidence": _S,
    },
    # Partner intelligence that matched the identity: what matched, and how much to trust it.
    "partner": {
        "identity_id": _S, "source": _S, "matched": _S, "confidence": _F, "stale": _B,
        "shared_egress": _B,
    },
    # Network edges between identities: how strongly two identities share infrastructure.
    "edges": {"a": _S, "b": _S, "score": _F},
    # Identities split apart by linking as a possibly borrowed identity: one presents the
    # other's name, address or profile with contacts and a resume of its own.
    "borrowed": {"a": _S, "b": _S},
    # Analysts' dispositions on identities, the latest per identity.
    "dispositions": {"identity_id": _S, "disposition": _S, "analyst": _S, "created_at": _T},
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Facts:
    applications: pl.DataFrame
    contacts: pl.DataFrame
    egress: pl.DataFrame
    meetings: pl.DataFrame
    signins: pl.DataFrame
    hires: pl.DataFrame
    buildings: pl.DataFrame
    reports: pl.DataFrame
    partner: pl.DataFrame
    edges: pl.DataFrame
    borrowed: pl.DataFrame
    dispositions: pl.DataFrame
    # Frames derived from the ones above that several detectors read (``derived``).
    _derived: dict[Hashable, pl.DataFrame] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for name, wanted in SCHEMAS.items():
            frame: pl.DataFrame = getattr(self, name)
            missing = [column for column in wanted if column not in frame.columns]
            if missing:
                raise ValueError(f"facts {name}: missing columns {missing}")

    def derived(self, key: Hashable, make: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        """``make()``, made once for these facts: a frame that more than one detector reads
        (resume-reuse and resume-flagged both read the store's shared resume lines, seconds of
        work on a large store). ``key`` names it with every parameter it depends on."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    @classmethod
    def make(cls, **frames: pl.DataFrame) -> Facts:
        """Facts from the frames given, each cast to its schema; absent ones are empty."""
        built = {}
        for name, schema in SCHEMAS.items():
            frame = frames.get(name, pl.DataFrame(schema=schema))
            built[name] = frame.select(
                pl.col(column).cast(dtype)
                if column in frame.columns
                else pl.lit(None, dtype).alias(column)
                for column, dtype in schema.items()
            ).select(list(schema))
        return cls(**built)


# What a detector returns: one row an identity it fired on.
FIRED_SCHEMA: dict[str, Any] = {
    "identity_id": pl.String,
    "strength": pl.Float64,  # in (0, 1]: the share of the weight it earns
    "values": pl.List(pl.String),  # what fired it, as a person would check it
    "sources": pl.List(pl.String),  # the records it was observed in
}


def fired(frame: pl.DataFrame) -> pl.DataFrame:
    """A detector's result in FIRED_SCHEMA, with strengths clipped and non-firing rows out."""
    return (
        frame.select(
            pl.col("identity_id").cast(pl.String),
            pl.col("strength").cast(pl.Float64).clip(0.0, 1.0),
            # Sorted: the evidence of one store under one ruleset is the same on every run.
            pl.col("values").cast(pl.List(pl.String)).list.unique().list.sort(),
            pl.col("sources").cast(pl.List(pl.String)).list.unique().list.sort(),
        )
        .filter(pl.col("strength") > 0)
        .drop_nulls("identity_id")
    )

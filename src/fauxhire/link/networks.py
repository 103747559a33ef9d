"""Networks: the identities one operator group runs, found by the infrastructure they share.

Identities that share a payout account, a drop shipping address, a phone, an egress IP, a
meeting device name or a resume template are linked, each shared value weighed by what it is
and by how rare it is: held by a few it counts in full; by more, less (on a log scale); by more
than the signal's cap (a staffing agency's phone, a university NAT) not at all. Signals fall
into families (contact, money, logistics, egress, device, resume, referral); a link sums the
strongest value of each family.

No one family links two groups alone: every signal weighs less than the threshold. A value
shared by design (a mail-forwarding building, an employer-of-record's pooled payout account,
an agency's phone) ties many people who share nothing else, and nothing about the value itself
tells it from a laptop farm's; what tells them apart is corroboration: a farm's identities
also share devices, egress, templates or contacts. Resume lines add up instead, each worth its
rarity in the whole store (a line held by ``n`` of ``N`` identities carries ln(N/n) nats): two
strangers share a common phrase or two, personas of one operator a template of many rare lines.

Links join groups, round by round, until no two groups are linked. A value's rarity is counted
outside the two groups it would join: a resume line or a farm address that twenty identities
of one network hold and nobody else does is, for joining a twenty-first, as rare as a value two
identities share; an agency phone held by sixty strangers stays common however groups form.
The exits of VPNs, proxies and rented servers count by overlap: two groups' exits of one
provider drawn at random from the exits its users are seen at would meet in a few, as strangers
on one VPN do; an operator's personas come back through the same handful for years, an overlap
chance would give far more rarely than the chance margin over every pair of its users.

Identities that are one person the identity stage left split start as one group (an email
address hardly anyone else holds, or a value under a name word too rare for strangers to share
both by chance in a store this size), and a network needs two persons or more.

This module is the network spec, data any engine reads; the grouping itself is an engine's
(``Engine.group_networks``: ``fauxhire.link.engines.embedded.networks`` for the embedded one).
"""

from __future__ import annotations

import math
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Signal(BaseModel):
    """One kind of shared value and what sharing it is worth."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    family: str
    weight: float = Field(gt=0)  # worth when two or three identities share the value
    cap: int = Field(ge=2)  # shared by more identities than this: no evidence
    # Values add up, each worth its rarity in nats over the spec's ``full_nats``, to at most
    # ``weight``: resume lines, where a template is many rare lines and a phrase one common one.
    adds: bool = False
    # A value that names its holder, or whose holders are all namesakes (tied one to the next
    # by a word of their names), is one person's or a family's (a laptop called
    # "Sarahs-MacBook-Pro"): no tie between personas.
    personal: bool = False
    # Values of such signals that share holders belong to one organisation (an agency's phone,
    # its mailboxes): each counts as held by every identity the organisation's values reach.
    organisation: bool = False
    # Values drawn from a pool (a provider's exits), many per identity: two groups' shared
    # values count by how much rarer than chance their overlap is (``overlap_worth``), in nats
    # over ``full_nats`` of the pool's users, to at most ``weight``.
    overlap: bool = False
    # A regex whose first group names the pool a value is drawn from and its rarity counted in
    # (an exit among the exits and users of its own provider). None: the kind's.
    scope: str | None = None


class NetworkSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    version: str
    signals: tuple[Signal, ...]
    threshold: float = Field(gt=0)  # summed family weights that link two groups
    full_strength_up_to: int = Field(default=8, ge=2)
    # An email address held by this many identities or fewer joins them as one person; held
    # under one name by any number, too (a job-board applicant the identity stage split).
    same_person_email_up_to: int = Field(default=3, ge=0)
    # A shared value under a shared name word is one person only where strangers would show
    # both, by chance, in fewer pairs of the whole store than this (as a machine name must be
    # unlikely to collide by chance to link alone).
    same_person_chance: float = Field(default=0.01, gt=0)
    # Identities declaring one home address, up to this many, are one household.
    household_up_to: int = Field(default=6, ge=2)
    # Rarity that earns an adding signal its full weight: lines a thousand times rarer together
    # than chance would give any one pair of identities in the store (``full_nats``). No one
    # value can: a line held by two of N carries ln(N/2) nats, chance ln(N(N-1)/2).
    chance_margin: float = Field(default=math.log(1000), ge=0)

    @model_validator(mode="after")
    def _no_family_alone(self) -> NetworkSpec:
        alone = [
            s.kind
            for s in self.signals
            if s.weight >= self.threshold and not (s.adds or s.personal or s.overlap)
        ]
        if alone:
            raise ValueError(
                f"signals {alone} would link alone: every weight must be below the threshold, "
                "so that a value shared by design never makes a network by itself (only rare "
                "lines adding up, and a machine no namesake shares, may)"
            )
        return self

    def signal(self, kind: str) -> Signal:
        return next(s for s in self.signals if s.kind == kind)


# A hidden exit's value is its provider and its address ("Mullvad 23.164.201.9"): the provider
# is the pool.
HIDDEN_EGRESS_PROVIDER: Final = r"^(.*) [^ ]+$"

NETWORK_SPEC = NetworkSpec(
    name="network",
    version="6",
    threshold=1.0,
    signals=(
        # A twenty-persona network pays a dozen hires into one account and ships their laptops
        # to one farm. So does an employer-of-record pay its contractors, and a mail forwarder
        # receive its customers' parcels: alone, neither is a network.
        Signal(kind="payout", family="money", weight=0.7, cap=40),
        # Only a shipping address that is not the hire's own home: a drop address.
        Signal(kind="shipping", family="logistics", weight=0.7, cap=40),
        Signal(kind="phone", family="contact", weight=0.6, cap=60, organisation=True),
        Signal(kind="email", family="contact", weight=0.6, cap=60, organisation=True),
        Signal(kind="egress_ip", family="egress", weight=0.5, cap=60),
        # A machine's name ("DESKTOP-7F3K2LQ") used to interview as people with unrelated names:
        # one machine, one operator. Laptops called after their owner, or shared only by
        # namesakes (one person's split identities, a family), are personal and left out; two
        # of an operator's personas sharing a surname do not make its machine theirs.
        Signal(kind="device", family="device", weight=1.0, cap=60, personal=True),
        # A template of rare lines under other names links alone; a common phrase, or two, never.
        Signal(kind="resume", family="resume", weight=1.0, cap=80, adds=True),
        # The exits of a VPN, proxy or host ("Astrill VPN 45.134.9.1"): strangers on one
        # provider meet on some by design, as often as its pool of exits and their use of it
        # make likely. An operator's personas keep coming back through the same few, year
        # after year: an overlap far past chance links alone.
        Signal(
            kind="hidden_egress",
            family="hidden_egress",
            weight=1.0,
            cap=20,
            overlap=True,
            scope=HIDDEN_EGRESS_PROVIDER,
        ),
        Signal(kind="referral", family="referral", weight=0.6, cap=3),
    ),
)


# The names Windows gives a machine at setup: a fixed prefix and random letters and digits
# ("DESKTOP-7F3K2LQ", "LAPTOP-WBRVRST1", Windows Server's "WIN-4J2K9QX8ZP1").
GENERATED_MACHINE_NAME: Final = r"^(?:DESKTOP|LAPTOP|WIN)-([A-Z0-9]{7,})$"

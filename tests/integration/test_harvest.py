"""Greenhouse's Harvest v3 as the write-back calls it (services/harvest.py), against the fake
of the vendor (tests/support/fake_ats.py, a real HTTP server on loopback): the access token
comes from the client-credentials grant and is kept between calls until it is about to
expire; a call answered 401 gets one new token and one more try; a refused credential, or
settings that Greenhouse cannot take, are a ``VendorError`` that never holds the secret."""

from __future__ import annotations

import pytest

from fauxhire.errors import VendorError
from fauxhire.services.harvest import MARGIN, Harvest, token_url
from fauxhire.services.writeback import check_target
from support.clock import Seconds
from support.fake_ats import fake_ats

CREDENTIAL = "harvest-client:harvest-secret-for-tests"


def test_a_token_is_kept_until_it_is_about_to_expire() -> None:
    clock = Seconds()
    with fake_ats(CREDENTIAL) as fake:
        harvest = Harvest(fake.base, CREDENTIAL, clock)
        harvest.post("/notes", {"candidate_id": 1})
        harvest.post("/notes", {"candidate_id": 2})
        assert fake.tokens == ["token-1"]
        clock.now += 3600 - MARGIN  # the fake's tokens last an hour
        harvest.post("/notes", {"candidate_id": 3})
        assert fake.tokens == ["token-1", "token-2"]
        sent = [(r.path, r.headers["Authorization"], r.body) for r in fake.wait_for(3)]
    assert sent == [
        ("/v3/notes", "Bearer token-1", {"candidate_id": 1}),
        ("/v3/notes", "Bearer token-1", {"candidate_id": 2}),
        ("/v3/notes", "Bearer token-2", {"candidate_id": 3}),
    ]


def test_a_revoked_token_is_replaced_once_and_the_call_tried_again() -> None:
    with fake_ats(CREDENTIAL) as fake:
        harvest = Harvest(fake.base, CREDENTIAL, Seconds())
        harvest.post("/notes", {"candidate_id": 1})
        fake.revoke_tokens()
        harvest.post("/applied_candidate_tags", {"candidate_id": 1, "candidate_tag_id": 7})
        assert fake.tokens == ["token-1", "token-2"]
        assert [r.headers["Authorization"] for r in fake.wait_for(2)] == [
            "Bearer token-1",
            "Bearer token-2",
        ]
        assert fake.refused == 1  # the one call with the revoked token


def test_a_refused_credential_or_a_vendor_down_is_an_error_without_the_secret() -> None:
    with fake_ats(CREDENTIAL) as fake:
        wrong = "harvest-client:not-the-secret-at-all"
        with pytest.raises(VendorError) as refused:
            Harvest(fake.base, wrong, Seconds()).post("/notes", {"candidate_id": 1})
        assert refused.value.message == "greenhouse's token endpoint answered 401"
        fake.down = True
        with pytest.raises(VendorError) as down:
            Harvest(fake.base, CREDENTIAL, Seconds()).post("/notes", {"candidate_id": 1})
        assert down.value.message == "greenhouse's token endpoint answered 503"
        assert fake.received == []
    for error in (refused.value, down.value):
        assert "secret" not in str(error.to_dict()).replace("secret-", "")


def test_greenhouse_settings_are_checked_before_they_are_kept() -> None:
    check_target("greenhouse", CREDENTIAL, "4242", "17")
    check_target("greenhouse", CREDENTIAL, "4242", None)
    check_target("ashby", "an-ashby-key", None, "tag-uuid")  # Ashby: its own ids
    for credential, user, tag, named in (
        ("a-v1-harvest-key", "4242", None, "CLIENT_ID:CLIENT_SECRET"),
        (CREDENTIAL, None, None, "--on-behalf-of"),
        (CREDENTIAL, "4242", "tag-fraud-review", "--tag-id"),
    ):
        with pytest.raises(VendorError, match=named):
            check_target("greenhouse", credential, user, tag)


def test_greenhouse_itself_gives_tokens_from_its_own_endpoint() -> None:
    assert token_url("https://harvest.greenhouse.io/") == "https://auth.greenhouse.io/token"
    assert token_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080/token"

"""Signing in to the console through the organisation's IdP, in real headless Chromium,
against `fauxhire serve` on loopback and the local test issuer (support/oidc_issuer.py): the
browser goes to the IdP's /authorize with a PKCE challenge, comes back with a code, and the
page has the server redeem it. Each role lands where its key would take it, a deep link
survives the trip, and every way it can fail is said in words on the sign-in page: the
person refused at the IdP, an account with no role in fauxhire, a code the tab did not ask
for (never redeemed), and a sign-in that ends while the console is open."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import WebDriverWait
from test_console_browser import WAIT, _accessible, _queue_rows, _shot
from test_review_queue_api import _stored
from test_serve import Server, serving

from support.browser import chromium
from support.oidc_issuer import AUDIENCE, CLIENT_ID, Issuer, running_issuer


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        driver.set_window_size(1280, 900)
        yield driver


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    with running_issuer() as made:  # a public client: PKCE, no secret
        yield made


@pytest.fixture
def server(issuer: Issuer, tmp_path: Path) -> Iterator[Server]:
    env = {name: v for name, v in os.environ.items() if not name.startswith("FAUXHIRE_OIDC_")}
    env |= {
        "FAUXHIRE_OIDC_ISSUER": issuer.url,
        "FAUXHIRE_OIDC_AUDIENCE": AUDIENCE,
        "FAUXHIRE_OIDC_CONSOLE_CLIENT_ID": CLIENT_ID,
    }
    with serving(tmp_path, env) as served:
        _stored(served)
        yield served


def _through_idp(browser: Any, server: Server, issuer: Issuer, who: Any, page: str = "") -> None:
    """A fresh tab state on ``page``, then the IdP's button, with ``who`` signing in there."""
    browser.get(server.base + "/console/")
    browser.execute_script("sessionStorage.clear()")
    browser.get("about:blank")  # else a page of only another fragment would not load anew
    browser.get(server.base + "/console/" + page)
    issuer.signs_in = who
    button = WebDriverWait(browser, WAIT).until(
        shown.element_to_be_clickable((By.ID, "idp-button"))
    )
    button.click()


def _said(browser: Any, words: str) -> str:
    WebDriverWait(browser, WAIT).until(
        shown.text_to_be_present_in_element((By.ID, "sign-in-error"), words)
    )
    assert browser.find_element(By.ID, "sign-in").is_displayed()
    text: str = browser.find_element(By.ID, "sign-in-error").text
    return text


def test_each_role_signs_in_through_the_idp(
    browser: Any, server: Server, issuer: Issuer, tmp_path: Path
) -> None:
    browser.get(server.base + "/console/")
    WebDriverWait(browser, WAIT).until(shown.visibility_of_element_located((By.ID, "idp-button")))
    assert browser.find_element(By.ID, "key").is_displayed(), "an API key still works"
    _accessible(browser)
    _shot(browser, "console-sign-in-idp", tmp_path)

    _through_idp(browser, server, issuer, {"sub": "bob", "fauxhire_role": "analyst"})
    rows = _queue_rows(browser, 3)
    assert [r[0] for r in rows] == ["i-3", "i-1", "i-2"]
    who = browser.find_element(By.ID, "who").text
    assert who == "Signed in as bob through your organisation, role analyst"
    assert "code=" not in browser.current_url and "state=" not in browser.current_url
    assert "/authorize" in " ".join(issuer.fetches), "the browser went to the IdP"
    assert issuer.redeemed[-1]["client_id"] == CLIENT_ID
    assert "client_secret" not in issuer.redeemed[-1] or not issuer.redeemed[-1]["client_secret"]
    token = browser.execute_script("return sessionStorage.getItem('fauxhire.key')")
    assert token.count(".") == 2, "the IdP's access token is the tab's key"
    assert browser.execute_script("return sessionStorage.getItem('fauxhire.sign-in')") is None

    # A link to an identity page, followed while signed out, lands there after the IdP.
    member = {"sub": "dana", "fauxhire_role": "member_analyst", "fauxhire_member": "acme"}
    _through_idp(browser, server, issuer, member, page="#identity/i-1")
    WebDriverWait(browser, WAIT).until(
        shown.text_to_be_present_in_element((By.ID, "identity-evidence"), "shared-payout-account")
    )
    assert browser.current_url.endswith("/console/#identity/i-1")
    assert "role member_analyst of acme" in browser.find_element(By.ID, "who").text
    assert "globex" not in browser.find_element(By.TAG_NAME, "main").text

    recruiter = {"sub": "erin", "fauxhire_role": "recruiter", "fauxhire_member": "acme"}
    _through_idp(browser, server, issuer, recruiter)
    WebDriverWait(browser, WAIT).until(shown.visibility_of_element_located((By.ID, "no-queue")))
    assert browser.find_element(By.ID, "search").is_displayed()

    # The sign-in ends while the console is open (here: the token no longer passes).
    browser.execute_script("sessionStorage.setItem('fauxhire.key', 'eyJ.expired.token')")
    browser.find_element(By.ID, "search-q").send_keys("erin@example.com")
    browser.find_element(By.CSS_SELECTOR, "#search-form button").click()
    _said(browser, "Your sign-in has ended")
    assert browser.execute_script("return sessionStorage.length") == 0


def test_every_way_the_idp_sign_in_fails_is_said(
    browser: Any, server: Server, issuer: Issuer
) -> None:
    _through_idp(browser, server, issuer, None)  # the person says no at the IdP
    assert "said no (access_denied)" in _said(browser, "said no")
    assert issuer.redeemed == []

    _through_idp(browser, server, issuer, {"sub": "mallory", "fauxhire_role": "root"})
    _said(browser, "has no role in fauxhire")
    assert browser.execute_script("return sessionStorage.length") == 0

    # A code this tab did not ask for (another page's link, a replayed address) is not used.
    browser.get(server.base + "/console/")
    browser.execute_script("sessionStorage.clear()")
    redeemed = len(issuer.redeemed)
    browser.get(server.base + "/console/?code=forged&state=forged")
    _said(browser, "not started from this tab")
    assert len(issuer.redeemed) == redeemed
    assert "code=" not in browser.current_url

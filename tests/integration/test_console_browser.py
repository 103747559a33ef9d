"""The console (issue 18) in real headless Chromium, against `fauxhire serve` on loopback
(test_serve.py's server) over members_world's store: signed in with each role, the hub's
analyst works the queue, reads an identity's evidence and records a disposition, which the
queue then shows, and what it read is no longer new; a member's analyst sees its own
candidate only, and no form to dispose of it; a recruiter is told the queue is not theirs;
a bad key is refused. axe-core finds no serious or critical accessibility violation on the
sign-in, queue and identity pages. A screenshot of each is kept (FAUXHIRE_SCREENSHOTS names
where; else the test's temporary folder)."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_core_python.selenium import Axe
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import Select, WebDriverWait
from test_identity_views import _keys
from test_review_queue_api import _stored
from test_serve import Server
from test_serve import server as server  # the running server, as a fixture of this module

from fauxhire.console import CONSOLE_POLICY
from support.browser import chromium

WAIT = 15  # seconds for the page to show what the API answered


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        driver.set_window_size(1280, 900)
        yield driver


def _signed_in(browser: Any, server: Server, token: str) -> None:
    browser.get(server.base + "/console/")
    browser.execute_script("sessionStorage.clear()")
    browser.get(server.base + "/console/")
    field = WebDriverWait(browser, WAIT).until(shown.visibility_of_element_located((By.ID, "key")))
    field.send_keys(token)
    browser.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()


def _queue_rows(
    browser: Any, count: int, until: Callable[[list[list[str]]], bool] = lambda rows: True
) -> list[list[str]]:
    """The queue table's cells, once the page has loaded ``count`` rows of which ``until``
    holds: a page shown again holds its old rows until the new ones replace them (a row
    read as it is replaced is stale: read again)."""

    def listed(driver: Any) -> list[list[str]] | bool:
        if driver.find_element(By.ID, "queue-table").get_attribute("aria-busy") == "true":
            return False
        rows = driver.find_elements(By.CSS_SELECTOR, "#queue-table tbody tr")
        if len(rows) != count or not rows[0].is_displayed():
            return False
        cells = [[c.text for c in row.find_elements(By.CSS_SELECTOR, "th, td")] for row in rows]
        return cells if until(cells) else False

    found: list[list[str]] = WebDriverWait(
        browser, WAIT, ignored_exceptions=(StaleElementReferenceException,)
    ).until(listed)
    return found


def _table(browser: Any, table: str) -> list[list[str]]:
    """The cells of a table's body, once the page has filled it."""

    def filled(driver: Any) -> list[list[str]] | bool:
        rows = driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")
        cells = [[c.text for c in row.find_elements(By.CSS_SELECTOR, "th, td")] for row in rows]
        return cells or False

    found: list[list[str]] = WebDriverWait(
        browser, WAIT, ignored_exceptions=(StaleElementReferenceException,)
    ).until(filled)
    return found


def _accessible(browser: Any) -> None:
    """axe-core (4.4, run in the page) finds no serious or critical violation on what the
    page shows now (WCAG 2.1 A and AA, and axe's best practices)."""
    found = Axe().run(browser)
    grave = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in found["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert grave == [], grave
    assert found["passes"], "axe ran no check"


def _shot(browser: Any, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("FAUXHIRE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(folder / f"{name}.png"))


@pytest.fixture
def keys(server: Server) -> dict[str, str]:
    """members_world's store behind the server, and a key of each role (acme's members)."""
    _stored(server)
    return _keys(server)


def test_the_hub_analyst_works_the_queue_and_reads_the_evidence(
    browser: Any, server: Server, keys: dict[str, str], tmp_path: Path
) -> None:
    _signed_in(browser, server, keys["analyst"])
    rows = _queue_rows(browser, 3)
    assert [(r[0], r[1], r[5], r[7]) for r in rows] == [
        ("i-3", "very likely", "net-7", "new"),
        ("i-1", "very likely", "net-7", "new"),
        ("i-2", "likely", "net-7", "new"),
    ]
    assert rows[1][3] == "shared-payout-account" and rows[1][4] == "3"
    assert "role analyst" in browser.find_element(By.ID, "who").text
    _accessible(browser)
    _shot(browser, "console-queue-analyst", tmp_path)

    browser.find_element(By.LINK_TEXT, "i-1").click()
    WebDriverWait(browser, WAIT).until(
        shown.text_to_be_present_in_element((By.ID, "identity-evidence"), "shared-payout-account")
    )
    evidence = browser.find_element(By.ID, "identity-evidence").text
    assert "Payout account pk-77aa also paid at umbrella." in evidence
    assert "very likely" in browser.find_element(By.ID, "identity-verdict").text
    timeline = _table(browser, "identity-timeline")
    assert [r[2] for r in timeline if r[1] == "application"] == ["acme", "globex", "initech"]
    assert any(r[1] == "hire" and r[2] == "initech" for r in timeline)
    assert browser.find_element(By.CSS_SELECTOR, "#identity-waterfall svg.waterfall")
    assert "+3.20" in browser.find_element(By.ID, "identity-waterfall").text
    values = _table(browser, "identity-values")
    assert ["email", "alex.k@example.com", "acme / app-acme-17", "3"] in values  # i-2 too
    # The evidence's records are one click away: its hire is the timeline's focused row.
    browser.find_element(By.LINK_TEXT, "hire:initech/emp-1").click()
    focused = browser.switch_to.active_element
    assert focused.get_attribute("data-source") == "hire:initech/emp-1"
    _accessible(browser)
    _shot(browser, "console-identity-analyst", tmp_path)

    # The analyst judges one of i-1's applications and one of i-2's to be two people.
    a = "acme/app-acme-17"
    assert a in [o.text for o in Select(browser.find_element(By.ID, "judge-a")).options]
    Select(browser.find_element(By.ID, "judge-a")).select_by_value(a)
    browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=apart]").click()
    browser.find_element(By.ID, "judge-b").send_keys("globex/app-glx-40")
    browser.find_element(By.ID, "judge-reason").send_keys("Two people: different payroll")
    browser.find_element(By.CSS_SELECTOR, "#judge-form button").click()
    WebDriverWait(browser, WAIT).until(
        shown.text_to_be_present_in_element((By.ID, "judge-status"), "Recorded")
    )
    assert browser.find_element(By.ID, "judge-status").text == (
        f"Recorded: {a} and globex/app-glx-40 kept apart (1 judgement added), "
        "applied at the next linking run."
    )

    browser.find_element(By.CSS_SELECTOR, "input[name=disposition][value=cleared]").click()
    browser.find_element(By.ID, "dispose-reason").send_keys("Payroll and egress checked: real")
    browser.find_element(By.CSS_SELECTOR, "#dispose-form button").click()
    WebDriverWait(browser, WAIT).until(
        shown.text_to_be_present_in_element((By.ID, "dispose-status"), "Recorded: cleared")
    )
    assert "on 3 applications" in browser.find_element(By.ID, "dispose-status").text

    browser.find_element(By.ID, "back").click()
    WebDriverWait(browser, WAIT).until(shown.visibility_of_element_located((By.ID, "queue")))
    again = _queue_rows(browser, 3, until=lambda rows: rows[1][6] == "cleared")
    assert [(r[0], r[6], r[7]) for r in again] == [
        ("i-3", "none", "new"), ("i-1", "cleared", ""), ("i-2", "none", "new")
    ]  # fmt: skip
    # The hub's filters: by disposition, then by member (umbrella's candidate is i-3).
    Select(browser.find_element(By.ID, "filter-disposition")).select_by_value("cleared")
    browser.find_element(By.CSS_SELECTOR, "#queue-filters button").click()
    assert [r[0] for r in _queue_rows(browser, 1, until=lambda rows: rows[0][0] == "i-1")] == [
        "i-1"
    ]
    Select(browser.find_element(By.ID, "filter-disposition")).select_by_value("")
    browser.find_element(By.ID, "filter-member").send_keys("umbrella")
    browser.find_element(By.CSS_SELECTOR, "#queue-filters button").click()
    assert [r[0] for r in _queue_rows(browser, 1, until=lambda rows: rows[0][0] == "i-3")] == [
        "i-3"
    ]

    browser.find_element(By.ID, "sign-out").click()
    assert browser.find_element(By.ID, "sign-in").is_displayed()
    assert browser.execute_script("return sessionStorage.length") == 0
    _accessible(browser)  # the sign-in page


def test_a_member_sees_its_own_a_recruiter_no_queue_and_a_bad_key_nothing(
    browser: Any, server: Server, keys: dict[str, str], tmp_path: Path
) -> None:
    _signed_in(browser, server, keys["member_analyst"])
    rows = _queue_rows(browser, 1)
    assert (rows[0][0], rows[0][5], rows[0][6]) == ("i-1", "not shown", "none")
    page = browser.find_element(By.TAG_NAME, "main").text
    for hidden in ("net-7", "globex", "initech", "umbrella", "i-3"):
        assert hidden not in page, hidden
    assert not browser.find_element(By.ID, "assign-form").is_displayed()  # the hub's to assign
    assert not browser.find_element(By.ID, "hub-filters").is_displayed()  # and to filter so
    _shot(browser, "console-queue-member", tmp_path)
    browser.find_element(By.LINK_TEXT, "i-1").click()
    WebDriverWait(browser, WAIT).until(
        shown.text_to_be_present_in_element((By.ID, "identity-evidence"), "shared-payout-account")
    )
    evidence = browser.find_element(By.ID, "identity-evidence").text
    assert "pk-77aa" not in evidence and "umbrella" not in evidence  # ids and weights only
    assert not browser.find_element(By.ID, "dispose").is_displayed()  # the hub's to record

    assert ["email", "alex.k@example.com", "app-acme-17", "3"] in _table(
        browser, "identity-values"
    )  # its own applicant's, in clear
    assert not browser.find_element(By.ID, "identity-history").is_displayed()

    _signed_in(browser, server, keys["recruiter"])
    WebDriverWait(browser, WAIT).until(shown.visibility_of_element_located((By.ID, "no-queue")))
    assert not browser.find_element(By.ID, "queue").is_displayed()
    # The recruiter finds the candidate in front of them by e-mail, and lands on the verdict.
    Select(browser.find_element(By.ID, "search-kind")).select_by_value("email")
    browser.find_element(By.ID, "search-q").send_keys("Alex.K@example.com")
    browser.find_element(By.CSS_SELECTOR, "#search-form button").click()
    WebDriverWait(browser, WAIT).until(
        shown.text_to_be_present_in_element((By.ID, "identity-values-note"), "Masked")
    )
    assert browser.current_url.endswith("#identity/i-1")
    assert not browser.find_element(By.ID, "pages").is_displayed()  # no queue, no cases
    masked = _table(browser, "identity-values")
    assert ["email", "a***@***.com", "app-acme-17", "3"] in masked
    steps = browser.find_element(By.ID, "identity-next-steps").text
    assert "Ask your security team" in steps and "live video" in steps
    reasons = browser.find_element(By.ID, "identity-evidence").text
    assert "Payout account shared by employees" in reasons
    assert "other member companies" in browser.find_element(By.ID, "identity-verdict").text
    page = browser.find_element(By.TAG_NAME, "main").text
    for hidden in ("alex.k", "globex", "initech", "umbrella", "pk-77aa", "app-glx-31"):
        assert hidden not in page, hidden
    _accessible(browser)
    _shot(browser, "console-recruiter", tmp_path)

    _signed_in(browser, server, "fk_nobody.not-a-key")
    WebDriverWait(browser, WAIT).until(
        shown.text_to_be_present_in_element((By.ID, "sign-in-error"), "not accepted")
    )
    assert browser.find_element(By.ID, "sign-in").is_displayed()


def test_the_console_loads_nothing_from_elsewhere(server: Server) -> None:
    with urllib.request.urlopen(server.base + "/console/", timeout=10) as response:
        assert response.headers["Content-Security-Policy"] == CONSOLE_POLICY
        page = response.read().decode()
    assert "http://" not in page and "https://" not in page and "<script>" not in page
    with urllib.request.urlopen(server.base + "/v1/health", timeout=10) as response:
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")

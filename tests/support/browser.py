"""Real headless Chromium (Debian's chromium and chromedriver) through Selenium, for the
browser tests. Without a browser a test is skipped locally; CI sets FAUXHIRE_REQUIRE_BROWSER,
and `make test` installs Chromium where it can, so there a missing browser fails the run."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium driven by Selenium, quit on leaving."""
    if not (CHROMIUM and CHROMEDRIVER):
        message = "needs Debian's chromium and chromium-driver (make test installs them)"
        if os.environ.get("FAUXHIRE_REQUIRE_BROWSER"):
            pytest.fail(f"FAUXHIRE_REQUIRE_BROWSER is set: {message}")
        pytest.skip(message)
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not try to download
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", "--force-device-scale-factor=1",
    ):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()

"""The demo's report.html in real headless Chromium (Debian's chromium and chromedriver):
the charts drew, the key figures are on the page, a screenshot is kept, and it prints.

Without a browser the test is skipped locally, and fails where FAUXHIRE_REQUIRE_BROWSER is
set (support/browser.py).
"""

from __future__ import annotations

import base64
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from PIL import Image
from pypdf import PdfReader

from support.browser import chromium

CHARTS = ("half-years", "countries", "sectors", "roles")
CHART_BLUE = (0x00, 0x72, 0xB2)  # the bars' colour (report/charts.py)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def page(
    browser: Any, demo_world: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The report opened offline, laid out at its full height, and its screenshot (kept in
    FAUXHIRE_ARTIFACTS too, where that is set, for a person to look at)."""
    browser.set_window_size(1280, 900)
    browser.get((demo_world / "report" / "report.html").as_uri())
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, height)
    shot = tmp_path_factory.mktemp("screenshot") / "report.png"
    assert browser.save_screenshot(str(shot))
    if artifacts := os.environ.get("FAUXHIRE_ARTIFACTS"):
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(artifacts) / "report.png")
    return {"figures": orjson.loads((demo_world / "report" / "report.json").read_bytes()),
            "screenshot": shot}  # fmt: skip


def test_every_chart_drew(browser: Any, page: dict[str, Any]) -> None:
    image = Image.open(page["screenshot"]).convert("RGB")
    for name in CHARTS:
        drawn = browser.execute_script(
            """
            const svg = document.querySelector(`#chart-${arguments[0]} svg`);
            if (!svg) return null;
            const box = svg.getBoundingClientRect();
            const bars = [...svg.querySelectorAll('g[id^="patch_"] path')]
              .map(p => p.getBoundingClientRect()).filter(r => r.width > 1 && r.height > 1);
            return {x: box.left + scrollX, y: box.top + scrollY, w: box.width, h: box.height,
                    bars: bars.length};
            """,
            name,
        )
        assert drawn is not None, f"chart {name}: no SVG on the page"
        assert drawn["w"] > 400 and drawn["h"] > 150, (name, drawn)
        assert drawn["bars"] >= 4, (name, drawn)  # the axes' background and bars, drawn
        region = image.crop(
            (int(drawn["x"]), int(drawn["y"]), int(drawn["x"] + drawn["w"]),
             int(drawn["y"] + drawn["h"]))
        )  # fmt: skip
        pixels = np.asarray(region, dtype=np.int16).reshape(-1, 3)
        ink = float((pixels != 255).any(axis=1).mean())
        blue = int((np.abs(pixels - CHART_BLUE) <= 12).all(axis=1).sum())
        assert ink > 0.03, f"chart {name}: {ink:.1%} of its area drawn"
        assert blue > 200, f"chart {name}: {blue} pixels of bar colour in the screenshot"


def test_key_figures_are_on_the_page(browser: Any, page: dict[str, Any]) -> None:
    from selenium.webdriver.common.by import By

    figures = page["figures"]
    assert figures["identities"] > 0 and figures["interviews"] > 0
    shown = {
        card.get_attribute("data-figure"): card.find_element(By.CLASS_NAME, "value").text
        for card in browser.find_elements(By.CSS_SELECTOR, "[data-figure]")
    }
    assert shown["identities"] == f"{figures['identities']:,}"
    assert shown["interviews"] == f"{figures['interviews']:,}"
    assert shown["companies"] == f"{figures['companies']:,}"
    assert shown["us_share.interviews"] == f"{figures['us_share']['interviews']:.0%}"
    assert shown["non_tech_share.companies"] == f"{figures['non_tech_share']['companies']:.0%}"
    text = browser.find_element(By.TAG_NAME, "body").text
    assert figures["about"]["ruleset"]["version"] in text
    assert f"{figures['period']['start']} to {figures['period']['end']}" in text
    rows = browser.find_elements(By.CSS_SELECTOR, "#table-identities tbody tr")
    assert len(rows) == min(25, figures["identities"])


def test_it_prints(browser: Any, page: dict[str, Any]) -> None:
    from selenium.webdriver.common.print_page_options import PrintOptions

    options = PrintOptions()
    options.background = True
    pdf = PdfReader(io.BytesIO(base64.b64decode(browser.print_page(options))))
    assert 3 <= len(pdf.pages) <= 30
    first = " ".join(pdf.pages[0].extract_text().split())  # lines wrap on paper
    assert page["figures"]["about"]["title"] in first
    assert f"{page['figures']['interviews']:,}" in first  # the summary, on the first page

"""The report, honest at a glance: probabilities without false precision, columns that say
different things, evidence in words, an expected number that reads as a number, role panels
on one scale, and whatever the data holds shown as text."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import polars as pl
import pytest
from matplotlib.figure import Figure

from fauxhire.report.charts import _draw_roles, make_charts
from fauxhire.report.figures import (
    APPLICATIONS,
    COMPANIES,
    IDENTITIES,
    NETWORKS,
    ReportData,
    campaign_figures,
)
from fauxhire.report.options import ReportOptions
from fauxhire.report.page import expected_count, limits, probability_text, render_page

ATTRIBUTE = '" onmouseover="alert(1)'
SCRIPT = "<script>alert(2)</script>"


def _figures(title: str = "Egress IP shared across companies") -> dict:  # type: ignore[type-arg]
    """i-1 interviews twice at c-1 and once at c-2; i-2 once at c-3."""
    apps = [
        ("i-1", "c-1", date(2024, 2, 1), True, "Software Engineer", f"Ann {ATTRIBUTE}"),
        ("i-1", "c-1", date(2024, 3, 1), True, "Data Engineer", "Ann Lee"),
        ("i-1", "c-2", date(2024, 8, 1), True, "Payroll Specialist", "Ann Lee"),
        ("i-2", "c-3", date(2024, 9, 1), True, "Epic Analyst", SCRIPT),
    ]
    companies = [
        ("c-1", "Soft", "US", "511210", True),
        ("c-2", "Bank", "GB", "522110", False),
        ("c-3", "Clinic", "CA", "621111", False),
    ]
    identities = [
        ("i-1", "n-1", 0.999999, "almost certain", ["shared-egress-ip", "private-one"]),
        ("i-2", None, 0.004, "almost no chance", []),
    ]
    data = ReportData(
        pl.DataFrame(apps, schema=APPLICATIONS, orient="row"),
        pl.DataFrame(companies, schema=COMPANIES, orient="row"),
        pl.DataFrame(identities, schema=IDENTITIES, orient="row"),
        pl.DataFrame([("n-1", 0.9, "very likely")], schema=NETWORKS, orient="row"),
        {"version": "test@1", "hash": "0123456789abcdef"},
        {"shared-egress-ip": title, "private-one": SCRIPT},
    )
    options = ReportOptions(min_level="almost no chance", title=f"Q4 {SCRIPT}")
    return campaign_figures(data, options, generated_at=datetime(2026, 11, 24, tzinfo=UTC))


@pytest.mark.parametrize(
    ("p", "shown"),
    [(0.9999999, "> 0.99"), (0.995, "> 0.99"), (0.99, "0.99"), (0.5, "0.50"),
     (0.01, "0.01"), (0.004, "< 0.01"), (None, "")],
)  # fmt: skip
def test_probabilities_never_claim_certainty(p: float | None, shown: str) -> None:
    assert probability_text(p) == shown


def test_the_page_shows_no_false_precision() -> None:
    figures = _figures()
    html = render_page(figures, make_charts(figures))
    assert "almost certain (&gt; 0.99)" in html and "(&lt; 0.01)" in html
    assert not re.search(r"\((1\.00|0\.00)\)", html)


@pytest.mark.parametrize(
    ("expected", "said"), [(0.0, "fewer than 1"), (0.0115, "fewer than 1"), (0.6, "about 1"),
                           (1.4, "about 1"),
                           (2.6, "about 3"), (1234.4, "about 1,234")],
)  # fmt: skip
def test_an_expected_number_reads_as_a_number(expected: float, said: str) -> None:
    assert expected_count(expected) == said


def test_the_limits_say_how_many_may_be_legitimate() -> None:
    figures = _figures()
    said = " ".join(limits(figures))
    assert "about 1 of the 2 reported identities may be legitimate" in said  # 0.996 + 0.000001
    figures["expected_legitimate"] = 0.0115
    assert "fewer than 1 of the 2 reported identities" in " ".join(limits(figures))


def test_interviews_name_their_companies_only_where_fewer() -> None:
    figures = _figures()
    rows = {row["identity_id"]: row for row in figures["identity_list"]}
    assert (rows["i-1"]["interviews"], rows["i-1"]["companies"]) == (3, 2)
    assert (rows["i-2"]["interviews"], rows["i-2"]["companies"]) == (1, 1)
    html = render_page(figures, make_charts(figures))
    table = html[html.index('id="table-identities"') : html.index('id="table-networks"')]
    assert "at 2 companies" in table and "at 1 companies" not in table
    assert "Comp." not in table and "Interv." not in table


def test_strongest_evidence_reads_in_words_and_escaped() -> None:
    figures = _figures()
    assert figures["indicator_titles"] == {
        "private-one": SCRIPT,
        "shared-egress-ip": "Egress IP shared across companies",
    }
    html = render_page(figures, make_charts(figures))
    assert "Egress IP shared across companies; &lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert ">shared-egress-ip<" not in html


def test_hostile_names_titles_and_report_title_stay_text() -> None:
    figures = _figures()
    html = render_page(figures, make_charts(figures))
    assert SCRIPT not in html and "<script" not in html
    assert ATTRIBUTE not in html and "&#34; onmouseover=&#34;alert(1)" in html
    assert "<title>Q4 &lt;script&gt;alert(2)&lt;/script&gt;</title>" in html


def test_role_panels_share_one_scale() -> None:
    figures = _figures()
    figure = Figure()
    _draw_roles(figure, figures)
    panels = figure.axes
    assert len(panels) == 3
    assert len({panel.get_xlim() for panel in panels}) == 1  # one scale for all
    for panel in panels:
        widths = [bar.get_width() for bar in panel.patches]
        assert all(0 < width <= 1 for width in widths)  # shares of the panel's interviews
        assert sum(widths) == pytest.approx(1.0) or not widths

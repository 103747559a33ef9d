"""The report page: self-contained, escaped, and saying what the figures say."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import polars as pl

from fauxhire.report.charts import make_charts
from fauxhire.report.figures import (
    APPLICATIONS,
    COMPANIES,
    IDENTITIES,
    NETWORKS,
    ReportData,
    campaign_figures,
)
from fauxhire.report.options import ReportOptions
from fauxhire.report.page import render_page, summary_points

HOSTILE = '<script>alert("x")</script>'


def _figures(anonymise: bool = False) -> dict:  # type: ignore[type-arg]
    apps = [
        ("i-1", "c-1", datetime(2024, 2, 1).date(), True, "Software Engineer", HOSTILE),
        ("i-1", "c-2", datetime(2024, 8, 1).date(), True, "Payroll Specialist", "Ann Lee"),
        ("i-2", "c-3", datetime(2024, 9, 1).date(), True, "Epic Analyst", "Bo Chan"),
    ]
    companies = [
        ("c-1", HOSTILE, "US", "511210", True),
        ("c-2", "Bank", "GB", "522110", False),
        ("c-3", "Clinic", "CA", "621111", False),
    ]
    identities = [
        ("i-1", "n-1", 0.9, "very likely", ["shared-payout-account"]),
        ("i-2", None, 0.7, "likely", []),
    ]
    data = ReportData(
        pl.DataFrame(apps, schema=APPLICATIONS, orient="row"),
        pl.DataFrame(companies, schema=COMPANIES, orient="row"),
        pl.DataFrame(identities, schema=IDENTITIES, orient="row"),
        pl.DataFrame([("n-1", 0.9, "very likely")], schema=NETWORKS, orient="row"),
        {"version": "test@1", "hash": "0123456789abcdef"},
    )
    options = ReportOptions(anonymise=anonymise)
    return campaign_figures(data, options, generated_at=datetime(2026, 11, 24, tzinfo=UTC))


def test_page_is_self_contained_and_escapes_input() -> None:
    figures = _figures()
    html = render_page(figures, make_charts(figures))
    assert HOSTILE not in html
    assert "&lt;script&gt;" in html  # the hostile company name, shown as text
    assert "<script" not in html  # no script at all: nothing runs, nothing is fetched
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert html.count("<svg") == 4
    assert 'id="chart-half-years"' in html and 'id="chart-roles"' in html
    assert "test@1" in html and "0123456789ab" in html  # the ruleset, in the methodology


def test_anonymised_page_has_no_names() -> None:
    figures = _figures(anonymise=True)
    html = render_page(figures, make_charts(figures))
    for name in ("Ann Lee", "Bo Chan", "Bank", "Clinic", "&lt;script&gt;"):
        assert name not in html
    assert "anonymised" in html


def test_summary_states_the_key_figures() -> None:
    points = summary_points(_figures())
    assert points[0].startswith(
        "2 identities assessed likely or higher (1 of them in 1 operator network)"
    )
    assert "3 interviews at 3 companies between 2024-02-01 and 2024-09-01" in points[0]
    assert "33% of the interviews were at companies headquartered in the US" in points[1]
    assert "outside it, most were in CA (1), GB (1)" in points[1]
    # Of the two non-tech sectors, tied at one interview each, the later key is named.
    assert points[2] == (
        "67% of the companies were outside tech; the sector outside tech with the most "
        "interviews was Health Care and Social Assistance (62)."
    )
    assert any("1 interviews (33%) were at AI companies" in p for p in points)
    assert any("Health Care and Social Assistance (62)" in p and "health records" in p
               for p in points)  # fmt: skip


def test_charts_draw_the_figures() -> None:
    figures = _figures()
    charts = {chart.name: chart for chart in make_charts(figures)}
    assert set(charts) == {"half-years", "countries", "sectors", "roles"}
    # Labels are text in the SVG: the chart says what the JSON says.
    assert ">2024-H1<" in charts["half-years"].svg and ">2024-H2<" in charts["half-years"].svg
    assert "1 (33%)" in charts["countries"].svg
    assert "Finance and Insurance (52)" in charts["sectors"].svg
    assert "payroll" in charts["roles"].svg


def test_empty_report_says_so() -> None:
    figures = _figures()
    figures.update(interviews=0, identities=0)
    charts = make_charts(figures)
    assert all("No interviews in scope" in chart.svg for chart in charts)
    assert summary_points(figures) == ["No identity is assessed likely or higher in scope."]


def test_a_report_of_nothing_renders() -> None:
    """No identity in scope: the page still renders, and says so instead of drawing."""
    empty = ReportData(
        pl.DataFrame(schema=APPLICATIONS),
        pl.DataFrame(schema=COMPANIES),
        pl.DataFrame(schema=IDENTITIES),
        pl.DataFrame(schema=NETWORKS),
        {"version": None, "hash": None},
    )
    figures = campaign_figures(empty, ReportOptions(), generated_at=datetime(2026, 1, 1))
    html = render_page(figures, make_charts(figures))
    assert "No identity is assessed likely or higher in scope." in html
    assert html.count("No interviews in scope") == 4

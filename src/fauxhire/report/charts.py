"""The report's charts, drawn by matplotlib as SVG to inline in the page.

SVG text stays text (``svg.fonttype: none``), so labels can be searched, read by a screen
reader and printed sharp; no JavaScript, nothing fetched: the page opens offline. Each chart
draws from ``report.json``'s figures alone, so what a chart shows is what the JSON says.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from fauxhire.domain.roles import OTHER, role_label
from fauxhire.domain.sectors import sector_label

# Colours that stay apart for the common colour-vision deficiencies (Okabe and Ito).
BLUE, ORANGE, GREEN, GREY, VERMILION = "#0072B2", "#E69F00", "#009E73", "#999999", "#D55E00"
WIDTH: Final = 7.2  # inches: the width of the page's text column at 96 dpi
# The sectors whose targeted roles the report singles out, as Okta's did; the rest together.
ROLE_SECTORS: Final = {"62": "Health care", "52": "Finance and insurance"}
ROLE_PANELS: Final = (*ROLE_SECTORS.items(), ("rest", "All other"))
ROLES_SHOWN: Final = 6


@dataclass(frozen=True, slots=True)
class Chart:
    name: str  # a stable id, for the page and its test
    title: str
    caption: str  # what to read from it, in a sentence
    svg: str


def make_charts(figures: dict[str, Any]) -> list[Chart]:
    """Every chart of the report, in page order."""
    return [
        _chart("half-years", "Interviews by half-year", _half_years_caption(figures),
               _draw_half_years, figures),
        _chart("countries", "Interviews by company country", _countries_caption(figures),
               _draw_countries, figures),
        _chart("sectors", "Interviews by sector", _sectors_caption(figures),
               _draw_sectors, figures),
        _chart("roles", "Roles targeted, by sector",
               "The role categories of the job titles interviewed for, in health care, in "
               "finance and insurance, and in every other sector: each bar the role's share "
               "of its panel's interviews, on one scale, with the count at its end.",
               _draw_roles, figures, height=6.0),
    ]  # fmt: skip


def _chart(
    name: str,
    title: str,
    caption: str,
    draw: Callable[[Figure, dict[str, Any]], None],
    figures: dict[str, Any],
    height: float = 3.2,  # inches
) -> Chart:
    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",  # text as text
            "svg.hashsalt": name,  # stable ids in the SVG, distinct between the page's charts
            "font.family": "sans-serif",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 10,
            "axes.titleweight": "bold",
        }
    ):
        figure = Figure(figsize=(WIDTH, height), layout="constrained")
        if figures["interviews"]:
            draw(figure, figures)
        else:
            _nothing(figure.add_subplot())
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return Chart(name, title, caption, _inline(buffer.getvalue()))


def _inline(svg: str) -> str:
    """The SVG element alone (no XML prolog or DOCTYPE), scalable to its container."""
    element = svg[svg.index("<svg") :]
    return element.replace("<svg ", '<svg role="img" preserveAspectRatio="xMidYMid meet" ', 1)


def _nothing(axes: Axes) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, "No interviews in scope", ha="center", va="center", color=GREY)


def _draw_half_years(figure: Figure, figures: dict[str, Any]) -> None:
    total = figures["interviews_by_half_year"]
    ai = figures["ai_interviews_by_half_year"]
    halves = list(total)
    at_ai = [ai.get(h, 0) for h in halves]
    other = [total[h] - ai.get(h, 0) for h in halves]
    axes = figure.add_subplot()
    axes.bar(halves, other, color=BLUE, label="Other companies")
    bars = axes.bar(halves, at_ai, bottom=other, color=ORANGE, label="AI companies")
    axes.bar_label(bars, labels=[f"{total[h]:,}" for h in halves], padding=2, fontsize=8)
    axes.set_ylabel("Interviews")
    axes.set_xlabel("Half-year of application")
    axes.legend(frameon=False, loc="upper left")
    axes.margins(y=0.15)
    if len(halves) > 8:
        axes.tick_params(axis="x", labelrotation=45)


def _draw_countries(figure: Figure, figures: dict[str, Any]) -> None:
    shown = list(figures["interviews_by_country"].items())[:10]
    shown.reverse()  # the largest on top
    total = figures["interviews"]
    axes = figure.add_subplot()
    bars = axes.barh(
        [country for country, _ in shown],
        [count for _, count in shown],
        color=[BLUE if country == "US" else GREEN for country, _ in shown],
    )
    axes.bar_label(
        bars, labels=[f"{count:,} ({count / total:.0%})" for _, count in shown], padding=3
    )
    axes.set_xlabel("Interviews (share of all interviews)")
    axes.margins(x=0.2)


def _draw_sectors(figure: Figure, figures: dict[str, Any]) -> None:
    by_sector = sorted(figures["interviews_by_sector"].items(), key=lambda kv: kv[1])[-12:]
    tech = figures["tech_interviews_by_sector"]
    labels = [sector_label(s) for s, _ in by_sector]
    tech_counts = [tech.get(s, 0) for s, _ in by_sector]
    other_counts = [count - tech.get(s, 0) for s, count in by_sector]
    axes = figure.add_subplot()
    axes.barh(labels, tech_counts, color=BLUE, label="Tech")
    bars = axes.barh(labels, other_counts, left=tech_counts, color=VERMILION, label="Not tech")
    axes.bar_label(bars, labels=[f"{count:,}" for _, count in by_sector], padding=3)
    axes.set_xlabel("Interviews")
    axes.legend(frameon=False, loc="lower right")
    axes.margins(x=0.15)


def _draw_roles(figure: Figure, figures: dict[str, Any]) -> None:
    """One panel a sector group, each bar a role's share of the group's interviews, on one
    scale for all panels: counts on separate scales made 30 in health care look as long as
    700 elsewhere. The counts are the bars' labels."""
    # Stacked: the role names are long, and side by side they left each panel a sliver.
    panels = figure.subplots(len(ROLE_PANELS), 1, sharex=True)
    groups = [_roles_of(figures["roles_by_sector"], key) for key, _ in ROLE_PANELS]
    largest = max((max(g.values()) / sum(g.values()) for g in groups if g), default=1.0)
    for axes, (_, title), roles in zip(panels, ROLE_PANELS, groups, strict=True):
        total = sum(roles.values())
        axes.set_title(f"{title}: {total:,} interviews", fontsize=9, loc="left")
        axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        axes.set_xlim(0, min(1.0, largest * 1.3))  # room for the labels
        if not roles:
            _nothing(axes)
            continue
        shown = sorted(roles.items(), key=lambda kv: kv[1])[-ROLES_SHOWN:]
        bars = axes.barh(
            [role_label(role) for role, _ in shown],
            [count / total for _, count in shown],
            color=[GREY if role == OTHER else BLUE for role, _ in shown],
        )
        axes.bar_label(bars, labels=[f"{count:,}" for _, count in shown], padding=2, fontsize=8)
    panels[-1].set_xlabel("Share of the panel's interviews")


def _roles_of(roles_by_sector: dict[str, dict[str, int]], key: str) -> dict[str, int]:
    """The role counts of one sector, or (``rest``) of every sector but ROLE_SECTORS."""
    if key != "rest":
        return roles_by_sector.get(key, {})
    merged: dict[str, int] = {}
    for sector, roles in roles_by_sector.items():
        if sector not in ROLE_SECTORS:
            for role, count in roles.items():
                merged[role] = merged.get(role, 0) + count
    return merged


def _half_years_caption(figures: dict[str, Any]) -> str:
    ai = sum(figures["ai_interviews_by_half_year"].values())
    total = figures["interviews"]
    share = f"{ai / total:.0%}" if total else "none"
    return (
        f"Interviews of the reported identities by the half-year they applied in; {ai:,} "
        f"({share}) were at AI companies (orange)."
    )


def _countries_caption(figures: dict[str, Any]) -> str:
    share = figures["us_share"]
    return (
        f"{share['interviews']:.0%} of interviews and {share['companies']:.0%} of companies "
        "were in the US (by company headquarters); the top ten countries are shown."
    )


def _sectors_caption(figures: dict[str, Any]) -> str:
    share = figures["non_tech_share"]
    return (
        f"{share['companies']:.0%} of companies and {share['interviews']:.0%} of interviews "
        "were outside tech (NAICS " + ", ".join(figures["about"]["tech"]) + " count as tech)."
    )

"""The report as one HTML file: the summary on top, the charts with their tables, the
identities and networks behind the figures, and the methodology. Self-contained: styles and
SVG charts inline, nothing fetched, so it opens offline and prints as it shows."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from fauxhire.domain.roles import OTHER, role_label
from fauxhire.domain.sectors import sector_label
from fauxhire.report.charts import ROLE_SECTORS, Chart
from fauxhire.report.figures import UNKNOWN

IDENTITIES_SHOWN = 25  # the page lists the strongest; report.json holds every one
NETWORKS_SHOWN = 15

_ENV = Environment(
    loader=PackageLoader("fauxhire.report", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,  # a figure the template names and the JSON lacks is an error
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["count"] = lambda n: f"{n:,}"
_ENV.filters["share"] = lambda x: f"{x:.0%}"


def probability_text(p: float | None) -> str:
    """A probability without false precision: two decimals, but never 1.00 or 0.00, which
    would claim a certainty no assessment has ("> 0.99", "< 0.01")."""
    if p is None:
        return ""
    if p > 0.99:
        return "> 0.99"
    if p < 0.01:
        return "< 0.01"
    return f"{p:.2f}"


_ENV.filters["probability"] = probability_text
_ENV.filters["sector_label"] = sector_label
_ENV.filters["role_name"] = role_label


def render_page(figures: dict[str, Any], charts: list[Chart]) -> str:
    """The HTML of the report."""
    return _ENV.get_template("report.html.j2").render(
        f=figures,
        about=figures["about"],
        summary=summary_points(figures),
        # The SVG comes from matplotlib, which escapes the labels it draws: the one markup
        # let through unescaped.
        charts=[(chart, Markup(chart.svg)) for chart in charts],
        identities=figures["identity_list"][:IDENTITIES_SHOWN],
        titles=figures.get("indicator_titles", {}),
        networks=figures["network_list"][:NETWORKS_SHOWN],
        limits=limits(figures),
        role_sectors=list(ROLE_SECTORS),
    )


def summary_points(figures: dict[str, Any]) -> list[str]:
    """The report in a few sentences, for the reader who reads nothing else."""
    f, about = figures, figures["about"]
    if not f["identities"]:
        return [f"No identity is assessed {about['min_level']} or higher in scope."]
    period = f["period"]
    points = [
        f"{f['identities']:,} identities assessed {about['min_level']} or higher "
        f"({f['networked_identities']:,} of them in {_plural(f['networks'], 'operator network')}) "
        f"applied {f['applications']:,} times and reached {f['interviews']:,} interviews at "
        f"{f['companies']:,} companies between {period['start']} and {period['end']}."
    ]
    if f["interviews"]:
        top = ", ".join(f"{row['country']} ({row['interviews']:,})" for row in
                        f["top_non_us_countries"][:3])  # fmt: skip
        points.append(
            f"{f['us_share']['interviews']:.0%} of the interviews were at companies headquartered "
            f"in the US" + (f"; outside it, most were in {top}." if top else ".")
        )
        tech = f["tech_interviews_by_sector"]
        non_tech = {s: n - tech.get(s, 0) for s, n in f["interviews_by_sector"].items()
                    if s != UNKNOWN and n > tech.get(s, 0)}  # fmt: skip
        largest = max(non_tech.items(), key=lambda kv: (kv[1], kv[0]))[0] if non_tech else None
        points.append(
            f"{f['non_tech_share']['companies']:.0%} of the companies were outside tech"
            + (
                f"; the sector outside tech with the most interviews was {sector_label(largest)}."
                if largest
                else "."
            )
        )
        points.append(_ai_point(f))
        points.extend(_roles_points(f))
    return points


def _ai_point(f: dict[str, Any]) -> str:
    ai = f["ai_interviews_by_half_year"]
    total = sum(ai.values())
    if not total:
        return "No interview was at a company tagged as AI-focused."
    peak = max(ai.items(), key=lambda kv: (kv[1], kv[0]))
    started = next(half for half, count in ai.items() if count)
    return (
        f"{total:,} interviews ({total / f['interviews']:.0%}) were at AI companies, from "
        f"{started} on; the most in {peak[0]} ({peak[1]:,})."
    )


def _roles_points(f: dict[str, Any]) -> list[str]:
    points = []
    for sector in ROLE_SECTORS:
        roles = {r: n for r, n in f["roles_by_sector"].get(sector, {}).items() if r != OTHER}
        if roles:
            top = sorted(roles.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
            named = " and ".join(f"{role_label(role)} ({n:,})" for role, n in top)
            points.append(f"In {sector_label(sector)}, the roles targeted most were {named}.")
    return points


def limits(figures: dict[str, Any]) -> list[str]:
    """What the figures cannot say, stated where the reader will look for it."""
    f, about, coverage = figures, figures["about"], figures["coverage"]
    said = [
        "The figures describe this store's data only: the applications, meetings and "
        "sign-ins of the organisations that fed it, not the whole campaign.",
        "An identity is a persona as linked from the data. One operator may run several "
        "personas, and a persona split in two or two merged into one changes the counts.",
        f"Identities below {about['min_level']} are left out, and the assessment is a "
        f"probability: by the probabilities themselves, "
        f"{expected_count(f['expected_legitimate'])} of the {f['identities']:,} reported "
        "identities may be legitimate applicants. Each is for human review.",
        "Interviews are dated by the application date, not the interview date, so the "
        "half-year trend lags the interviews a little.",
    ]
    if coverage["interviews_without_company"]:
        said.append(
            f"{coverage['interviews_without_company']:,} interviews were at companies missing "
            "from the company directory: their country and sector are 'unknown'."
        )
    if coverage["interviews_without_sector"]:
        said.append(
            f"{coverage['interviews_without_sector']:,} interviews were at companies with no "
            "NAICS code; the tech shares leave them out."
        )
    if about["anonymised"]:
        said.append("Anonymised: company and person names are left out of this report.")
    return said


def expected_count(expected: float) -> str:
    """An expected number of people, as a number of people: "fewer than 1" (below a half, it
    rounds to none, which would read as a promise), else "about 3"."""
    if expected < 0.5:
        return "fewer than 1"
    return f"about {round(expected):,}"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")

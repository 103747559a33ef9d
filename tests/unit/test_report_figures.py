"""The report's figures from hand-built frames: every definition of docs/formats.md section 12,
the window and filters, the tech definition, anonymity."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import polars as pl
import pytest
from pydantic import ValidationError

from fauxhire.report.figures import (
    APPLICATIONS,
    COMPANIES,
    IDENTITIES,
    NETWORKS,
    ReportData,
    campaign_figures,
)
from fauxhire.report.options import ReportOptions

NOW = datetime(2026, 11, 24, tzinfo=UTC)

COMPANY_ROWS = [
    # company_id, name, country, naics, ai
    ("c-soft", "Soft Inc", "US", "511210", False),  # tech (51)
    ("c-cons", "Consult Co", "US", "541512", True),  # tech (5415), AI
    ("c-law", "Law LLP", "GB", "541110", False),  # 54 but not 5415: not tech
    ("c-bank", "Bank plc", "GB", "522110", False),  # finance
    ("c-clinic", "Clinic", "DE", "621111", False),  # health care
    ("c-fact", "Factory", "US", "332710", False),  # manufacturing, 31-33
    ("c-none", "No Code Ltd", "US", None, False),  # no NAICS code
]
APP_ROWS = [
    # identity, company, applied_on, interview, title, name
    ("i-1", "c-soft", date(2023, 2, 1), True, "Senior Software Engineer", "Ann Lee"),
    ("i-1", "c-cons", date(2023, 7, 3), True, "Machine Learning Engineer", "Ann Lee"),
    ("i-1", "c-bank", date(2023, 8, 9), True, "Payroll Specialist", "Anne Lee"),
    ("i-1", "c-bank", date(2023, 9, 9), False, "Financial Analyst", "Ann Lee"),
    ("i-2", "c-clinic", date(2024, 1, 15), True, "Epic Analyst", "Bo Chan"),
    ("i-2", "c-law", date(2024, 3, 1), True, "iOS Engineer", "Bo Chan"),
    ("i-2", "c-fact", date(2024, 8, 1), True, "Salesforce Developer", "Bo Chan"),
    ("i-2", "c-gone", date(2024, 9, 1), True, "Web Developer", "Bo Chan"),  # not in directory
    ("i-2", "c-none", date(2024, 10, 1), True, "QA Tester", "Bo Chan"),
    ("i-3", "c-soft", date(2024, 11, 1), False, "Data Engineer", "Cy Ng"),  # no interview
]
IDENTITY_ROWS = [
    ("i-1", "n-1", 0.97, "almost certain", ["employer-report", "shared-payout-account"]),
    ("i-2", "n-1", 0.85, "very likely", ["anonymiser-egress"]),
    ("i-3", None, 0.60, "likely", []),
]


def _data(apps: list[tuple[Any, ...]] = APP_ROWS) -> ReportData:
    return ReportData(
        applications=pl.DataFrame(apps, schema=APPLICATIONS, orient="row"),
        companies=pl.DataFrame(COMPANY_ROWS, schema=COMPANIES, orient="row"),
        identities=pl.DataFrame(IDENTITY_ROWS, schema=IDENTITIES, orient="row"),
        networks=pl.DataFrame([("n-1", 0.99, "almost certain")], schema=NETWORKS, orient="row"),
        ruleset={"version": "test@1", "hash": "abc"},
    )


def _figures(**options: Any) -> dict[str, Any]:
    return campaign_figures(_data(), ReportOptions(**options), generated_at=NOW)


def test_counts_follow_the_definitions() -> None:
    f = _figures()
    assert f["identities"] == 3  # i-3 counts, though it never reached an interview
    assert f["applications"] == 10
    assert f["interviews"] == 8
    assert f["companies"] == 8  # distinct companies with an interview; c-bank once
    assert f["networks"] == 1
    assert f["period"] == {"start": "2023-02-01", "end": "2024-11-01"}  # the data's span
    assert f["expected_legitimate"] == pytest.approx(0.03 + 0.15 + 0.40)


def test_country_and_us_shares() -> None:
    f = _figures()
    assert f["interviews_by_country"] == {"US": 4, "GB": 2, "DE": 1, "unknown": 1}
    assert f["us_share"]["interviews"] == pytest.approx(4 / 8)
    assert f["us_share"]["companies"] == pytest.approx(4 / 8)
    assert [row["country"] for row in f["top_non_us_countries"]] == ["GB", "DE"]
    assert f["top_non_us_countries"][0]["share_of_interviews"] == pytest.approx(2 / 8)


def test_sectors_and_the_default_tech_definition() -> None:
    f = _figures()
    assert f["interviews_by_sector"] == {
        "31-33": 1, "51": 1, "52": 1, "54": 2, "62": 1, "unknown": 2,
    }  # fmt: skip
    assert f["tech_interviews_by_sector"] == {"51": 1, "54": 1}
    # Known sectors only: 6 interviews at 6 companies, 2 of them tech (51, 5415).
    assert f["non_tech_share"]["interviews"] == pytest.approx(4 / 6)
    assert f["non_tech_share"]["companies"] == pytest.approx(4 / 6)
    assert f["coverage"] == {"interviews_without_company": 1, "interviews_without_sector": 2}


def test_tech_is_configurable() -> None:
    f = _figures(tech=("54",))  # every professional service counts, Information does not
    assert f["tech_interviews_by_sector"] == {"54": 2}
    assert f["non_tech_share"]["interviews"] == pytest.approx(4 / 6)
    f = _figures(tech=("51", "5415", "52"))
    assert f["non_tech_share"]["interviews"] == pytest.approx(3 / 6)


def test_half_years_fill_gaps_and_count_ai_companies() -> None:
    f = _figures()
    assert f["interviews_by_half_year"] == {
        "2023-H1": 1, "2023-H2": 2, "2024-H1": 2, "2024-H2": 3,
    }  # fmt: skip
    assert f["ai_interviews_by_half_year"] == {
        "2023-H1": 0, "2023-H2": 1, "2024-H1": 0, "2024-H2": 0,
    }  # fmt: skip


def test_roles_by_sector_count_interviews_by_title() -> None:
    roles = _figures()["roles_by_sector"]
    assert roles["52"] == {"payroll": 1}  # the Financial Analyst application had no interview
    assert roles["62"] == {"health_records": 1}
    assert roles["54"] == {"data_ai": 1, "mobile_development": 1}
    assert roles["31-33"] == {"customer_service_systems": 1}
    assert roles["unknown"] == {"qa_testing": 1, "web_frontend": 1}


def test_window_bounds_every_figure() -> None:
    f = _figures(start=date(2024, 1, 1), end=date(2024, 6, 30))
    assert f["period"] == {"start": "2024-01-01", "end": "2024-06-30"}
    assert f["identities"] == 1 and f["interviews"] == 2 and f["companies"] == 2
    assert f["interviews_by_half_year"] == {"2024-H1": 2}
    assert [row["identity_id"] for row in f["identity_list"]] == ["i-2"]


def test_sector_and_country_filters() -> None:
    f = _figures(sectors=("52", "62"))
    assert f["interviews_by_sector"] == {"52": 1, "62": 1}
    assert f["identities"] == 2  # i-3 applied only to a company outside the filter
    f = _figures(countries=("gb",))
    assert f["interviews_by_country"] == {"GB": 2}
    assert f["us_share"]["interviews"] == 0.0
    f = _figures(sectors=("5415",))  # a code prefix, not only a sector
    assert f["interviews_by_sector"] == {"54": 1} and f["companies"] == 1


def test_min_level_names_the_levels_covered() -> None:
    f = _figures(min_level="very likely")
    assert f["about"]["levels"] == ["very likely", "almost certain"]
    assert list(f["identities_by_level"]) == ["very likely", "almost certain"]


def test_identity_and_network_lists() -> None:
    f = _figures()
    first = f["identity_list"][0]
    assert first["identity_id"] == "i-1" and first["level"] == "almost certain"
    assert (first["applications"], first["interviews"], first["companies"]) == (4, 3, 3)
    assert first["names"] == ["Ann Lee", "Anne Lee"]  # the most used first
    assert first["indicators"] == ["employer-report", "shared-payout-account"]
    assert f["network_list"] == [
        {"network_id": "n-1", "identities": 2, "interviews": 8, "companies": 8,
         "probability": 0.99, "level": "almost certain"},
    ]  # fmt: skip
    assert f["top_companies"][0]["company_id"] == "c-bank"  # two interviews
    assert f["top_companies"][0]["company_name"] == "Bank plc"


def test_anonymised_figures_hold_no_names() -> None:
    f = _figures(anonymise=True)
    text = repr(f)
    for name in ("Ann Lee", "Bo Chan", "Bank plc", "Clinic", "c-bank"):
        assert name not in text
    assert f["about"]["anonymised"] is True
    assert f["identities"] == 3  # the figures themselves do not change


def test_nothing_in_scope_gives_zeros_not_errors() -> None:
    f = campaign_figures(_data(apps=[]), ReportOptions(), generated_at=NOW)
    assert (f["identities"], f["interviews"], f["companies"]) == (0, 0, 0)
    assert f["us_share"] == {"interviews": 0.0, "companies": 0.0}
    assert f["period"] == {"start": None, "end": None}
    assert f["interviews_by_half_year"] == {}


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ({"min_level": "probable"}, "not one of"),
        ({"countries": ("XX",)}, "alpha-2"),
        ({"sectors": ("5",)}, "NAICS sector"),
        ({"tech": ()}, "at least one"),
        ({"tech": ("info",)}, "NAICS code prefix"),
        ({"start": date(2025, 1, 2), "end": date(2025, 1, 1)}, "starts"),
    ],
)
def test_bad_options_are_refused_with_the_reason(given: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        ReportOptions(**given)

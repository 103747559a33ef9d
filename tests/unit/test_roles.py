"""Job titles into role categories, as docs/formats.md sections 11 and 12 define them."""

from __future__ import annotations

import pytest

from fauxhire.domain.roles import CATEGORIES, OTHER, role_category
from fauxhire_lab.world.pools import ROLE_TITLES

FORMATS_CATEGORIES = (
    "software_engineering",
    "mobile_development",
    "web_frontend",
    "data_ai",
    "devops_cloud",
    "security",
    "qa_testing",
    "it_support",
    "customer_service_systems",
    "health_records",
    "payroll",
    "accounting_finance",
    "design",
    "other",
)


def test_the_categories_are_the_formats_ones() -> None:
    assert sorted(CATEGORIES) == sorted(FORMATS_CATEGORIES)


@pytest.mark.parametrize(
    ("title", "category"),
    [
        # docs/formats.md section 12: where a title fits two, the more specific wins.
        ("Salesforce Developer", "customer_service_systems"),
        ("Payment Operations Analyst", "accounting_finance"),
        ("Full Stack Developer", "software_engineering"),
        ("iOS Engineer", "mobile_development"),
        # Titles beyond the demo world's, as ATSs hold them.
        ("Sr. Back-End Engineer", "software_engineering"),
        ("Front End Developer", "web_frontend"),
        ("Cloud Security Analyst", "security"),
        ("Payroll Systems Administrator", "payroll"),
        ("Systems Administrator", "it_support"),
        ("UI/UX Designer", "design"),
        ("Vue.js Developer", "web_frontend"),
        ("SDET", "qa_testing"),
        ("ML Engineer", "data_ai"),
        ("Data Analyst", "data_ai"),
        ("Site Reliability Engineer (SRE)", "devops_cloud"),
        ("Help Desk Technician", "it_support"),
        ("Customer Success Manager", OTHER),
        ("Chief Executive Officer", OTHER),
        ("", OTHER),
        (None, OTHER),
    ],
)
def test_titles_get_the_more_specific_category(title: str | None, category: str) -> None:
    assert role_category(title) == category


def test_every_title_of_the_demo_world_gets_its_category() -> None:
    wrong = {
        title: (role_category(title), category)
        for category, titles in ROLE_TITLES.items()
        for title in titles
        if role_category(title) != category
    }
    assert wrong == {}


def test_every_category_reads_as_words() -> None:
    from fauxhire.domain.roles import role_label

    labels = {category: role_label(category) for category in CATEGORIES}
    assert all("_" not in label for label in labels.values())
    assert len(set(labels.values())) == len(CATEGORIES)
    assert labels["data_ai"] == "data and AI"

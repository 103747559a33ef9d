"""Role categories of job titles (docs/formats.md sections 11 and 12).

A title maps to exactly one category; where it fits two, the more specific wins: a
"Salesforce Developer" is customer-service systems, not software engineering; a "Payment
Operations Analyst" is accounting and finance; an "iOS Engineer" is mobile. So the categories
are tried from the most specific to the most general, each by the words of its trade, and a
title no category claims is ``other``. Pure; no I/O.
"""

from __future__ import annotations

import re
from typing import Final

OTHER: Final = "other"

# Most specific first: the first category whose pattern the title matches is its category.
_RULES: Final[tuple[tuple[str, str], ...]] = (
    ("customer_service_systems", r"salesforce|zendesk|servicenow|\bcrm\b|hubspot|dynamics 365"),
    ("health_records", r"\bepic\b|\behr\b|\bemr\b|health records?|clinical systems|\bhl7\b|cerner"),
    ("payroll", r"payroll"),
    (
        "accounting_finance",
        r"accountant|accounts? (payable|receivable)|payment operations|financial analyst"
        r"|\bfinance\b|bookkeep|controller|treasury|billing|\baudit",
    ),
    ("security", r"secur|\bsoc\b|penetration|pentest|cyber|infosec"),
    ("qa_testing", r"\bqa\b|quality assurance|\btest(er|ing)?\b|\bsdet\b"),
    ("mobile_development", r"\bios\b|android|mobile|react native|flutter"),
    ("design", r"designer|\bux\b"),
    (
        "data_ai",
        r"\bdata (engineer|scientist|analyst|architect)|machine learning|\bml\b|\bai\b"
        r"|analytics engineer|\bnlp\b|\bllm\b|deep learning",
    ),
    (
        "devops_cloud",
        r"devops|site reliability|\bsre\b|\bcloud\b|platform engineer|infrastructure|kubernetes",
    ),
    ("web_frontend", r"front[ -]?end|web developer|\bui\b|angular|\bvue\b|\breact\b"),
    (
        "it_support",
        r"it support|help ?desk|desktop support|systems? administrator|sysadmin|technician"
        r"|network administrator",
    ),
    (
        "software_engineering",
        r"software|back[ -]?end|full[ -]?stack|developer|programmer|\bengineer\b|golang"
        r"|blockchain",
    ),
)
_COMPILED: Final = tuple((category, re.compile(pattern)) for category, pattern in _RULES)
CATEGORIES: Final[tuple[str, ...]] = (*(category for category, _ in _RULES), OTHER)


def role_category(title: str | None) -> str:
    """The role category of a job title; ``other`` when none claims it (or no title)."""
    if not title:
        return OTHER
    text = " ".join(title.lower().replace("/", " ").split())
    for category, pattern in _COMPILED:
        if pattern.search(text):
            return category
    return OTHER


# How a reader sees each category.
_LABELS: Final[dict[str, str]] = {
    "customer_service_systems": "customer-service systems",
    "health_records": "health records",
    "accounting_finance": "accounting and finance",
    "qa_testing": "QA and testing",
    "mobile_development": "mobile development",
    "data_ai": "data and AI",
    "devops_cloud": "DevOps and cloud",
    "web_frontend": "web front end",
    "it_support": "IT support",
    "software_engineering": "software engineering",
}


def role_label(category: str) -> str:
    """A role category as a reader names it: ``data_ai`` is "data and AI"."""
    return _LABELS.get(category, category.replace("_", " "))

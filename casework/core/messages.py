"""Messages people read, never internal names: a database constraint that refuses a value
is explained in words, not by its name (``supervised_hours_range``).

Django's default text for a violated ``CheckConstraint`` (or a conditional
``UniqueConstraint``) is "Constraint “<name>” is violated."; both delivery layers pass every
validation message through :func:`plain` so that name never reaches a form or a problem body.
A constraint with its own ``violation_error_message`` is untouched.
"""

from __future__ import annotations

import re

_DEFAULT = re.compile(r"^Constraint [“\"](?P<name>[\w.-]+)[”\"] is violated\.$")
# Known constraints, by name; anything else gets the general sentence.
KNOWN: dict[str, str] = {
    "supervised_hours_range": "Hours must be more than 0 and at most 24 for one day.",
    "supervised_hours_not_self_signed": "Choose a supervisor other than yourself.",
    "ce_hours_range": "Hours must be more than 0 and at most 200.",
    "position_end_after_start": "The end date must be on or after the start date.",
    "position_hours_per_week_range": "Hours per week must be between 1 and 80.",
    "position_supervised_names_supervisor": "Name the supervisor of a supervised position.",
    "practicum_required_hours_positive": "Required hours must be at least 1.",
    "practicum_end_after_start": "The end date must be on or after the start date.",
    "credential_exception_end_after_start": "The end date must be on or after the start date.",
    "credential_exception_has_reason": "Give the reason for the exception.",
    "enrollment_end_after_start": "The end date must be on or after the start date.",
    "enrollment_one_open_per_program": "The client is already enrolled in this program.",
}
GENERAL = "These values cannot be saved together; check the dates and amounts and try again."


def plain(message: str) -> str:
    """``message`` with a default constraint text replaced by words."""
    found = _DEFAULT.match(str(message).strip())
    if found is None:
        return str(message)
    name = found.group("name")
    if name in KNOWN:
        return KNOWN[name]
    if name.endswith("_end_after_start") or name.endswith("expiry_after_issue"):
        return "The end date must be on or after the start date."
    return GENERAL


# --- Sources of rules, as people read them -----------------------------------------------------

_SOURCE_GRADES = {
    "READ": "Checked against the issuing body",
    "READ-2": "From a secondary source",
    "UNVERIFIED": "Not yet confirmed with the issuing body",
}
_CUT_AT = re.compile(r"\s*(?:[(\[;]|\.\s|\.$)")
_RELAYED = re.compile(r"\s+(?:via|as quoted by|according to)\s+.*$", re.IGNORECASE)
_OUR_NOTES = re.compile(r"(?:[\w-]+\.md\b|§\s*[\d.]+(?:\s*(?:and|,)\s*[\d.]+)*)", re.IGNORECASE)


def public_citation(text: str) -> str:
    """The issuing body and document of a rule's source, without working notes.

    Rule data keeps its research notes beside the citation (evidence grades in brackets,
    our own document and section references, the site a figure was relayed through); only
    the leading "body, document" part is for people: ``CCMC, "Eligibility at a glance"
    (DOMAIN.md §6.1) [READ]`` reads ``CCMC, "Eligibility at a glance"``.
    """
    head = _CUT_AT.split(str(text or "").strip(), maxsplit=1)[0]
    head = _RELAYED.sub("", _OUR_NOTES.sub("", head))
    head = re.sub(r"^.*?\bciting\s+|^copy of\s+", "", head, flags=re.IGNORECASE)
    return re.sub(r"\s{2,}", " ", head).strip(" ,;:-")


def source_grade(marker: str) -> str:
    """An evidence marker (``READ``, ``READ-2``, ``UNVERIFIED``) in words."""
    return _SOURCE_GRADES.get(str(marker or "").strip("[] ").upper(), "")

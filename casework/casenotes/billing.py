"""Billable units from minutes, per a program's rule set (pure functions, no database).

Sources, cited to users in the billing screens:
- CMS, Medicare Claims Processing Manual, Pub. 100-04, ch. 5, section 20.2 (the "8-minute
  rule"): fewer than 8 minutes bill nothing; 8 through 22 minutes are one 15-minute unit,
  23 through 37 two, and so on (``units = (minutes + 7) // 15``).
- Montana Administrative Rules 37.87.809 (youth SED targeted case management): one unit for
  8 through 23 minutes, two for 24 through 38, ... (every bracket one minute later).
- Texas 25 TAC ch. 412: a unit is 15 continuous minutes, so only whole blocks count.

Only a program's own Medicaid manual decides which applies; the rule is data on the program.
"""

from __future__ import annotations

from casework.casenotes.models import UnitRule

UNIT_MINUTES = 15
RULE_SOURCES = {
    UnitRule.MEDICARE_TOTAL_TIME: (
        "CMS, Medicare Claims Processing Manual, Pub. 100-04, chapter 5, section 20.2",
        "https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c05.pdf",
    ),
    UnitRule.MONTANA_BRACKETS: (
        "Montana Administrative Rules 37.87.809",
        "https://rules.mt.gov/",
    ),
    UnitRule.CONTINUOUS_BLOCK: (
        "Texas Administrative Code, title 25, chapter 412",
        "https://texreg.sos.state.tx.us/",
    ),
}


def billable_units(minutes: int, rule: str) -> int:
    """Units billed for ``minutes`` of service under ``rule``; travel is never counted."""
    if minutes < 0:
        raise ValueError("minutes cannot be negative")
    if rule == UnitRule.MEDICARE_TOTAL_TIME:
        return (minutes + 7) // UNIT_MINUTES if minutes >= 8 else 0
    if rule == UnitRule.MONTANA_BRACKETS:
        return max(1, (minutes - 9) // UNIT_MINUTES + 1) if minutes >= 8 else 0
    if rule == UnitRule.CONTINUOUS_BLOCK:
        return minutes // UNIT_MINUTES
    raise ValueError(f"unknown unit rule: {rule}")

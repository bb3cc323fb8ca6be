"""Poverty guidelines: a year's table applies from its effective date, and Puerto Rico and
the territories (no HHS guideline) answer "cannot tell" unless the program has a table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from casework.intake.eligibility import (
    ELIGIBLE,
    INELIGIBLE,
    UNDETERMINED,
    Answers,
    Guideline,
    GuidelineTable,
    Rules,
    RulesError,
    evaluate,
)
from casework.intake.models import PovertyGuideline, guideline_table

TABLE = GuidelineTable.of(
    [
        Guideline(2025, "contiguous", 15650, 5500, date(2025, 1, 15)),
        Guideline(2026, "contiguous", 15960, 5680, date(2026, 1, 13)),
    ]
)
PR_TABLE = {
    "state": "PR",
    "year": 2026,
    "first_person": 9000,
    "per_additional_person": 3000,
    "source": "Puerto Rico Department of the Family, programme income table, 2026",
}


def screen(rules: Rules, on: date, state: str, income: int, table: GuidelineTable = TABLE):
    answers = Answers(state=state, household_size=1, household_income=Decimal(income))
    return evaluate(answers=answers, rules=rules, guidelines=table, on=on)


def test_the_2026_table_applies_from_13_january_not_1_january() -> None:
    rules = Rules(max_income_percent=100)
    on_12th = screen(rules, date(2026, 1, 12), "NY", 15960)
    assert (on_12th.guideline_year, on_12th.result) == (2025, INELIGIBLE)
    on_13th = screen(rules, date(2026, 1, 13), "NY", 15960)
    assert (on_13th.guideline_year, on_13th.result) == (2026, ELIGIBLE)


@pytest.mark.parametrize("state", ["PR", "GU", "VI", "AS", "MP"])
def test_a_territory_without_a_program_table_cannot_tell_and_says_why(state: str) -> None:
    result = screen(Rules(max_income_percent=200), date(2026, 3, 1), state, 1000)
    assert result.result == UNDETERMINED
    message = result.unknown[0].message
    assert "HHS publishes no poverty guideline" in message
    assert "never falls back" in message
    assert result.guideline_year is None  # the contiguous table was not used


def test_puerto_rico_uses_the_programs_own_table_when_configured() -> None:
    rules = Rules.from_dict({"max_income_percent": 100, "territory_guidelines": [PR_TABLE]})
    within = screen(rules, date(2026, 3, 1), "PR", 9000)
    assert within.result == ELIGIBLE
    assert "income table" in within.passed[0].message
    assert "Puerto Rico Department of the Family" in within.passed[0].message
    over = screen(rules, date(2026, 3, 1), "PR", 9001)
    assert over.result == INELIGIBLE
    # Guam is not covered by Puerto Rico's table.
    assert screen(rules, date(2026, 3, 1), "GU", 100).result == UNDETERMINED


def test_a_territory_table_round_trips_and_bad_ones_name_the_field() -> None:
    rules = Rules.from_dict({"territory_guidelines": [PR_TABLE]})
    assert Rules.from_dict(rules.to_dict()) == rules
    with pytest.raises(RulesError) as caught:
        Rules.from_dict({"territory_guidelines": [dict(PR_TABLE, state="NY", source="")]})
    assert set(caught.value.errors) == {
        "territory_guidelines.0.state",
        "territory_guidelines.0.source",
    }


@pytest.mark.django_db
def test_the_loaded_years_carry_their_effective_dates() -> None:
    assert set(PovertyGuideline.objects.values_list("year", "effective_on").distinct()) >= {
        (2025, date(2025, 1, 15)),
        (2026, date(2026, 1, 13)),
    }
    table = guideline_table()
    found = table.find(region="contiguous", year=None, on=date(2026, 1, 12))
    assert found is not None
    assert found.year == 2025

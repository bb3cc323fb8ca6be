"""The pure rule evaluator: every rule at its boundary, missing answers, capacity, parsing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from casework.intake.eligibility import (
    ELIGIBLE,
    INELIGIBLE,
    UNDETERMINED,
    WAITLISTED,
    Answers,
    Guideline,
    GuidelineTable,
    Question,
    Result,
    Rules,
    RulesError,
    evaluate,
    validate_answers,
)

# The shipped 2025 and 2026 HHS figures (intake/data/federal_poverty_guidelines.yaml).
TABLE = GuidelineTable.of(
    [
        Guideline(2025, "contiguous", 15650, 5500),
        Guideline(2025, "alaska", 19550, 6880),
        Guideline(2025, "hawaii", 17990, 6330),
        Guideline(2026, "contiguous", 15960, 5680),
        Guideline(2026, "alaska", 19950, 7100),
        Guideline(2026, "hawaii", 18360, 6530),
    ]
)
ON = date(2025, 6, 15)


def run(rules: Rules, on: date = ON, **answers: Any) -> Result:
    return evaluate(answers=Answers(**answers), rules=rules, guidelines=TABLE, on=on)


# --- Age -----------------------------------------------------------------------------------


def test_age_exactly_at_minimum_is_eligible_and_a_day_younger_is_not():
    rules = Rules(min_age=18, max_age=64)
    assert run(rules, date_of_birth=date(2007, 6, 15)).result == ELIGIBLE
    young = run(rules, date_of_birth=date(2007, 6, 16))
    assert young.result == INELIGIBLE
    assert young.failed[0].message == (
        "The client is 17 years old; this program serves people aged 18 to 64."
    )


def test_age_exactly_at_maximum_is_eligible_and_the_next_birthday_is_not():
    rules = Rules(max_age=64)
    assert run(rules, date_of_birth=date(1960, 6, 16)).result == ELIGIBLE  # 64, turns 65 tomorrow
    old = run(rules, date_of_birth=date(1960, 6, 15))  # 65 today
    assert old.result == INELIGIBLE
    assert "aged 64 or younger" in old.failed[0].message


def test_missing_date_of_birth_cannot_tell_and_names_the_age_rule():
    result = run(Rules(min_age=18))
    assert result.result == UNDETERMINED
    assert [o.rule for o in result.unknown] == ["age"]
    assert "date of birth is not recorded" in result.unknown[0].message


# --- Income --------------------------------------------------------------------------------


def income_rules(percent: int = 200) -> Rules:
    return Rules(max_income_percent=percent)


def test_income_exactly_at_the_limit_is_eligible():
    # 200% of $15,650 (2025, one person, contiguous states) is $31,300.
    result = run(income_rules(), state="NY", household_size=1, household_income=Decimal("31300"))
    assert result.result == ELIGIBLE
    assert result.guideline_year == 2025
    assert result.income_percent == Decimal(200)


def test_income_one_dollar_over_the_limit_is_ineligible_with_the_reason_in_words():
    result = run(income_rules(), state="NY", household_size=1, household_income=Decimal("31301"))
    assert result.result == INELIGIBLE
    message = result.failed[0].message
    assert message.startswith(
        "Household income is 200.01% of the 2025 federal poverty guideline; "
        "this program's limit is 200%"
    )
    assert "$31,301 a year" in message
    assert "the limit is $31,300" in message


def test_income_message_reads_like_the_brief_example():
    # 212% of the 2025 guideline for one person: $33,178.
    result = run(income_rules(), state="NY", household_size=1, household_income=Decimal("33178"))
    assert result.failed[0].message.startswith(
        "Household income is 212% of the 2025 federal poverty guideline; "
        "this program's limit is 200% ("
    )


@pytest.mark.parametrize(
    ("state", "line"),
    [("NY", 54150), ("AK", 67710), ("HI", 62300)],  # 8 persons: first + 7 x per person
)
def test_household_of_eight_uses_the_state_table_at_its_boundary(state, line):
    at = run(income_rules(100), state=state, household_size=8, household_income=Decimal(line))
    over = run(income_rules(100), state=state, household_size=8, household_income=Decimal(line + 1))
    assert at.result == ELIGIBLE
    assert over.result == INELIGIBLE


@pytest.mark.parametrize(("state", "line"), [("NY", 15650), ("AK", 19550), ("HI", 17990)])
def test_household_of_one_uses_the_state_table_at_its_boundary(state, line):
    assert run(income_rules(100), state=state, household_size=1, household_income=line).result == (
        ELIGIBLE
    )
    assert run(
        income_rules(100), state=state, household_size=1, household_income=Decimal(line + 1)
    ).result == (INELIGIBLE)


def test_latest_guideline_up_to_the_screening_date_is_used_unless_a_year_is_pinned():
    answers = {"state": "NY", "household_size": 1, "household_income": Decimal("15960")}
    in_2026 = run(income_rules(100), on=date(2026, 3, 1), **answers)
    assert (in_2026.result, in_2026.guideline_year) == (ELIGIBLE, 2026)
    pinned = run(Rules(max_income_percent=100, guideline_year=2025), on=date(2026, 3, 1), **answers)
    assert (pinned.result, pinned.guideline_year) == (INELIGIBLE, 2025)


def test_missing_income_or_household_size_cannot_tell_and_names_them():
    result = run(income_rules(), state="NY", household_size=2)
    assert result.result == UNDETERMINED
    assert result.unknown[0].rule == "income"
    assert "household income" in result.unknown[0].message
    result = run(income_rules(), state="NY", household_income=Decimal(1000))
    assert "household size" in result.unknown[0].message


def test_no_guideline_for_the_year_cannot_tell_and_says_so():
    result = run(
        income_rules(), on=date(2024, 5, 1), state="NY", household_size=1, household_income=1
    )
    assert result.result == UNDETERMINED
    assert "no federal poverty guideline" in result.unknown[0].message


# --- Residence -----------------------------------------------------------------------------


def test_postal_code_in_the_list_passes_and_outside_fails():
    rules = Rules(postal_codes=("12207", "12208"))
    assert run(rules, postal_code="12208-1234").result == ELIGIBLE
    out = run(rules, postal_code="12209")
    assert out.result == INELIGIBLE
    assert out.failed[0].message == (
        "The client's ZIP code is 12209; this program serves only: 12207, 12208."
    )


def test_county_compares_without_case_or_the_word_county():
    rules = Rules(counties=("Albany",))
    assert run(rules, county="albany county").result == ELIGIBLE
    assert run(rules, county="Rensselaer").result == INELIGIBLE
    assert run(rules).unknown[0].rule == "county"


def test_state_rule():
    rules = Rules(states=("NY", "NJ"))
    assert run(rules, state="nj").result == ELIGIBLE
    assert run(rules, state="PA").result == INELIGIBLE


# --- Condition, veteran, questions ---------------------------------------------------------


def test_required_disability_or_diagnosis():
    rules = Rules(disability_types=(9, 10), diagnosis_codes=("F20",))
    assert run(rules, disability_types=(10,), diagnosis_codes=()).result == ELIGIBLE
    assert run(rules, disability_types=(), diagnosis_codes=("f20",)).result == ELIGIBLE
    failed = run(rules, disability_types=(5,), diagnosis_codes=())
    assert failed.result == INELIGIBLE
    assert failed.failed[0].message == (
        "This program requires Mental health disorder, Substance use disorder or diagnosis F20; "
        "none is recorded for the client."
    )
    assert run(rules).result == UNDETERMINED


def test_veteran_required():
    rules = Rules(veteran_required=True)
    assert run(rules, is_veteran=True).result == ELIGIBLE
    no = run(rules, is_veteran=False)
    assert no.result == INELIGIBLE
    assert no.failed[0].message == "This program serves veterans; the client is not a veteran."
    assert run(rules).unknown[0].rule == "veteran"


def test_custom_question_needs_its_required_answer():
    rules = Rules(questions=(Question("lives_alone", "Do you live alone?", True),))
    assert run(rules, questions={"lives_alone": True}).result == ELIGIBLE
    no = run(rules, questions={"lives_alone": False})
    assert no.failed[0].message == (
        "“Do you live alone?” must be answered Yes for this program; the answer was No."
    )
    assert run(rules).unknown[0].rule == "question:lives_alone"


def test_a_failed_rule_wins_over_missing_answers_and_both_are_named():
    result = run(Rules(min_age=18, veteran_required=True), date_of_birth=date(2015, 1, 1))
    assert result.result == INELIGIBLE
    assert [o.rule for o in result.failed] == ["age"]
    assert [o.rule for o in result.unknown] == ["veteran"]


# --- Capacity ------------------------------------------------------------------------------


def test_eligible_at_capacity_is_waitlisted_and_below_is_eligible():
    rules = Rules()

    def at(count: int) -> str:
        return evaluate(
            answers=Answers(),
            rules=rules,
            guidelines=TABLE,
            on=ON,
            capacity=3,
            active_enrollments=count,
        ).result

    assert at(2) == ELIGIBLE
    assert at(3) == WAITLISTED
    assert at(4) == WAITLISTED


def test_ineligible_at_capacity_stays_ineligible():
    result = evaluate(
        answers=Answers(is_veteran=False),
        rules=Rules(veteran_required=True),
        guidelines=TABLE,
        on=ON,
        capacity=1,
        active_enrollments=5,
    )
    assert result.result == INELIGIBLE


# --- Parsing and answer validation ---------------------------------------------------------


def test_rules_parse_names_every_bad_field():
    with pytest.raises(RulesError) as caught:
        Rules.from_dict(
            {
                "min_age": 70,
                "max_age": 60,
                "states": ["XX"],
                "postal_codes": ["1220"],
                "disability_types": [4],
                "max_income_percent": -5,
                "questions": [{"key": "Bad Key", "text": "", "required_answer": "maybe"}],
                "colour": "blue",
            }
        )
    errors = caught.value.errors
    assert set(errors) >= {
        "max_age",
        "states",
        "postal_codes",
        "disability_types",
        "max_income_percent",
        "questions.0.key",
        "questions.0.text",
        "questions.0.required_answer",
        "colour",
    }


def test_rules_round_trip_through_a_dict():
    rules = Rules(
        min_age=18,
        states=("NY",),
        postal_codes=("12207",),
        disability_types=(9,),
        questions=(Question("q1", "Pregnant?", True),),
    )
    assert Rules.from_dict(rules.to_dict()) == rules


def test_impossible_answers_are_field_errors():
    errors = validate_answers(
        Answers(
            date_of_birth=date(2030, 1, 1),
            household_size=0,
            household_income=Decimal("-1"),
            postal_code="abc",
        ),
        on=ON,
    )
    assert set(errors) == {"date_of_birth", "household_size", "household_income", "postal_code"}
    assert errors["date_of_birth"] == "Date of birth cannot be in the future."

"""The scoring engine at every band boundary of every shipped instrument (no database)."""

from __future__ import annotations

from typing import Any

import pytest

from casework.assessments.library import shipped_definitions
from casework.assessments.schema import InstrumentSpec
from casework.assessments.scoring import AnswerError, enabled_items, score


def spec(code: str) -> InstrumentSpec:
    return next(s for s in shipped_definitions() if s.code == code)


def spread(total: int, items: int, top: int) -> dict[str, int]:
    """Answers q1..qN (values 0..top) that add up to ``total``."""
    answers = {}
    for n in range(1, items + 1):
        answers[f"q{n}"] = min(top, total)
        total -= answers[f"q{n}"]
    assert total == 0
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none_minimal"),
        (4, "none_minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands_at_every_boundary(total: int, band: str) -> None:
    answers = spread(total, 8, 3) | {"q9": 0} if total <= 24 else spread(total, 9, 3)
    result = score(spec("phq9"), answers)
    assert (result["total"], result["band"]["code"]) == (total, band)


def test_phq9_item9_raises_suicide_flag_and_offers_cssrs() -> None:
    result = score(spec("phq9"), spread(0, 8, 3) | {"q9": 1})
    assert result["total"] == 1
    (flag,) = result["flags"]
    assert flag["code"] == "suicide_risk"
    assert flag["severity"] == "high"
    assert flag["offer"] == "cssrs"
    assert flag["raise_risk"]
    assert score(spec("phq9"), spread(3, 9, 3))["flags"] == []  # item 9 zero: no flag


def test_missing_item_gives_no_total_and_names_it() -> None:
    answers = spread(12, 9, 3)
    del answers["q4"]
    result = score(spec("phq9"), answers)
    assert result["total"] is None
    assert result["band"] is None
    assert result["missing"] == ["q4"]


def test_nothing_answered_is_not_zero() -> None:
    result = score(spec("gad7"), {})
    assert result["total"] is None
    assert result["missing"] == [f"q{n}" for n in range(1, 8)]


def test_bad_answers_are_named() -> None:
    with pytest.raises(AnswerError) as error:
        score(spec("phq9"), {"q1": 7, "zz": 1})
    assert set(error.value.errors) == {"q1", "zz"}
    assert "choose one of" in error.value.errors["q1"]


@pytest.mark.parametrize(("total", "band"), [(2, "negative"), (3, "positive"), (6, "positive")])
def test_phq2_cut_point_three(total: int, band: str) -> None:
    assert score(spec("phq2"), spread(total, 2, 3))["band"]["code"] == band


@pytest.mark.parametrize(
    ("total", "band"),
    [(4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"), (15, "severe")],
)
def test_gad7_bands(total: int, band: str) -> None:
    assert score(spec("gad7"), spread(total, 7, 3))["band"]["code"] == band


@pytest.mark.parametrize(
    ("sex", "total", "band"),
    [
        ("male", 3, "negative"),
        ("male", 4, "positive"),
        ("female", 2, "negative"),
        ("female", 3, "positive"),
        ("other", 2, "negative"),
        ("other", 3, "positive"),
    ],
)
def test_auditc_sex_specific_cut_offs(sex: str, total: int, band: str) -> None:
    result = score(spec("auditc"), spread(total, 3, 4) | {"sex": sex})
    assert (result["total"], result["band"]["code"]) == (total, band)


def test_auditc_without_sex_is_missing_it() -> None:
    result = score(spec("auditc"), spread(3, 3, 4))
    assert result["missing"] == ["sex"]
    assert result["band"]["code"] == "positive"  # the more sensitive cut-off applies


CSSRS: list[tuple[dict[str, str], list[str], str, list[str]]] = [
    # answers, items asked, triage level, skipped answers
    ({"q1": "no", "q2": "no", "q6": "no"}, ["q1", "q2", "q6"], "none", []),
    ({"q1": "yes", "q2": "no", "q6": "no"}, ["q1", "q2", "q6"], "low", []),
    # Q1 yes with Q2 no does not open 3-5: an answer given to 3 is dropped.
    ({"q1": "yes", "q2": "no", "q3": "yes", "q6": "no"}, ["q1", "q2", "q6"], "low", ["q3"]),
    (
        {"q1": "yes", "q2": "yes", "q3": "no", "q4": "no", "q5": "no", "q6": "no"},
        ["q1", "q2", "q3", "q4", "q5", "q6"],
        "low",
        [],
    ),
    (
        {"q1": "yes", "q2": "yes", "q3": "yes", "q4": "no", "q5": "no", "q6": "no"},
        ["q1", "q2", "q3", "q4", "q5", "q6"],
        "moderate",
        [],
    ),
    (
        {"q1": "yes", "q2": "yes", "q3": "yes", "q4": "yes", "q5": "no", "q6": "no"},
        ["q1", "q2", "q3", "q4", "q5", "q6"],
        "high",
        [],
    ),
    (
        {"q1": "no", "q2": "yes", "q3": "no", "q4": "no", "q5": "yes", "q6": "no"},
        ["q1", "q2", "q3", "q4", "q5", "q6"],
        "high",
        [],
    ),
    ({"q1": "no", "q2": "no", "q6": "yes", "q6a": "no"}, ["q1", "q2", "q6", "q6a"], "moderate", []),
    ({"q1": "no", "q2": "no", "q6": "yes", "q6a": "yes"}, ["q1", "q2", "q6", "q6a"], "high", []),
]


@pytest.mark.parametrize(("answers", "asked", "level", "skipped"), CSSRS)
def test_cssrs_skip_paths_and_triage(
    answers: dict[str, str], asked: list[str], level: str, skipped: list[str]
) -> None:
    result = score(spec("cssrs"), answers)
    assert enabled_items(spec("cssrs"), answers) == asked
    assert result["band"]["code"] == level
    assert result["skipped"] == skipped
    assert result["missing"] == []
    flags = {f["code"] for f in result["flags"]}
    assert ("cssrs_high" in flags) == (level == "high")
    assert ("cssrs_moderate" in flags) == (level == "moderate")


def test_cssrs_behaviour_with_unknown_recency_counts_as_high() -> None:
    result = score(spec("cssrs"), {"q1": "no", "q2": "no", "q6": "yes"})
    assert result["missing"] == ["q6a"]
    assert result["band"]["code"] == "high"


def lace(los: float, acute: str = "no", conditions: Any = "none", ed: int = 0) -> dict[str, Any]:
    return score(
        spec("lace"), {"los": los, "acuity": acute, "comorbidity": conditions, "ed_visits": ed}
    )


@pytest.mark.parametrize(
    ("los", "points"),
    [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (6, 4), (7, 5), (13, 5), (14, 7), (30, 7)],
)
def test_lace_length_of_stay_boundaries(los: int, points: int) -> None:
    assert lace(los)["points"]["los"] == points


@pytest.mark.parametrize(
    ("conditions", "points"),
    [
        (["none"], 0),
        (["mi"], 1),
        (["chf"], 2),
        (["mi", "chf"], 3),
        (["dementia"], 3),
        (["chf", "copd"], 5),  # 4 or more -> 5
        (["aids"], 5),
        (["metastatic"], 5),
    ],
)
def test_lace_comorbidity_uses_lace_weights(conditions: list[str], points: int) -> None:
    assert lace(0, conditions=conditions)["points"]["comorbidity"] == points


@pytest.mark.parametrize(("ed", "points"), [(0, 0), (3, 3), (4, 4), (9, 4)])
def test_lace_ed_visits(ed: int, points: int) -> None:
    assert lace(0, ed=ed)["points"]["ed_visits"] == points


def test_lace_worked_examples_bands_and_variant() -> None:
    high = lace(5, "yes", ["chf", "copd", "mi"], 2)  # 4 + 3 + 5 + 2
    assert (high["total"], high["band"]["code"]) == (14, "high")
    assert high["flags"][0]["code"] == "readmission_risk"
    assert "van Walraven" in high["variant"]
    low = lace(2)
    assert (low["total"], low["band"]["code"], low["flags"]) == (2, "low", [])
    nine = lace(4, "yes", ["mi"], 1)  # 4 + 3 + 1 + 1
    assert (nine["total"], nine["band"]["code"], nine["flags"]) == (9, "moderate", [])
    ten = lace(4, "yes", ["chf"], 1)
    assert (ten["total"], ten["band"]["code"]) == (10, "high")


def hospital(**overrides: Any) -> dict[str, Any]:
    answers = {
        "hemoglobin": 13,
        "oncology": "no",
        "sodium": 140,
        "procedure": "no",
        "urgent": "no",
        "admissions": 0,
        "los": 1,
    }
    return score(spec("hospital"), answers | overrides)


@pytest.mark.parametrize(("los", "points"), [(4, 0), (5, 2)])
def test_hospital_length_of_stay_counts_from_five_days(los: int, points: int) -> None:
    assert hospital(los=los)["points"]["los"] == points


def test_hospital_thresholds_and_classes() -> None:
    assert hospital(hemoglobin=11.9)["points"]["hemoglobin"] == 1
    assert hospital(hemoglobin=12)["points"]["hemoglobin"] == 0
    assert hospital(sodium=134)["points"]["sodium"] == 1
    assert hospital(sodium=135)["points"]["sodium"] == 0
    assert [hospital(admissions=n)["points"]["admissions"] for n in (1, 2, 5, 6)] == [0, 2, 2, 5]
    worked = hospital(hemoglobin=11, sodium=133, urgent="yes", admissions=3, los=6)
    assert (worked["total"], worked["band"]["code"]) == (7, "high")
    four = hospital(admissions=2, los=5)
    assert (four["total"], four["band"]["code"]) == (4, "low")
    five = hospital(admissions=2, los=5, urgent="yes")
    assert (five["total"], five["band"]["code"]) == (5, "intermediate")
    six = hospital(admissions=2, los=5, urgent="yes", procedure="yes")
    assert six["band"]["code"] == "intermediate"


def ahc(**overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "q1": "steady",
        "q2": ["none"],
        "q3": "never",
        "q4": "never",
        "q5": "no",
        "q6": "no",
        "q7": "never",
        "q8": "never",
        "q9": "never",
        "q10": "never",
    }
    return score(spec("ahc-hrsn"), answers | overrides)


def flags(result: dict[str, Any]) -> set[str]:
    return {f["code"] for f in result["flags"]}


def test_ahc_negative_everywhere_has_no_total() -> None:
    result = ahc()
    assert result["total"] is None
    assert flags(result) == set()
    assert result["subscales"]["safety"] == 4


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"q1": "worried"}, {"housing"}),
        ({"q1": "not_steady"}, {"housing"}),
        ({"q2": ["mold"]}, {"housing"}),
        ({"q3": "sometimes"}, {"food"}),
        ({"q4": "often"}, {"food"}),
        ({"q5": "yes"}, {"transportation"}),
        ({"q6": "shut_off"}, {"utilities"}),
        ({"q6": "yes"}, {"utilities"}),
    ],
)
def test_ahc_one_flag_per_domain(overrides: dict[str, Any], expected: set[str]) -> None:
    assert flags(ahc(**overrides)) == expected


def test_ahc_safety_positive_above_ten() -> None:
    ten = ahc(q7="sometimes", q8="sometimes", q9="rarely", q10="rarely")
    assert ten["subscales"]["safety"] == 10
    assert "safety" not in flags(ten)
    eleven = ahc(q7="sometimes", q8="sometimes", q9="sometimes", q10="rarely")
    assert eleven["subscales"]["safety"] == 11
    assert "safety" in flags(eleven)
    (safety,) = [f for f in eleven["flags"] if f["code"] == "safety"]
    assert safety["raise_risk"]
    assert safety["severity"] == "high"


def test_needs_assessment_ratings_of_one_or_two_are_needs() -> None:
    result = score(spec("needs"), {"housing": 1, "food": 2, "income_benefits": 3, "legal": 5})
    assert [n["domain"] for n in result["needs"]] == ["housing", "food"]
    assert result["needs"][0] == {"domain": "housing", "source": "housing", "rating": 1}


def test_discharge_needs_and_vocational_identify_needs() -> None:
    answers = {f"adl_{k}": "independent" for k in ("bathing", "dressing", "toileting")}
    answers |= {"adl_transferring": "some_help", "iadl_travel": "dependent", "caregiver": "no"}
    result = score(spec("discharge-needs"), answers)
    assert {n["domain"] for n in result["needs"]} == {
        "daily_living",
        "transportation",
        "social_support",
    }
    voc = score(spec("vocational"), {"employment_status": "unemployed", "skills": "Forklift"})
    assert [n["domain"] for n in voc["needs"]] == ["employment_education"]

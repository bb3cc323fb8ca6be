"""The career planner gives advice a person can act on (issue 12). Every vector goes
through the public ``GET /api/v1/pathway``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from casework.workforce.pathway import critical_path, months_text

pytestmark = pytest.mark.django_db


def roadmap(**params: Any) -> dict[str, Any]:
    response = HttpClient().get("/api/v1/pathway", params)
    assert response.status_code == 200, response.content
    return response.json()


def ids(steps: list[dict[str, Any]]) -> list[str]:
    return [s["id"] for s in steps]


@pytest.mark.parametrize(
    ("area", "goal", "months", "chain"),
    [
        # Was 123 and 129 months: every track added up, the practicum after the degree.
        ("mental_health", "", 63, ["bachelors", "supervised-experience", "ccm-exam"]),
        ("social_services", "", 63, ["bsw", "supervised-experience", "ccm-exam"]),
        ("mental_health", "lcsw", 105, ["bachelors", "msw", "lmsw", "lcsw"]),
        ("social_services", "lcsw", 105, ["bsw", "msw", "lmsw", "lcsw"]),
        ("vocational_rehab", "", 75, ["bachelors", "mrc", "crc-exam"]),
    ],
)
def test_no_degree_total_is_the_critical_path_of_the_chosen_goal(
    area: str, goal: str, months: int, chain: list[str]
) -> None:
    plan = roadmap(area=area, goal=goal)
    assert plan["total_estimate_months"] == months
    assert [s["id"] for s in plan["steps"] if s.get("critical")] == chain


def test_optional_steps_are_apart_with_their_own_time() -> None:
    plan = roadmap(area="mental_health")
    assert "msw" in ids(plan["optional_steps"])
    assert "msw" not in ids(plan["steps"])
    msw = next(s for s in plan["optional_steps"] if s["id"] == "msw")
    assert (msw["estimate_months"], msw["estimate_text"]) == (24, "about 2 years")


def test_a_practicum_during_the_degree_adds_no_time() -> None:
    months, chain = critical_path(
        [
            {"id": "degree", "after": [], "estimate_months": 48},
            {"id": "practicum", "after": [], "estimate_months": 6},
            {"id": "exam", "after": ["degree"], "estimate_months": 3},
        ]
    )
    assert (months, chain) == (51, ["degree", "exam"])


def test_an_msw_holder_is_never_told_to_pass_the_aswb_bachelors_exam() -> None:
    plan = roadmap(area="social_services", degrees="MSW", goal="lcsw", state="TX")
    every = plan["steps"] + plan["optional_steps"]
    bachelors = next(s for s in every if s["id"] == "aswb-bachelors")
    assert bachelors["status"] == "not_needed"
    assert bachelors["estimate_months"] == 0
    assert "ASWB Masters exam instead" in bachelors["requirement"]
    assert all("Bachelors" not in s["title"] for s in every if s["status"] == "todo")
    assert ids(plan["steps"]) == ["bsw", "msw", "lmsw", "lcsw", "continuing-education"]
    assert plan["total_estimate_months"] == 27  # LMSW 3 + Texas LCSW 24


def test_the_mental_health_lcsw_path_includes_the_lmsw_step() -> None:
    plan = roadmap(area="mental_health", degrees="MSW", goal="lcsw", state="NY")
    assert ids(plan["steps"]) == ["bachelors", "msw", "lmsw", "lcsw", "continuing-education"]
    lmsw = plan["steps"][2]
    assert lmsw["status"] == "todo"
    assert "ASWB Masters" in lmsw["requirement"]  # the NY LMSW rule's summary


def test_a_bsw_holders_msw_shows_advanced_standing() -> None:
    plan = roadmap(area="social_services", degrees="BSW", goal="lcsw")
    msw = next(s for s in plan["steps"] if s["id"] == "msw")
    assert msw["estimate_months"] == 12
    assert "advanced standing" in msw["estimate_note"]
    without = roadmap(area="social_services", degrees="PSYCHOLOGY", goal="lcsw")
    assert next(s for s in without["steps"] if s["id"] == "msw")["estimate_months"] == 24


def test_the_chosen_work_setting_decides_health_system_eligibility() -> None:
    base = {"area": "mental_health", "licences": "RN", "experience_months": 13}
    in_cmhc = roadmap(**base)
    assert in_cmhc["answers"]["setting"] == "community_mental_health"
    acm = next(c for c in in_cmhc["credentials"] if c["code"] == "ACM-RN")
    assert acm["eligible"] is False
    in_hospital = roadmap(**base, setting="hospital")
    acm = next(c for c in in_hospital["credentials"] if c["code"] == "ACM-RN")
    assert acm["eligible"] is True
    plan = roadmap(**base, setting="managed_care")  # a health plan is a payer
    assert next(c for c in plan["credentials"] if c["code"] == "ACM-RN")["eligible"] is True


def test_an_unknown_setting_or_goal_names_the_parameter() -> None:
    for params, field in (
        ({"area": "healthcare", "setting": "moon"}, "setting"),
        ({"area": "healthcare", "goal": "crc"}, "goal"),
    ):
        response = HttpClient().get("/api/v1/pathway", params)
        assert response.status_code in (400, 422)
        assert any(field in e["field"] for e in response.json()["errors"])


def test_singular_and_plural_read_right() -> None:
    assert months_text(1) == "1 month"
    assert months_text(11) == "11 months"
    plan = roadmap(area="healthcare", licences="RN", experience_months=23, state="TX")
    ccm = next(c for c in plan["credentials"] if c["code"] == "CCM")
    assert ccm["missing"] == [
        "1 more month of full-time case management experience; "
        "or 12 more months of full-time case management experience supervised by a CCM"
    ]


def test_high_school_diploma_shows_the_entry_routes_first() -> None:
    plan = roadmap(area="social_services", degrees="HS_DIPLOMA", state="TX")
    routes = {r["id"]: r for r in plan["entry_routes"]}
    assert list(routes) == ["case-aide", "peer-support", "community-health-worker"]
    chw = routes["community-health-worker"]
    assert "160-hour" in chw["requirement"]
    assert chw["state"] == "TX"
    elsewhere = roadmap(area="social_services", degrees="HS_DIPLOMA", state="OH")
    assert elsewhere["entry_routes"][2]["state"] == ""
    assert roadmap(area="social_services", degrees="BSW")["entry_routes"] == []
    assert roadmap(area="healthcare", licences="RN")["entry_routes"] == []
    assert ids(roadmap(area="healthcare")["entry_routes"]) == [
        "case-aide",
        "community-health-worker",
    ]


def test_pay_figures_show_their_edition_and_year() -> None:
    plan = roadmap(area="healthcare")
    nurses = next(f for f in plan["figures"] if f["id"] == "registered-nurses")
    assert nurses["edition"].startswith("OOH")
    assert nurses["year"] == "2023"
    query = {"area": "healthcare", "experience_months": "0", "supervised_months": "0"}
    page = HttpClient().get("/pathway/", query).content.decode()
    assert "OEWS May 2023 wages" in page
    assert "https://www.bls.gov/ooh/healthcare/registered-nurses.htm" in page


def test_counsellor_and_social_work_licences_per_state() -> None:
    plan = roadmap(area="mental_health", degrees="COUNSELING", goal="lpc", state="CA")
    lpc = next(s for s in plan["steps"] if s["id"] == "lpc")
    assert "LPCC, California" in lpc["requirement"]
    codes = {c["code"] for c in plan["credentials"]}
    assert {"LPC-CA", "LCSW-CA"} <= codes
    assert "LPC-TX" not in codes
    tx = roadmap(area="social_services", degrees="BSW", state="TX")
    assert {"LBSW-TX", "LMSW-TX", "LCSW-TX"} <= {c["code"] for c in tx["credentials"]}

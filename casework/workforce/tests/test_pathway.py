"""The career pathway planner: four people checked step by step, the public API and CLI."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient

from casework.accounts.models import User
from casework.workforce.tests.conftest import add_licence, add_position

pytestmark = pytest.mark.django_db


def roadmap(**params: Any) -> dict[str, Any]:
    response = HttpClient().get("/api/v1/pathway", params)
    assert response.status_code == 200, response.content
    return response.json()


def steps(plan: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(s["id"], s["status"], s["estimate_months"]) for s in plan["steps"]]


def credential(plan: dict[str, Any], code: str) -> dict[str, Any]:
    return next(c for c in plan["credentials"] if c["code"] == code)


def optional(plan: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(s["id"], s["status"], s["estimate_months"]) for s in plan["optional_steps"]]


def test_no_degree_healthcare_starts_with_the_nursing_degree() -> None:
    plan = roadmap(area="healthcare")
    assert plan["goal"]["id"] == "ccm"
    assert steps(plan) == [
        ("nursing-degree", "todo", 48),
        ("rn-licence", "todo", 3),
        ("supervised-experience", "todo", 12),
        ("ccm-exam", "todo", 3),
        ("continuing-education", "todo", 0),
    ]
    assert optional(plan) == [("health-system-experience", "todo", 12), ("acm-rn", "todo", 3)]
    assert plan["steps"][1]["title"] == "Pass the NCLEX-RN and hold an RN licence in your state"
    ccm = credential(plan, "CCM")
    assert ccm["eligible"] is False
    assert ccm["missing"][0].startswith(
        "Hold a current RN or LCSW or LPC or LMHC; or Earn a bachelor's"
    )
    assert plan["total_estimate_months"] == 66  # the optional ACM-RN steps are not counted


def test_bsw_with_six_supervised_months_in_social_services() -> None:
    plan = roadmap(
        area="social_services", degrees="BSW", experience_months=6, supervised_months=6, state="NY"
    )
    assert steps(plan) == [
        ("bsw", "done", 0),
        ("practicum", "done", 0),
        ("supervised-experience", "todo", 6),
        ("ccm-exam", "todo", 3),
        ("continuing-education", "todo", 0),
    ]
    assert plan["total_estimate_months"] == 9
    assert optional(plan) == [
        ("aswb-bachelors", "todo", 3),
        ("msw", "todo", 12),  # advanced standing after the BSW
        ("lmsw", "todo", 3),
        ("lcsw", "todo", 36),  # New York: 36 months post-MSW
    ]
    lcsw = plan["optional_steps"][3]
    assert lcsw["title"] == "Supervised clinical experience and the LCSW in NY"
    assert "2,000 client-contact hours" in lcsw["requirement"]
    assert credential(plan, "CCM")["missing"] == [
        "6 more months of full-time case management experience supervised by a CCM; "
        "or 18 more months of full-time case management experience"
    ]
    codes = [c["code"] for c in plan["credentials"] if c["code"].startswith(("LCSW", "LMSW"))]
    assert sorted(codes) == ["LCSW-NY", "LMSW-NY"]


def test_rn_with_two_years_is_eligible_for_ccm_and_acm_rn() -> None:
    plan = roadmap(area="healthcare", licences="RN", experience_months=24, state="TX")
    assert steps(plan) == [
        ("nursing-degree", "done", 0),
        ("rn-licence", "done", 0),
        ("supervised-experience", "done", 0),
        ("ccm-exam", "todo", 3),
        ("continuing-education", "todo", 0),
    ]
    assert credential(plan, "CCM")["eligible"] is True
    assert credential(plan, "ACM-RN")["eligible"] is True
    assert credential(plan, "CRC")["eligible"] is False
    ce = plan["steps"][4]
    assert "20 hours every 2 years" in ce["requirement"]  # the Texas RN renewal rule


def test_masters_in_rehabilitation_counselling_asks_before_the_crc_exam() -> None:
    plan = roadmap(area="vocational_rehab", degrees="MRC")
    assert steps(plan) == [
        ("bachelors", "done", 0),
        ("mrc", "done", 0),
        ("internship", "done", 0),
        ("crc-exam", "todo", 3),
        ("continuing-education", "todo", 0),
    ]
    crc = credential(plan, "CRC")
    assert crc["status"] == "cannot_tell"  # accreditation and CRC supervision unknown
    assert "CRC" in crc["cannot_tell"][0]
    assert credential(plan, "CCM")["eligible"] is False
    assert plan["figures"]
    assert all({"source", "year", "edition", "marker"} <= set(f) for f in plan["figures"])
    assert "State vocational rehabilitation agencies" in plan["employers"]


def test_pathway_json_shape() -> None:
    plan = roadmap(
        area="healthcare",
        degrees="BSN",
        licences="RN",
        experience_months=14,
        supervised_months=14,
        state="TX",
    )
    for step in plan["steps"] + plan["optional_steps"]:
        assert {"id", "title", "status", "requirement", "source", "estimate_months"} <= set(step)
        assert step["status"] in ("done", "todo", "not_needed")
    for cred in plan["credentials"]:
        assert {"code", "eligible", "missing"} <= set(cred)
        assert isinstance(cred["eligible"], bool)
        assert isinstance(cred["missing"], list)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"area": "astrology"}, "area"),
        ({}, "area"),
        ({"area": "healthcare", "degrees": "BSN,PHD"}, "degrees"),
        ({"area": "healthcare", "licences": "XYZ"}, "licences"),
        ({"area": "healthcare", "experience_months": "abc"}, "experience_months"),
        ({"area": "healthcare", "experience_months": "-1"}, "experience_months"),
        (
            {"area": "healthcare", "experience_months": "3", "supervised_months": "4"},
            "supervised_months",
        ),
        ({"area": "healthcare", "state": "Texas"}, "state"),
    ],
)
def test_invalid_pathway_values_get_a_problem_naming_the_parameter(
    params: dict[str, str], field: str
) -> None:
    response = HttpClient().get("/api/v1/pathway", params)
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert any(field in e["field"] for e in body["errors"]), body


def test_cli_pathway_json_matches_the_api() -> None:
    out = StringIO()
    call_command(
        "pathway",
        "--area",
        "healthcare",
        "--degree",
        "BSN",
        "--licence",
        "RN",
        "--experience-months",
        "14",
        "--supervised-months",
        "14",
        "--state",
        "TX",
        "--json",
        stdout=out,
    )
    cli = json.loads(out.getvalue())
    api = roadmap(
        area="healthcare",
        degrees="BSN",
        licences="RN",
        experience_months=14,
        supervised_months=14,
        state="TX",
    )
    assert cli["steps"] == api["steps"]
    assert [(c["code"], c["eligible"], c["missing"]) for c in cli["credentials"]] == [
        (c["code"], c["eligible"], c["missing"]) for c in api["credentials"]
    ]


def test_cli_pathway_text_and_errors() -> None:
    out = StringIO()
    call_command("pathway", "--area", "vocational_rehab", "--degree", "MRC", stdout=out)
    assert "4. [3 months] Pass the CRC exam" in out.getvalue()
    with pytest.raises(CommandError, match="--area"):
        call_command("pathway", "--area", "nope")


def test_cli_credentials_check_json_has_the_same_credentials_shape(cm_health: User) -> None:
    add_licence(cm_health, "RN", "NY")
    add_position(
        cm_health, supervised=True, supervisor_name="Pat Lee", supervisor_credentials="CCM, RN"
    )
    out = StringIO()
    call_command("credentials", "check", "--email", cm_health.email, "--json", stdout=out)
    report = json.loads(out.getvalue())
    ccm = next(c for c in report["credentials"] if c["code"] == "CCM")
    assert ccm["eligible"] is True
    assert ccm["missing"] == []
    api = HttpClient()
    api.force_login(cm_health)
    from_api = api.get("/api/v1/workforce/me/credentials").json()
    assert from_api["credentials"] == report["credentials"]
    with pytest.raises(CommandError):
        call_command("credentials", "check", "--email", "nobody@example.org")


def test_public_planner_page_needs_no_sign_in() -> None:
    page = HttpClient().get(
        "/pathway/",
        {
            "area": "mental_health",
            "degrees": "PSYCHOLOGY",
            "experience_months": "0",
            "supervised_months": "0",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your roadmap" in html
    assert "Community mental health centres" in html
    assert "pathway-print.css" in html
    assert 'media="print"' in html
    assert "not confirmed" in html
    assert "UNVERIFIED" not in html
    assert "DOMAIN" not in html


def test_planner_page_shows_field_errors() -> None:
    page = HttpClient().get(
        "/pathway/", {"area": "healthcare", "experience_months": "2", "supervised_months": "5"}
    )
    assert page.status_code == 200
    assert "Supervised months are part of the experience months." in page.content.decode()


def test_planner_is_prefilled_from_a_signed_in_staff_record(cm_health: User) -> None:
    add_licence(cm_health, "RN", "NY")
    add_position(cm_health)
    http = HttpClient()
    http.force_login(cm_health)
    html = http.get("/pathway/").content.decode()
    assert 'value="RN" checked' in html
    assert 'name="experience_months" value="12"' in html

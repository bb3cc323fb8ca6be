"""The career planner takes exams passed as answers: a passed certification exam counts
its step as done, a passed licensure exam leaves only the licence application, and the
credential lines see the exam. The same through the page, ``GET /api/v1/pathway``, the CLI
and a staff member's recorded results."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient

from casework.accounts.models import User
from casework.workforce import services
from casework.workforce.models import ExamResult
from casework.workforce.tests.conftest import add_licence

pytestmark = pytest.mark.django_db
RN_TWO_YEARS: dict[str, Any] = {
    "area": "healthcare",
    "licences": "RN",
    "experience_months": 24,
    "state": "NY",
}


def roadmap(**params: Any) -> dict[str, Any]:
    response = HttpClient().get("/api/v1/pathway", params)
    assert response.status_code == 200, response.content
    return response.json()


def step(plan: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in [*plan["steps"], *plan["optional_steps"]] if s["id"] == step_id)


def test_a_passed_ccm_exam_counts_as_done_in_the_plan() -> None:
    before = roadmap(**RN_TWO_YEARS)
    assert (step(before, "ccm-exam")["status"], before["total_estimate_months"]) == ("todo", 3)
    after = roadmap(**RN_TWO_YEARS, exams="CCM")
    assert step(after, "ccm-exam")["status"] == "done"
    assert after["total_estimate_months"] == 0
    assert after["answers"]["exams"] == ["CCM"]


def test_acm_and_crc_exams_count_their_steps_as_done() -> None:
    acm = roadmap(**RN_TWO_YEARS, goal="acm-rn", exams="ACM")
    assert step(acm, "acm-rn")["status"] == "done"
    crc = roadmap(area="vocational_rehab", degrees="MRC", exams="CRC")
    assert step(crc, "crc-exam")["status"] == "done"


def test_a_passed_licensure_exam_leaves_only_the_licence_application() -> None:
    plain = roadmap(area="social_services", degrees="MSW", state="NY", goal="lmsw")
    assert step(plain, "lmsw")["estimate_months"] == 3
    lmsw = next(c for c in plain["credentials"] if c["code"] == "LMSW-NY")
    assert "Pass the ASWB Masters exam" in " ".join(lmsw["missing"] + lmsw["cannot_tell"])
    passed = roadmap(
        area="social_services", degrees="MSW", state="NY", goal="lmsw", exams="ASWB-MASTERS"
    )
    lmsw_step = step(passed, "lmsw")
    assert (lmsw_step["status"], lmsw_step["estimate_months"]) == ("todo", 1)
    assert lmsw_step["estimate_note"] == "ASWB Masters passed: the licence application remains"
    credential = next(c for c in passed["credentials"] if c["code"] == "LMSW-NY")
    assert "Pass the ASWB Masters exam" not in " ".join(
        credential["missing"] + credential["cannot_tell"]
    )
    nclex = roadmap(area="healthcare", degrees="BSN", exams="NCLEX-RN")
    assert step(nclex, "rn-licence")["estimate_months"] == 1


def test_an_unknown_exam_names_the_parameter() -> None:
    response = HttpClient().get("/api/v1/pathway", {"area": "healthcare", "exams": "BAR"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"exams"}
    page = HttpClient().get("/pathway/", {"area": "healthcare", "exams": "BAR"})
    assert "Select a valid choice" in page.content.decode()
    with pytest.raises(CommandError, match="--exam: Unknown exam"):
        call_command("pathway", "--area", "healthcare", "--exam", "BAR")


def test_the_page_and_cli_take_the_exams_too() -> None:
    page = HttpClient().get(
        "/pathway/",
        {**RN_TWO_YEARS, "licences": ["RN"], "exams": ["CCM"]},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="exams" value="CCM"' in text
    out = StringIO()
    call_command(
        "pathway",
        "--area",
        "healthcare",
        "--licence",
        "RN",
        "--experience-months",
        "24",
        "--state",
        "NY",
        "--exam",
        "CCM",
        "--json",
        stdout=out,
    )
    cli, api = json.loads(out.getvalue()), roadmap(**RN_TWO_YEARS, exams="CCM")
    assert (cli["steps"], cli["total_estimate_months"]) == (api["steps"], 0)


def test_a_recorded_passed_exam_fills_the_planner_but_a_failed_one_does_not(
    cm_health: User,
) -> None:
    add_licence(cm_health)
    for kind, passed in (("CCM", True), ("ACM", False)):
        services.entry_create(
            actor=cm_health,
            user=cm_health,
            model=ExamResult,
            data={"kind": kind, "taken_on": date(2025, 10, 1), "passed": passed},
        )
    http = HttpClient()
    http.force_login(cm_health)
    page = http.get("/pathway/").content.decode()
    assert 'value="CCM" checked' in page or 'value="CCM"\n checked' in page
    assert 'name="exams" value="ACM" checked' not in page
    from casework.workforce.pathway import initial_from_record

    assert initial_from_record(cm_health)["exams"] == ["CCM"]

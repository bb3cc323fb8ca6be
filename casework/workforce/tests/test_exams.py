"""Exam results: recorded by the staff member, verified like a licence, required by rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from casework.accounts.models import User
from casework.workforce import services
from casework.workforce.models import Education, ExamResult, Licence, SupervisedHours
from casework.workforce.queries import credentials_report

pytestmark = pytest.mark.django_db


def login(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def test_staff_record_an_exam_result_in_the_web_and_it_shows_unverified(cm_health: User) -> None:
    http = login(cm_health)
    response = http.post(
        "/credentials/add/exam/",
        {"kind": "NCLEX-RN", "taken_on": "2024-06-01", "passed": "on", "score": ""},
    )
    assert response.status_code == 302
    exam = ExamResult.objects.get(user=cm_health)
    assert (exam.kind, exam.passed, exam.verification) == ("NCLEX-RN", True, "unverified")
    page = http.get("/credentials/").content.decode()
    assert "NCLEX-RN" in page
    assert "Not yet verified" in page


def test_a_state_exam_names_its_state_and_a_future_date_is_refused(cm_health: User) -> None:
    http = login(cm_health)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = http.post(
        "/credentials/add/exam/", {"kind": "STATE-LAW-ETHICS", "taken_on": tomorrow}
    ).content.decode()
    assert "Name the state whose exam this was." in page
    assert "cannot be dated in the future" in page
    assert not ExamResult.objects.exists()


def test_admin_verifies_an_exam_result_and_staff_cannot(
    cm_health: User, org_admin: User, sup_health: User
) -> None:
    exam = services.entry_create(
        actor=cm_health,
        user=cm_health,
        model=ExamResult,
        data={"kind": "CCM", "taken_on": date(2025, 5, 1), "passed": True},
    )
    denied = login(sup_health).post(
        f"/credentials/verify/exam/{exam.pk}/", {"outcome": "verified", "method": "document"}
    )
    assert denied.status_code == 403
    ok = login(org_admin).post(
        f"/credentials/verify/exam/{exam.pk}/", {"outcome": "verified", "method": "document"}
    )
    assert ok.status_code == 302
    exam.refresh_from_db()
    assert (exam.verification, exam.verified_by) == ("verified", org_admin)
    services.entry_update(actor=cm_health, entry=exam, data={"score": "95"})
    exam.refresh_from_db()
    assert exam.verification == "unverified"  # a changed result is verified again


def test_an_unrelated_staff_member_cannot_reach_an_exam_result(
    cm_health: User, cm_mental_health: User
) -> None:
    exam = services.entry_create(
        actor=cm_health,
        user=cm_health,
        model=ExamResult,
        data={"kind": "CCM", "taken_on": date(2025, 5, 1), "passed": True},
    )
    http = login(cm_mental_health)
    assert http.get(f"/credentials/edit/exam/{exam.pk}/").status_code == 404
    verify = http.post(f"/credentials/verify/exam/{exam.pk}/", {"outcome": "verified"})
    assert verify.status_code == 404


def test_api_records_an_exam_result_and_names_a_bad_field(cm_health: User) -> None:
    http = login(cm_health)
    created = http.post(
        "/api/v1/workforce/me/exam-results",
        {"kind": "ASWB-CLINICAL", "taken_on": "2025-10-01", "passed": True},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["verification"] == "unverified"
    bad = http.post(
        "/api/v1/workforce/me/exam-results",
        {"kind": "BAR-EXAM", "taken_on": "2025-10-01", "passed": True},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert any("kind" in e["field"] for e in bad.json()["errors"])
    record = http.get("/api/v1/workforce/me").json()
    assert record["exam_results"][0]["kind"] == "ASWB-CLINICAL"


def test_recorded_exams_fully_meet_a_licence_line(cm_health: User, sup_health: User) -> None:
    """LCSW-TX: MSW, LMSW, 3,000 signed hours over 24+ months, and both exams passed."""
    services.entry_create(
        actor=cm_health,
        user=cm_health,
        model=Education,
        data={
            "degree": "MSW",
            "institution": "UT Austin",
            "accreditation": "CSWE",
            "completed_on": date(2021, 5, 1),
        },
    )
    services.entry_create(
        actor=cm_health,
        user=cm_health,
        model=Licence,
        data={"kind": "LMSW", "jurisdiction": "TX", "issued_on": date(2021, 8, 1)},
    )
    rows = []
    day = date(2022, 1, 3)
    for week in range(125):
        kind = "individual_supervision" if week % 10 == 0 else "client_contact"
        rows.append(
            SupervisedHours(
                user=cm_health,
                supervisor=sup_health,
                worked_on=day + timedelta(weeks=week),
                hours=24,
                kind=kind,
                signed_at=timezone.now(),
            )
        )
    SupervisedHours.objects.bulk_create(rows)  # 3,000 hours, 13 x 24 = 312 of supervision

    def lcsw_tx() -> dict:
        report = credentials_report(cm_health, today=date(2026, 3, 1))
        return next(c for c in report["credentials"] if c["code"] == "LCSW-TX")

    assert lcsw_tx()["missing"] == [
        "Pass the ASWB Clinical exam",
        "Pass the Texas jurisprudence exam",
    ]
    for kind, state in (("ASWB-CLINICAL", ""), ("STATE-JURISPRUDENCE", "TX")):
        services.entry_create(
            actor=cm_health,
            user=cm_health,
            model=ExamResult,
            data={
                "kind": kind,
                "jurisdiction": state,
                "taken_on": date(2025, 9, 1),
                "passed": True,
            },
        )
    assert lcsw_tx()["eligible"] is True

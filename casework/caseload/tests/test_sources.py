"""Worklist kinds from the other apps: risk flags (and client risk), plan reviews; the
crisis banner shows the client's safety plan when one exists."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client as HttpClient
from django.utils import timezone

from casework.assessments.services import risk_flag_raise
from casework.caseload.crisis import crisis_report
from casework.caseload.worklist import build_worklist
from casework.clients.models import Enrollment
from casework.plans.models import PlanVersion
from casework.plans.services import plan_open, section_save


def test_a_high_risk_flag_is_on_the_worklist_and_raises_the_clients_risk(
    cm_health: Any, client_health: Any, cm_mental_health: Any
) -> None:
    risk_flag_raise(
        actor=cm_health,
        client=client_health,
        code="manual",
        label="Said they feel unsafe",
        severity="high",
    )
    (item,) = build_worklist(cm_health, kinds=["risk_flag"])
    assert item.severity == 3
    assert item.client_risk == 3
    assert "High risk flag raised" in item.reason
    assert build_worklist(cm_mental_health, kinds=["risk_flag"]) == []


def test_a_plan_review_due_soon_is_on_the_worklist(cm_health: Any, client_health: Any) -> None:
    enrollment = Enrollment.objects.get(client=client_health)
    plan = plan_open(actor=cm_health, enrollment=enrollment)
    soon = timezone.localdate() + timedelta(days=3)
    PlanVersion.objects.filter(plan=plan).update(
        review_due=soon, signed_at=timezone.now(), status="signed"
    )
    (item,) = build_worklist(cm_health, kinds=["plan_review"])
    assert item.reason == f"Plan review due in 3 days ({soon:%b %-d})"
    assert item.client_id == client_health.pk


def test_the_crisis_banner_shows_the_safety_plan(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    enrollment = Enrollment.objects.get(client=client_health)
    plan = plan_open(actor=cm_health, enrollment=enrollment)
    section_save(
        actor=cm_health,
        plan=plan,
        kind="safety",
        data={"warning_signs": ["Stops answering the phone"], "coping": ["Walk the dog"]},
    )
    http = HttpClient()
    http.force_login(cm_health, backend="django.contrib.auth.backends.ModelBackend")
    before = http.get(f"/clients/{client_health.pk}/caseload/").content.decode()
    assert "Safety plan on file" not in before  # no crisis, no banner
    crisis_report(
        actor=cm_health,
        client=client_health,
        program=programs["healthcare"],
        kind="suicide_risk",
        severity=4,
        what_happened="Talked about ending it.",
    )
    panel = http.get(f"/clients/{client_health.pk}/caseload/").content.decode()
    assert "Safety plan on file (plan version 1, not yet signed)" in panel
    assert "Stops answering the phone" in panel

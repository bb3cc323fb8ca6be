"""The three paths of the speed benchmark (issue 13) run a fixed number of queries whatever
the data behind them: scoring and saving an assessment, the client's assessments tab with
trends, and the plan page. Timing lives in benchmarks/assessments.py; these tests keep
the query count from growing with the client's history."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from casework.accounts.models import User
from casework.assessments.services import assessment_record
from casework.clients.models import Client, Enrollment
from casework.clients.permissions import access_client
from casework.plans.models import Goal
from casework.plans.services import (
    goal_save,
    intervention_add,
    objective_add,
    plan_from_needs,
    plan_review,
    plan_sign,
    section_save,
)

PHQ9 = {f"q{n}": 1 for n in range(1, 10)}


def _http(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def _count(call: Any) -> int:
    call()  # warm: sessions, caches, the instrument library
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def _administer(user: User, client: Client, times: int) -> None:
    gated = access_client(user, client.pk, write=True)
    for n in range(times):
        code, answers = (
            ("phq9", PHQ9)
            if n % 3 == 0
            else ("gad7", {f"q{i}": n % 4 for i in range(1, 8)})
            if n % 3 == 1
            else ("needs", {"housing": 1 + n % 5, "food": 3})
        )
        assessment_record(
            actor=user,
            client=gated,
            instrument_code=code,
            answers=answers,
            administered_on=datetime.date.today() - datetime.timedelta(days=n),
        )


def test_scoring_and_saving_does_not_grow_with_history(
    client_health: Client, cm_health: User
) -> None:
    gated = access_client(cm_health, client_health.pk, write=True)

    def save() -> None:
        assessment_record(
            actor=cm_health,
            client=gated,
            instrument_code="gad7",
            answers={f"q{i}": 0 for i in range(1, 8)},
        )

    before = _count(save)
    _administer(cm_health, client_health, 30)
    assert _count(save) == before
    assert before <= 8, f"{before} queries to score and save one assessment"


def test_assessments_tab_does_not_grow_with_history(client_health: Client, cm_health: User) -> None:
    http = _http(cm_health)
    url = f"/clients/{client_health.pk}/assessments/"
    _administer(cm_health, client_health, 3)
    before = _count(lambda: http.get(url))
    _administer(cm_health, client_health, 40)
    after = _count(lambda: http.get(url))
    assert after == before
    assert before <= 10, f"{before} queries for the assessments tab"
    # Instrument definitions (large) are parsed once per process, not read with every row.
    with CaptureQueriesContext(connection) as queries:
        http.get(url)
    spec = '"assessments_instrument"."spec"'
    assert not [q["sql"] for q in queries if spec in (q["sql"] or "")]
    page = http.get(url).content.decode()
    assert page.count("cw-trend-chart") >= 2  # PHQ-9 and GAD-7 trends drawn


def _grow_plan(user: User, plan: Any, versions: int) -> None:
    """More goals, objectives, interventions, sections and signed versions."""
    for n in range(versions):
        goal = goal_save(
            actor=user,
            plan=plan,
            data={
                "client_words": f"Goal {n}",
                "measurable": "Done by the date",
                "target_date": datetime.date.today() + datetime.timedelta(days=60),
                "status": "active",
            },
        )
        objective_add(actor=user, goal=goal, text=f"Step {n}")
        intervention_add(
            actor=user,
            goal=goal,
            data={"what": f"Service {n}", "responsible": "case_manager"},
        )
        section_save(
            actor=user,
            plan=plan,
            kind="ipe",
            data={"eligibility_date": "2026-01-01", "employment_goal": f"Job {n}"},
        )
        for pending in Goal.objects.filter(version=plan.latest):
            if not pending.client_words or pending.target_date is None:
                pending.client_words, pending.measurable = "A home", "Lease signed"
                pending.target_date = datetime.date.today() + datetime.timedelta(days=90)
                pending.save()
        plan_sign(actor=user, plan=plan, method="typed", signed_name="D. A.")
        plan_review(actor=user, plan=plan, progress={})


def test_plan_page_does_not_grow_with_versions_and_goals(
    client_health: Client, cm_health: User
) -> None:
    gated = access_client(cm_health, client_health.pk, write=True)
    rated = assessment_record(
        actor=cm_health, client=gated, instrument_code="needs", answers={"housing": 1}
    )
    plan = plan_from_needs(actor=cm_health, client=gated, assessments=[rated])
    http = _http(cm_health)
    url = f"/plans/{plan.pk}/"
    # One version with an intervention first: its referrals are one query (none without one).
    _grow_plan(cm_health, plan, 1)
    before = _count(lambda: http.get(url))
    _grow_plan(cm_health, plan, 3)
    assert plan.versions.count() == 5
    after = _count(lambda: http.get(url))
    assert after == before
    assert before <= 13, f"{before} queries for the plan page"
    old = _count(lambda: http.get(f"{url}?version=2"))
    assert old == before
    assert Enrollment.objects.filter(service_plan=plan).exists()


@pytest.mark.parametrize("path", ["/api/v1/plans/{pk}", "/api/v1/clients/{client}/assessments"])
def test_api_reads_do_not_grow_either(path: str, client_health: Client, cm_health: User) -> None:
    gated = access_client(cm_health, client_health.pk, write=True)
    rated = assessment_record(
        actor=cm_health, client=gated, instrument_code="needs", answers={"housing": 1}
    )
    plan = plan_from_needs(actor=cm_health, client=gated, assessments=[rated])
    http = _http(cm_health)
    url = path.format(pk=plan.pk, client=client_health.pk)
    _grow_plan(cm_health, plan, 1)  # an intervention, so its referrals query is counted
    before = _count(lambda: http.get(url))
    _administer(cm_health, client_health, 12)
    _grow_plan(cm_health, plan, 2)
    assert _count(lambda: http.get(url)) == before

"""A referral carries out a plan intervention; the plan reads its status and outcome."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from casework.clients.models import Enrollment
from casework.plans import services as plans
from casework.referrals.models import Referral, Side
from casework.referrals.queries import referrals_by_intervention
from casework.referrals.services import Outcome, referral_create, referral_transition


@pytest.fixture
def intervention(cm_health, client_health):
    plan = plans.plan_open(actor=cm_health, enrollment=Enrollment.objects.get(client=client_health))
    goal = plans.goal_save(actor=cm_health, plan=plan, data={"client_words": "Eat every day"})
    return plans.intervention_add(
        actor=cm_health, goal=goal,
        data={"what": "Food pantry referral", "responsible": "organization",
              "responsible_name": "Harbor Food Bank"},
    )  # fmt: skip


def test_the_plan_sees_the_referral_s_outcome(
    intervention, cm_health, client_health, programs, food_service, partner_consent, partner
) -> None:
    http = HttpClient()
    http.force_login(cm_health, backend="django.contrib.auth.backends.ModelBackend")
    response = http.post(
        f"/clients/{client_health.pk}/referrals/new/",
        {"program": programs["healthcare"].pk, "service": food_service.pk,
         "intervention": str(intervention.key), "reason": "Food", "urgency": "routine",
         "send": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content[:1500]
    referral = Referral.objects.get()
    assert referral.plan_intervention_key == intervention.key
    referral.sides = frozenset({Side.RECEIVER})
    referral_transition(actor=partner, referral=referral, to="accepted")
    referral_transition(
        actor=partner, referral=referral, to="completed", outcome=Outcome(True, True, "Enrolled")
    )
    (linked,) = referrals_by_intervention(cm_health, [intervention.key])[str(intervention.key)]
    assert linked.status == "completed"
    assert linked.outcome_note == "Enrolled"
    assert referrals_by_intervention(partner, [intervention.key]) == {}


def test_an_intervention_of_another_client_is_refused(
    cm_health, client_health, programs, food_service, partner_consent
) -> None:
    with pytest.raises(ValidationError, match="intervention"):
        referral_create(
            actor=cm_health, client=client_health, program=programs["healthcare"],
            service=food_service, reason="Food", intervention_key=uuid.uuid4(),
        )  # fmt: skip


def test_the_plan_page_and_api_show_the_intervention_s_referral_outcome(
    intervention, cm_health, client_health, programs, food_service, partner_consent, partner
) -> None:
    from casework.api.tests.helpers import Api, token_for

    referral = referral_create(
        actor=cm_health, client=client_health, program=programs["healthcare"],
        service=food_service, reason="Food", intervention_key=intervention.key,
    )  # fmt: skip
    referral.sides = frozenset({Side.RECEIVER})
    referral_transition(actor=partner, referral=referral, to="accepted")
    referral_transition(
        actor=partner, referral=referral, to="completed",
        outcome=Outcome(True, False, "Picked up groceries; not enrolled in delivery"),
    )  # fmt: skip
    plan = intervention.goal.version.plan
    http = HttpClient()
    http.force_login(cm_health, backend="django.contrib.auth.backends.ModelBackend")
    page = http.get(f"/plans/{plan.pk}/").content.decode()
    assert f'href="/referrals/{referral.pk}/">Referral to Weekly grocery pantry' in page
    assert "Service delivered; not enrolled." in page
    assert "Picked up groceries; not enrolled in delivery" in page
    assert f"intervention={intervention.key}" in page  # find services for it
    body = Api(token_for(cm_health)).get(f"plans/{plan.pk}").json()
    (goal,) = body["version"]["goals"]
    (linked,) = goal["interventions"][0]["referrals"]
    assert linked["id"] == referral.pk
    assert linked["status"] == "completed"
    assert (linked["service_delivered"], linked["enrolled"]) == (True, False)
    assert linked["outcome"] == "Service delivered; not enrolled."

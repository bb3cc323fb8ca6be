"""Referrals and the directory over the JSON API, and the FHIR R4 pair (parsed with
fhir.resources R4B)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client as HttpClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from casework.accounts.services import api_token_create
from casework.interop.fhir_referrals import REFERRAL_TASK_STATUSES
from casework.referrals.models import Referral, Status
from casework.resources.testing import make_directory


class Api:
    def __init__(self, user: Any) -> None:
        _token, raw = api_token_create(actor=user, user=user, name="test")
        self.http = HttpClient()
        self.auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path: str) -> Any:
        return self.http.get(f"/api/v1{path}", **self.auth)

    def post(self, path: str, body: Any, **extra: Any) -> Any:
        return self.http.post(
            f"/api/v1{path}", json.dumps(body), content_type="application/json",
            **self.auth, **extra,
        )  # fmt: skip


def _task(referral: Referral, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Task", "status": status, "intent": "order",
        "focus": {"reference": f"ServiceRequest/referral-{referral.pk}"},
    } | extra  # fmt: skip


def test_services_search_takes_the_page_s_filters(cm_health) -> None:
    make_directory()
    found = Api(cm_health).get("/services?category=housing-instability&zip=12207&radius_km=5")
    assert found.status_code == 200
    names = {s["name"] for s in found.json()}
    assert names == {"Emergency rent assistance", "Youth housing navigator"}
    assert all(s["distance_km"] < 5 for s in found.json())


def test_services_search_names_a_bad_zip(cm_health, db) -> None:
    response = Api(cm_health).get("/services?zip=00000")
    assert response.status_code == 422
    assert "zip" in response.content.decode()


def test_partners_cannot_search_the_directory(partner, db) -> None:
    assert Api(partner).get("/services").status_code == 404


def test_a_referral_is_sent_over_the_api(
    cm_health, client_health, programs, food_service, partner_consent
) -> None:
    response = Api(cm_health).post(
        "/referrals",
        {"client_id": client_health.pk, "program_id": programs["healthcare"].pk,
         "service_id": food_service.pk, "reason": "Food", "urgency": "asap"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "requested"
    assert response["ETag"] == '"2"'


def test_a_referral_without_consent_is_refused_naming_the_field(
    cm_health, client_health, programs, food_service
) -> None:
    response = Api(cm_health).post(
        "/referrals",
        {"client_id": client_health.pk, "program_id": programs["healthcare"].pk,
         "service_id": food_service.pk, "reason": "Food"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "shared_categories" in response.content.decode()
    assert Referral.objects.count() == 0


def test_the_partner_reads_only_the_consented_summary(partner, referral, client_health) -> None:
    body = Api(partner).get(f"/referrals/{referral.pk}").json()
    assert body["client_id"] is None
    assert body["client"]["details"]["Name"].endswith(client_health.family_name)
    assert body["sides"] == ["receiver"]


def test_transitions_over_the_api_follow_the_sides(cm_health, partner, referral) -> None:
    url = f"/referrals/{referral.pk}/transition"
    assert Api(cm_health).post(url, {"to": "accepted"}, HTTP_IF_MATCH='"2"').status_code == 403
    assert Api(partner).post(url, {"to": "accepted"}).status_code == 428
    assert Api(partner).post(url, {"to": "accepted"}, HTTP_IF_MATCH='"1"').status_code == 412
    moved = Api(partner).post(url, {"to": "accepted"}, HTTP_IF_MATCH='"2"')
    assert moved.status_code == 200
    assert moved.json()["status"] == "accepted"
    wrong = Api(partner).post(url, {"to": "requested"}, HTTP_IF_MATCH='"3"')
    assert wrong.status_code == 422


def test_fhir_pair_parses_as_r4_and_uses_only_allowed_statuses(partner, referral) -> None:
    body = Api(partner).get(f"/referrals/{referral.pk}/fhir").json()
    bundle = Bundle.model_validate(body)
    assert bundle.entry is not None
    assert len(bundle.entry) == 2
    request = ServiceRequest.model_validate(body["entry"][0]["resource"])
    parsed = Task.model_validate(body["entry"][1]["resource"])
    assert request.status == "active"
    assert parsed.status == "requested"
    assert parsed.status in REFERRAL_TASK_STATUSES
    assert "ready" not in REFERRAL_TASK_STATUSES
    assert "received" not in REFERRAL_TASK_STATUSES
    assert parsed.intent == "order"
    assert body["entry"][1]["resource"]["code"]["coding"][0]["code"] == "fulfill"
    assert body["entry"][1]["resource"]["focus"]["reference"] == (
        f"ServiceRequest/referral-{referral.pk}"
    )
    assert body["entry"][1]["resource"]["for"]["reference"].startswith("Patient/")
    assert "Lopez" not in json.dumps(body)  # the patient only by reference


def test_a_partner_system_updates_the_task(partner, referral) -> None:
    api = Api(partner)
    url = f"/referrals/{referral.pk}/fhir-task"
    first = api.post(url, _task(referral, "accepted"))
    assert first.status_code == 200, first.content
    done = api.post(
        url,
        _task(referral, "completed", output=[
            {"type": {"text": "service-delivered"}, "valueBoolean": True},
            {"type": {"text": "outcome-note"}, "valueString": "Enrolled in pantry."},
        ]),
    )  # fmt: skip
    assert done.status_code == 200, done.content
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED
    assert referral.service_delivered is True
    assert referral.outcome_note == "Enrolled in pantry."
    assert referral.history.last().source == "fhir"


@pytest.mark.parametrize("status", ["ready", "received", "bogus"])
def test_statuses_outside_the_referral_value_set_are_refused(partner, referral, status) -> None:
    response = Api(partner).post(f"/referrals/{referral.pk}/fhir-task", _task(referral, status))
    assert response.status_code == 422
    referral.refresh_from_db()
    assert referral.status == Status.REQUESTED


def test_a_task_update_must_be_an_allowed_move_for_the_sender(cm_health, partner, referral) -> None:
    url = f"/referrals/{referral.pk}/fhir-task"
    assert Api(partner).post(url, _task(referral, "completed")).status_code == 422
    assert Api(cm_health).post(url, _task(referral, "accepted")).status_code == 403
    assert Api(partner).post(url, {"resourceType": "Task", "status": "accepted"}).status_code == 422
    referral.refresh_from_db()
    assert referral.status == Status.REQUESTED

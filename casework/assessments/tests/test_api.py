"""Assessments, risk flags and instruments through the JSON API and the CLI."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client as HttpClient

from casework.accounts.models import User
from casework.assessments.models import Assessment, RiskFlag
from casework.audit.models import AuditEvent
from casework.clients.models import Client
from casework.notifications.models import Notification

PHQ9_ITEM9 = {f"q{n}": (1 if n == 9 else 2) for n in range(1, 10)}  # 17, item 9 positive


def api(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def post(http: HttpClient, url: str, body: Any, **extra: Any) -> Any:
    return http.post(
        f"/api/v1{url}", data=json.dumps(body), content_type="application/json", **extra
    )


@pytest.fixture
def enrolled(client_health: Client, cm_health: User) -> Client:
    return client_health


def test_post_scores_and_stores_with_the_version(enrolled: Client, cm_health: User) -> None:
    http = api(cm_health)
    response = post(
        http, f"/clients/{enrolled.pk}/assessments", {"instrument": "phq9", "answers": PHQ9_ITEM9}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total"] == 17
    assert body["band"]["code"] == "moderately_severe"
    assert body["instrument_version"] == 1
    assert body["missing"] == []
    assert [f["code"] for f in body["flags"]] == ["suicide_risk"]
    assert body["flags"][0]["offer"] == "cssrs"
    stored = Assessment.objects.get(pk=body["id"])
    assert stored.instrument.version == 1
    assert stored.total == 17
    listed = http.get(f"/api/v1/clients/{enrolled.pk}/assessments").json()
    assert [a["id"] for a in listed] == [body["id"]]
    assert AuditEvent.objects.filter(target_type="assessment", target_id=str(body["id"])).exists()
    assert AuditEvent.objects.filter(target_type="assessment_list").exists()


def test_item9_raises_one_flag_and_notifies_case_manager_and_supervisor(
    enrolled: Client, cm_health: User, sup_health: User, cm_mental_health: User
) -> None:
    http = api(sup_health)
    for _ in range(2):
        post(
            http,
            f"/clients/{enrolled.pk}/assessments",
            {"instrument": "phq9", "answers": PHQ9_ITEM9},
        )
    (flag,) = RiskFlag.objects.open().filter(client=enrolled)
    assert flag.severity == "high"
    assert flag.code == "suicide_risk"
    assert flag.category == "mental_health"
    notified = set(
        Notification.objects.filter(kind="risk_flag").values_list("recipient", flat=True)
    )
    assert cm_health.pk in notified  # the primary case manager; the raiser is not re-told
    assert cm_mental_health.pk not in notified


def test_missing_items_give_no_total_and_are_named(enrolled: Client, cm_health: User) -> None:
    answers = dict(PHQ9_ITEM9)
    del answers["q3"]
    body = post(
        api(cm_health),
        f"/clients/{enrolled.pk}/assessments",
        {"instrument": "phq9", "answers": answers},
    ).json()
    assert body["total"] is None
    assert body["band"] is None
    assert body["missing"] == ["q3"]


def test_bad_answer_is_a_problem_naming_the_item(enrolled: Client, cm_health: User) -> None:
    response = post(
        api(cm_health),
        f"/clients/{enrolled.pk}/assessments",
        {"instrument": "phq9", "answers": {"q1": 9}},
    )
    assert response.status_code == 422
    assert "answers.q1" in response.content.decode()
    unknown = post(
        api(cm_health), f"/clients/{enrolled.pk}/assessments", {"instrument": "nope", "answers": {}}
    )
    assert unknown.status_code == 404
    assert not Assessment.objects.exists()


def test_scored_result_is_final_in_the_database(enrolled: Client, cm_health: User) -> None:
    from django.db import DatabaseError, transaction

    post(
        api(cm_health),
        f"/clients/{enrolled.pk}/assessments",
        {"instrument": "phq9", "answers": PHQ9_ITEM9},
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Assessment.objects.update(total=0)
    with pytest.raises(DatabaseError), transaction.atomic():
        Assessment.objects.all().delete()


def test_partner_and_other_program_get_the_same_404(
    enrolled: Client, cm_health: User, partner: User, cm_mental_health: User
) -> None:
    body = post(
        api(cm_health),
        f"/clients/{enrolled.pk}/assessments",
        {"instrument": "phq9", "answers": PHQ9_ITEM9},
    ).json()
    for outsider in (partner, cm_mental_health):
        http = api(outsider)
        assert http.get(f"/api/v1/assessments/{body['id']}").status_code == 404
        assert http.get("/api/v1/assessments/999999").status_code == 404
        assert http.get(f"/api/v1/clients/{enrolled.pk}/assessments").status_code == 404


def test_resolve_flag_needs_a_note_and_if_match(enrolled: Client, cm_health: User) -> None:
    http = api(cm_health)
    flag = post(
        http,
        f"/clients/{enrolled.pk}/risk-flags",
        {"label": "Facing eviction Friday", "severity": "moderate"},
    ).json()
    url = f"/risk-flags/{flag['id']}/resolve"
    assert post(http, url, {"note": "Paid"}).status_code == 422  # too short
    assert post(http, url, {"note": "Rent paid by the fund."}).status_code == 428
    done = post(http, url, {"note": "Rent paid by the fund."}, HTTP_IF_MATCH=f'"{flag["version"]}"')
    assert done.status_code == 200
    assert done.json()["resolved_at"]
    assert http.get(f"/api/v1/clients/{enrolled.pk}/risk-flags").json() == []
    assert (
        len(http.get(f"/api/v1/clients/{enrolled.pk}/risk-flags?include_resolved=true").json()) == 1
    )


def test_cli_agrees_with_the_api(enrolled: Client, cm_health: User) -> None:
    answers = {"los": 5, "acuity": "yes", "comorbidity": ["chf", "copd", "mi"], "ed_visits": 2}
    body = post(
        api(cm_health),
        f"/clients/{enrolled.pk}/assessments",
        {"instrument": "lace", "answers": answers},
    ).json()
    out = io.StringIO()
    call_command("instruments", "score", "lace", "--answers", json.dumps(answers), stdout=out)
    cli = json.loads(out.getvalue())
    assert (cli["total"], cli["band"], cli["missing"]) == (
        body["total"],
        body["band"],
        body["missing"],
    )
    assert (
        [f["code"] for f in cli["flags"]]
        == [f["code"] for f in body["flags"]]
        == ["readmission_risk"]
    )


def test_cli_lists_instruments(db: None) -> None:
    out = io.StringIO()
    call_command("instruments", "list", stdout=out)
    codes = {row["code"] for row in json.loads(out.getvalue())}
    assert {"phq9", "phq2", "gad7", "auditc", "cssrs", "lace", "hospital", "ahc-hrsn"} <= codes
    assert {"needs", "vocational", "discharge-needs"} <= codes


BROKEN = b"""code: mine
version: 1
name: Our intake screen
short_name: Ours
source: {citation: Riverside 2026}
licence: ours
items:
  - {id: q1, text: "Anything", options: nope}
  - {id: q2, text: "More", type: number, enable_when: [{item: q9, gt: 1}]}
"""


def test_broken_upload_is_refused_with_the_error_located(org_admin: User, agency: Any) -> None:
    http = api(org_admin)
    upload = SimpleUploadedFile("ours.yaml", BROKEN, content_type="application/yaml")
    response = http.post("/api/v1/instruments", {"organization_id": agency.pk, "file": upload})
    assert response.status_code == 422
    text = response.content.decode()
    assert "ours.yaml: items[0] (q1).options: no option set named 'nope'" in text
    assert "ours.yaml: items[1].enable_when: unknown items ['q9']" in text
    from casework.assessments.models import Instrument

    assert not Instrument.objects.filter(code="mine").exists()


def test_agency_version_overrides_and_pins_old_results(
    org_admin: User, agency: Any, enrolled: Client, cm_health: User
) -> None:
    """An agency's PHQ-2 with a cut-point of 2 scores new administrations; old ones keep v1."""
    http = api(cm_health)
    first = post(
        http,
        f"/clients/{enrolled.pk}/assessments",
        {"instrument": "phq2", "answers": {"q1": 1, "q2": 1}},
    ).json()
    assert first["band"]["code"] == "negative"
    text = (
        (__import__("casework.assessments.library", fromlist=["DATA_DIR"]).DATA_DIR / "phq2.yaml")
        .read_text()
        .replace("version: 1", "version: 2")
        .replace("min: 0, max: 2}", "min: 0, max: 1}")
        .replace("min: 3, max: 6}", "min: 2, max: 6}")
    )
    upload = SimpleUploadedFile("phq2-agency.yaml", text.encode(), content_type="application/yaml")
    made = api(org_admin).post(
        "/api/v1/instruments", {"organization_id": agency.pk, "file": upload}
    )
    assert made.status_code == 201, made.content
    second = post(
        http,
        f"/clients/{enrolled.pk}/assessments",
        {"instrument": "phq2", "answers": {"q1": 1, "q2": 1}},
    ).json()
    assert (second["instrument_version"], second["band"]["code"]) == (2, "positive")
    again = http.get(f"/api/v1/assessments/{first['id']}").json()
    assert (again["instrument_version"], again["band"]["code"]) == (1, "negative")


def test_case_manager_cannot_upload(cm_health: User, agency: Any) -> None:
    upload = SimpleUploadedFile("x.yaml", BROKEN, content_type="application/yaml")
    response = api(cm_health).post(
        "/api/v1/instruments", {"organization_id": agency.pk, "file": upload}
    )
    assert response.status_code == 403


def test_fhir_questionnaire_and_response_parse_as_r4b(enrolled: Client, cm_health: User) -> None:
    from fhir.resources.R4B.questionnaire import Questionnaire
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    http = api(cm_health)
    for code in ("phq9", "cssrs", "lace", "ahc-hrsn", "needs"):
        resource = http.get(f"/api/v1/instruments/{code}/fhir").json()
        parsed = Questionnaire.model_validate(resource)
        assert parsed.status in {"draft", "active", "retired", "unknown"}
    body = post(
        http, f"/clients/{enrolled.pk}/assessments", {"instrument": "phq9", "answers": PHQ9_ITEM9}
    ).json()
    response = http.get(f"/api/v1/assessments/{body['id']}/fhir").json()
    parsed_response = QuestionnaireResponse.model_validate(response)
    assert parsed_response.status in {
        "in-progress",
        "completed",
        "amended",
        "entered-in-error",
        "stopped",
    }
    assert response["item"][-1] == {
        "linkId": "total",
        "text": "Total score",
        "answer": [{"valueDecimal": 17.0}],
    }
    assert response["item"][0]["answer"][0]["valueCoding"]["code"] == "LA6570-1"


def _consent_to_partner(client: Client, cm: User, categories: list[str]) -> None:
    from casework.accounts.models import Organization
    from casework.clients import consent as consents

    consents.consent_record(
        actor=cm,
        client=client,
        data={
            "recipient_organization_id": Organization.objects.get(name="Lakeside Health").pk,
            "categories": categories,
            "purpose": "Care coordination",
            "signature_method": "typed",
            "signed_by_name": "Client",
        },
    )


def test_consent_recipient_reads_only_what_a_consent_covers_with_the_notice(
    enrolled: Client, cm_health: User, other_agency_admin: User
) -> None:
    """Another agency reached through a consent: only instruments whose categories the
    consent covers, each with the disclosure notice, accounted for; no flags, no writes."""
    from casework.audit.models import Disclosure

    http = api(cm_health)
    phq = post(
        http, f"/clients/{enrolled.pk}/assessments", {"instrument": "phq9", "answers": PHQ9_ITEM9}
    ).json()
    lace = post(
        http,
        f"/clients/{enrolled.pk}/assessments",
        {
            "instrument": "lace",
            "answers": {"los": 2, "acuity": "no", "comorbidity": ["none"], "ed_visits": 0},
        },
    ).json()
    _consent_to_partner(enrolled, cm_health, ["general"])
    reader = api(other_agency_admin)
    assert reader.get(f"/api/v1/assessments/{phq['id']}").status_code == 404  # mental health
    listed = reader.get(f"/api/v1/clients/{enrolled.pk}/assessments").json()
    assert [a["id"] for a in listed] == [lace["id"]]
    assert listed[0]["disclosure_notice"]["scopes"][0]["purpose"] == "Care coordination"
    assert reader.get(f"/api/v1/clients/{enrolled.pk}/risk-flags").status_code == 404
    _consent_to_partner(enrolled, cm_health, ["mental_health"])
    shown = reader.get(f"/api/v1/assessments/{phq['id']}")
    assert shown.status_code == 200
    assert shown.json()["disclosure_notice"]["intro"]
    assert Disclosure.objects.filter(what="assessment", client_id=enrolled.pk).exists()
    assert post(
        reader, f"/clients/{enrolled.pk}/assessments", {"instrument": "lace", "answers": {}}
    ).status_code in (403, 404)

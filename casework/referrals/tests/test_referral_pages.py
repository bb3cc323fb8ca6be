"""Referrals through the web: sending (consent-checked), the partner inbox and its limits,
acting from each side, messages."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from casework.accounts import services as accounts
from casework.accounts.models import Organization, Role
from casework.audit.models import AuditEvent
from casework.clients import consent as consents
from casework.clients.models import ConsentCategory
from casework.conftest import make_user
from casework.referrals.models import Referral, Status
from casework.referrals.tests.conftest import make_consent


def _as(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def _send(http, client, program, service, **extra):
    data = {
        "program": program.pk,
        "service": service.pk,
        "reason": "Needs groceries this week.",
        "urgency": "urgent",
        "need_category": "food-insecurity",
        "send": "on",
    } | extra
    return http.post(f"/clients/{client.pk}/referrals/new/", data)


def test_a_worker_sends_a_referral_covered_by_consent(
    cm_health, client_health, programs, food_service, partner_consent
) -> None:
    response = _send(_as(cm_health), client_health, programs["healthcare"], food_service)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.pk}/"
    assert referral.status == Status.REQUESTED
    assert referral.consent == partner_consent
    assert list(referral.history.values_list("to_status", flat=True)) == ["draft", "requested"]
    page = _as(cm_health).get(response["Location"])
    assert b"Weekly grocery pantry" in page.content


def test_without_a_consent_for_the_recipient_the_referral_is_refused_clearly(
    cm_health, client_health, programs, food_service
) -> None:
    response = _send(_as(cm_health), client_health, programs["healthcare"], food_service)
    assert response.status_code == 200
    assert b"No consent in force from this client lets you share" in response.content
    assert b"Needs groceries this week." in response.content  # what was typed is kept
    assert Referral.objects.count() == 0


def test_sharing_more_than_the_consent_releases_is_refused(
    cm_health, client_health, programs, food_service, partner_consent
) -> None:
    response = _send(
        _as(cm_health), client_health, programs["healthcare"], food_service,
        shared_categories=["mental_health"],
    )  # fmt: skip
    assert b"Mental health" in response.content
    assert b"No consent in force" in response.content
    assert Referral.objects.count() == 0


def test_a_case_manager_of_another_program_cannot_refer_the_client(
    cm_mental_health, client_health, programs, food_service, partner_consent
) -> None:
    response = _send(_as(cm_mental_health), client_health, programs["healthcare"], food_service)
    assert response.status_code == 404
    assert Referral.objects.count() == 0


def test_the_partner_sees_the_referral_with_only_consented_details(
    partner, referral, client_health
) -> None:
    inbox = _as(partner).get("/partner/")
    assert f"Referral {referral.pk}".encode() in inbox.content
    assert client_health.family_name.encode() not in inbox.content  # no names in the list
    page = _as(partner).get(f"/partner/referrals/{referral.pk}/")
    assert page.status_code == 200
    assert client_health.family_name.encode() in page.content
    assert b"Referral for food assistance" in page.content  # the consent's scope
    assert b"42 CFR part 2" not in page.content  # nothing of Part 2 was shared


def test_part2_information_travels_with_its_notice(
    cm_health, client_health, programs, food_service, partner_org, partner
) -> None:
    make_consent(
        client_health, cm_health, partner_org,
        [ConsentCategory.GENERAL, ConsentCategory.SUBSTANCE_USE],
    )  # fmt: skip
    _send(
        _as(cm_health), client_health, programs["healthcare"], food_service,
        shared_categories=["substance_use"],
    )  # fmt: skip
    referral = Referral.objects.get()
    page = _as(partner).get(f"/partner/referrals/{referral.pk}/")
    assert b"42 CFR part 2" in page.content
    assert b"Substance use disorder" in page.content


def test_after_the_consent_is_revoked_the_partner_sees_no_client_details(
    partner, referral, client_health, cm_health, partner_consent
) -> None:
    consents.consent_revoke(actor=cm_health, consent=partner_consent, reason="Client asked")
    page = _as(partner).get(f"/partner/referrals/{referral.pk}/")
    assert page.status_code == 200
    assert b"withheld" in page.content
    assert client_health.family_name.encode() not in page.content


def test_the_partner_accepts_schedules_messages_and_completes(partner, referral, cm_health) -> None:
    http = _as(partner)
    url = f"/referrals/{referral.pk}"
    http.post(f"{url}/status/", {"to": "accepted", "version": 2})
    http.post(f"{url}/schedule/", {"when": "2030-01-07T10:00"})
    http.post(f"{url}/messages/", {"body": "Booked for Monday."})
    http.post(
        f"{url}/status/",
        {"to": "completed", "version": 4, "service_delivered": "true", "enrolled": "false",
         "outcome_note": "Groceries given."},
    )  # fmt: skip
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED
    assert (referral.service_delivered, referral.enrolled) == (True, False)
    assert referral.scheduled_for is not None
    assert referral.messages.get().side == "receiver"
    assert AuditEvent.objects.filter(target_type="referral_message").exists()
    page = _as(cm_health).get(f"{url}/")
    assert b"Groceries given." in page.content
    assert b"Booked for Monday." in page.content


def test_the_referring_side_cannot_accept_its_own_referral(cm_health, referral) -> None:
    response = _as(cm_health).post(
        f"/referrals/{referral.pk}/status/", {"to": "accepted", "version": referral.version}
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == Status.REQUESTED


def test_a_stale_version_does_not_overwrite(partner, referral) -> None:
    response = _as(partner).post(
        f"/referrals/{referral.pk}/status/", {"to": "accepted", "version": 1}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.REQUESTED


@pytest.fixture
def other_partner(db) -> object:
    org = accounts.organization_create(
        actor=None, name="Bayview Shelter", kind=Organization.Kind.PARTNER
    )
    user = make_user("partner@bayview.example.org")
    accounts.membership_grant(actor=None, user=user, role=Role.PARTNER, organization=org)
    return user


def test_another_partner_gets_the_same_404_as_for_a_missing_referral(
    other_partner, referral, client_health
) -> None:
    http = _as(other_partner)
    for url in (
        f"/partner/referrals/{referral.pk}/",
        f"/referrals/{referral.pk}/",
        "/partner/referrals/999999/",
    ):
        assert http.get(url).status_code == 404, url
    for action, body in (("status", {"to": "accepted", "version": 2}), ("messages", {"body": "x"})):
        assert http.post(f"/referrals/{referral.pk}/{action}/", body).status_code == 404
    assert f"Referral {referral.pk}".encode() not in http.get("/partner/").content


def test_a_partner_sees_nothing_else_of_casework(partner, referral, client_health) -> None:
    http = _as(partner)
    assert http.get(f"/clients/{client_health.pk}/").status_code == 404
    assert http.get(f"/referrals/{referral.pk}/").status_code == 404  # the agency's page
    assert http.get("/directory/").status_code == 404
    assert client_health.family_name.encode() not in http.get("/clients/").content


def test_drafts_are_not_shown_to_the_receiving_side(
    cm_health, client_health, programs, food_service, partner_consent, partner
) -> None:
    _send(_as(cm_health), client_health, programs["healthcare"], food_service, send="")
    referral = Referral.objects.get()
    assert referral.status == Status.DRAFT
    assert _as(partner).get(f"/partner/referrals/{referral.pk}/").status_code == 404


def test_an_internal_referral_uses_the_same_lifecycle(
    cm_health, client_health, programs, agency, cm_mental_health
) -> None:
    make_consent(client_health, cm_health, agency, [ConsentCategory.GENERAL])
    response = _as(cm_health).post(
        f"/clients/{client_health.pk}/referrals/new/",
        {"program": programs["healthcare"].pk, "recipient_program": programs["mental_health"].pk,
         "reason": "Counselling after discharge.", "urgency": "routine", "send": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    referral = Referral.objects.get()
    assert referral.is_internal
    http = _as(cm_mental_health)
    assert http.get(f"/partner/referrals/{referral.pk}/").status_code == 200
    http.post(f"/referrals/{referral.pk}/status/", {"to": "accepted", "version": 2})
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


def test_each_partner_view_of_client_details_is_accounted_for(partner, referral) -> None:
    from casework.audit.models import Disclosure

    _as(partner).get(f"/partner/referrals/{referral.pk}/")
    (disclosure,) = Disclosure.objects.filter(client_id=referral.client_id)
    assert disclosure.recipient == partner
    assert disclosure.basis == "consent"
    assert disclosure.consent_ids == [referral.consent_id]
    assert disclosure.categories == ["general"]


def test_attachments_reach_both_sides_and_stop_with_the_consent(
    cm_health, client_health, programs, food_service, partner_consent, partner, other_partner
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    letter = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    _send(_as(cm_health), client_health, programs["healthcare"], food_service, attachment=letter)
    referral = Referral.objects.get()
    attachment = referral.attachments.get()
    url = f"/referrals/{referral.pk}/attachments/{attachment.pk}/"
    assert _as(partner).get(url).status_code == 200
    assert _as(cm_health).get(url).status_code == 200
    assert _as(other_partner).get(url).status_code == 404
    assert AuditEvent.objects.filter(target_type="referral_attachment").count() == 2
    consents.consent_revoke(actor=cm_health, consent=partner_consent, reason="Client asked")
    assert _as(partner).get(url).status_code == 404

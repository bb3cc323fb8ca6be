"""Consent, emergency access and confidential addresses through the web UI (issue 3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.utils import timezone

from casework.accounts import services as accounts
from casework.accounts.models import Role
from casework.audit.models import AuditAction, AuditEvent
from casework.clients import record_services
from casework.clients.models import BreakGlassAccess, Client, Consent
from casework.notifications.models import Notification
from casework.web.tests.helpers import signed_in, text

SIGNATURE = "M10 10 L50 60 L90 20"


@pytest.fixture
def lakeside_cm(other_agency_admin):
    org = other_agency_admin.memberships.get().organization
    program = accounts.program_create(
        actor=None, organization=org, name="Lakeside Primary Care", practice_area="healthcare"
    )
    user = accounts.user_create(actor=None, email="cm@lakeside.example.org", full_name="Lake CM")
    accounts.membership_grant(actor=None, user=user, role=Role.CASE_MANAGER, program=program)
    return user


@pytest.fixture
def cm(client_health, cm_health):
    return signed_in(HttpClient(), cm_health)


@pytest.fixture
def lake(lakeside_cm):
    return signed_in(HttpClient(), lakeside_cm)


def consent_post(recipient_org_id, **overrides):
    today = timezone.localdate().isoformat()
    data = {
        "recipient_organization": recipient_org_id,
        "categories": ["general"],
        "purpose": "care coordination",
        "kind": "single_purpose",
        "effective_date": today,
        "signature_method": "typed",
        "signed_by_name": "Dolores Abernathy",
        "signed_on": today,
    }
    return data | overrides


def lakeside_org_id(user):
    return user.memberships.get().program.organization_id


def add_disabilities(client, actor):
    for kind in (5, 10):  # physical; substance use disorder (Part 2)
        record_services.record_part_add(
            actor=actor, client=client, part="disabilities", data={"disability_type": kind}
        )


def test_second_organization_cannot_see_the_client_without_consent(lake, client_health):
    assert lake.get(f"/clients/{client_health.pk}/").status_code == 404
    listing = text(lake.get("/clients/?q=aber"))
    assert "Abernathy" not in listing


def test_consent_opens_the_client_with_only_its_categories(
    cm, lake, client_health, cm_health, lakeside_cm
):
    add_disabilities(client_health, cm_health)
    url = f"/clients/{client_health.pk}/consents/new/"
    response = cm.post(url, consent_post(lakeside_org_id(lakeside_cm)))
    assert response.status_code == 302, text(response)
    assert lake.get(f"/clients/{client_health.pk}/").status_code == 200
    assert "Abernathy" in text(lake.get("/clients/?q=aber"))
    disabilities = text(lake.get(f"/clients/{client_health.pk}/record/disabilities/"))
    assert "Physical disability" in disabilities
    assert "Substance use disorder" not in disabilities
    # Consent pages and history are for the client's own staff, not recipients.
    assert lake.get(f"/clients/{client_health.pk}/consents/").status_code == 404
    assert lake.get(f"/clients/{client_health.pk}/history/").status_code == 404


def test_part2_consent_releases_substance_use(cm, lake, client_health, cm_health, lakeside_cm):
    add_disabilities(client_health, cm_health)
    data = consent_post(
        lakeside_org_id(lakeside_cm),
        categories=["general", "substance_use"],
        information_description="SUD diagnosis and treatment dates",
        expiry_trigger="treatment_ended",
        revocation_right_acknowledged="on",
    )
    assert cm.post(f"/clients/{client_health.pk}/consents/new/", data).status_code == 302
    consent = Consent.objects.get()
    assert "42 CFR part 2" in consent.redisclosure_notice
    disabilities = text(lake.get(f"/clients/{client_health.pk}/record/disabilities/"))
    assert "Substance use disorder" in disabilities


def test_part2_consent_without_its_elements_is_refused_field_by_field(
    cm, client_health, lakeside_cm
):
    data = consent_post(lakeside_org_id(lakeside_cm), categories=["substance_use"])
    response = cm.post(f"/clients/{client_health.pk}/consents/new/", data)
    assert response.status_code == 422
    body = text(response)
    assert "specific description" in body
    assert "right to revoke" in body
    assert "expiry date or event" in body
    assert 'value="care coordination"' in body
    assert not Consent.objects.exists()


def test_the_form_shows_the_redisclosure_notice(cm, client_health):
    body = text(cm.get(f"/clients/{client_health.pk}/consents/new/"))
    assert "42 CFR part 2" in body
    assert "Substance use disorder (42 CFR Part 2)" in body
    assert "record/signature.js" in body


def test_revoking_ends_access_at_once(cm, lake, client_health, lakeside_cm):
    cm.post(
        f"/clients/{client_health.pk}/consents/new/", consent_post(lakeside_org_id(lakeside_cm))
    )
    consent = Consent.objects.get()
    assert lake.get(f"/clients/{client_health.pk}/").status_code == 200
    assert "Reason for revoking" in text(cm.get(f"/clients/{client_health.pk}/consents/"))
    refused = cm.post(f"/consents/{consent.pk}/revoke/", {"reason": ""})
    assert refused.status_code == 302
    assert Consent.objects.get().revoked_at is None
    cm.post(f"/consents/{consent.pk}/revoke/", {"reason": "client asked in writing"})
    assert lake.get(f"/clients/{client_health.pk}/").status_code == 404
    listing = text(cm.get(f"/clients/{client_health.pk}/consents/"))
    assert "revoked" in listing
    assert "client asked in writing" in listing


def test_recipient_cannot_revoke(lake, cm, client_health, lakeside_cm):
    cm.post(
        f"/clients/{client_health.pk}/consents/new/", consent_post(lakeside_org_id(lakeside_cm))
    )
    consent = Consent.objects.get()
    assert lake.post(f"/consents/{consent.pk}/revoke/", {"reason": "x"}).status_code == 403
    assert Consent.objects.get().revoked_at is None


def test_an_expired_consent_gives_no_access(cm, lake, client_health, lakeside_cm):
    today = timezone.localdate()
    data = consent_post(
        lakeside_org_id(lakeside_cm),
        effective_date=(today - timedelta(days=30)).isoformat(),
        expiry_date=(today - timedelta(days=1)).isoformat(),
        signed_on=(today - timedelta(days=30)).isoformat(),
    )
    assert cm.post(f"/clients/{client_health.pk}/consents/new/", data).status_code == 302
    assert lake.get(f"/clients/{client_health.pk}/").status_code == 404
    listing = text(cm.get(f"/clients/{client_health.pk}/consents/"))
    assert "expired" in listing
    # Nothing left to revoke: the form is offered only while the consent is or will be in force.
    assert "Reason for revoking" not in listing


def test_consent_expiring_within_30_days_shows_a_banner(cm, client_health, lakeside_cm):
    soon = (timezone.localdate() + timedelta(days=10)).isoformat()
    data = consent_post(lakeside_org_id(lakeside_cm), expiry_date=soon)
    cm.post(f"/clients/{client_health.pk}/consents/new/", data)
    for path in ("consents/", "sections/"):
        assert "expires on" in text(cm.get(f"/clients/{client_health.pk}/{path}"))


def test_drawn_signature_is_required_and_stored(cm, client_health, lakeside_cm):
    url = f"/clients/{client_health.pk}/consents/new/"
    data = consent_post(lakeside_org_id(lakeside_cm), signature_method="drawn")
    missing = cm.post(url, data)
    assert missing.status_code == 422
    assert "Draw the signature" in text(missing)
    unsafe = cm.post(url, data | {"signature_image": "<script>alert(1)</script>"})
    assert unsafe.status_code == 422
    assert cm.post(url, data | {"signature_image": SIGNATURE}).status_code == 302
    assert Consent.objects.get().signature_image == SIGNATURE
    assert f'd="{SIGNATURE}"' in text(cm.get(f"/clients/{client_health.pk}/consents/"))


def test_uploaded_form_is_stored_and_downloadable_only_by_the_care_staff(
    cm, lake, client_health, lakeside_cm, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("Dolores signed.pdf", b"%PDF-1.4 signed", "application/pdf")
    data = consent_post(lakeside_org_id(lakeside_cm), signature_method="uploaded")
    response = cm.post(f"/clients/{client_health.pk}/consents/new/", data | {"signed_form": pdf})
    assert response.status_code == 302, text(response)
    consent = Consent.objects.get()
    assert "Dolores" not in consent.signed_form.name
    download = cm.get(f"/consents/{consent.pk}/signed-form/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"
    assert AuditEvent.objects.filter(target_type="consent_form").exists()
    assert lake.get(f"/consents/{consent.pk}/signed-form/").status_code == 404


def test_upload_of_the_wrong_type_or_size_is_refused(cm, client_health, lakeside_cm, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    url = f"/clients/{client_health.pk}/consents/new/"
    data = consent_post(lakeside_org_id(lakeside_cm), signature_method="uploaded")
    exe = SimpleUploadedFile("form.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    wrong = cm.post(url, data | {"signed_form": exe})
    assert wrong.status_code == 422
    assert "PDF, PNG or JPEG" in text(wrong)
    big = SimpleUploadedFile("form.pdf", b"%PDF-" + b"0" * 5000, "application/pdf")
    too_big = cm.post(url, data | {"signed_form": big})
    assert too_big.status_code == 422
    assert "too large" in text(too_big)
    assert not Consent.objects.exists()


# --- Confidential address ---------------------------------------------------------------


@pytest.fixture
def colleague(programs):
    from casework.conftest import make_user

    user = make_user("cm2.healthcare@example.org")
    accounts.membership_grant(
        actor=None, user=user, role=Role.CASE_MANAGER, program=programs["healthcare"]
    )
    return user


def test_confidential_address_is_hidden_outside_the_care_team(cm, client_health, colleague):
    from casework.clients.record_services import record_part_add

    Client.objects.filter(pk=client_health.pk).update(
        address_confidential=True, address_line1="77 Safe House Rd"
    )
    address = {"line1": "77 Safe House Rd", "city": "Albany", "state": "NY"}
    record_part_add(actor=None, client=client_health, part="addresses", data=address)
    assert "77 Safe House Rd" in text(cm.get(f"/clients/{client_health.pk}/"))
    other = signed_in(HttpClient(), colleague)
    for path in (f"/clients/{client_health.pk}/", "/clients/?q=aber"):
        page = text(other.get(path))
        assert "Abernathy" in page
        assert "77 Safe House Rd" not in page


# --- Emergency access -----------------------------------------------------------------------


def test_emergency_access_is_refused_without_a_reason(client_health, cm_mental_health):
    http = signed_in(HttpClient(), cm_mental_health)
    response = http.post("/emergency-access/", {"client_id": client_health.pk, "reason": ""})
    assert response.status_code == 422
    assert "access is refused without a reason" in text(response)
    short = http.post("/emergency-access/", {"client_id": client_health.pk, "reason": "urgent"})
    assert "at least 15 characters" in text(short)
    assert not BreakGlassAccess.objects.exists()
    assert http.get(f"/clients/{client_health.pk}/").status_code == 404


def test_emergency_access_opens_for_a_limited_time_and_alerts_supervisors(
    client_health, cm_mental_health, sup_health
):
    http = signed_in(HttpClient(), cm_mental_health)
    assert http.get(f"/clients/{client_health.pk}/").status_code == 404
    reason = "Client collapsed in our lobby; need allergies"
    response = http.post(
        "/emergency-access/", {"client_id": client_health.pk, "reason": reason}, follow=True
    )
    assert response.status_code == 200
    assert "Emergency access until" in text(response)
    assert text(http.get(f"/clients/{client_health.pk}/sections/")).count("Emergency access") >= 1
    alert = Notification.objects.get(recipient=sup_health)
    assert reason in alert.body
    assert AuditEvent.objects.filter(target_type="break_glass", details__reason=reason).exists()
    BreakGlassAccess.objects.update(
        opened_at=timezone.now() - timedelta(hours=2),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    assert http.get(f"/clients/{client_health.pk}/").status_code == 404


def test_emergency_access_shows_the_ssn_masked_and_refuses_the_reveal(
    client_health, cm_health, cm_mental_health
):
    from casework.clients import consent as consents

    consents.client_set_ssn(
        actor=cm_health, client=client_health, ssn="123-45-6789", expected_version=1
    )
    http = signed_in(HttpClient(), cm_mental_health)
    reason = "Client collapsed in our lobby; need allergies"
    http.post("/emergency-access/", {"client_id": client_health.pk, "reason": reason})
    assert "***-**-6789" in text(http.get(f"/clients/{client_health.pk}/sections/"))
    refused = http.post(f"/clients/{client_health.pk}/ssn/reveal/")
    assert refused.status_code == 403
    assert "6789" not in refused.content.decode().replace("***-**-6789", "")
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


def test_emergency_access_is_never_across_organizations(client_health, lakeside_cm):
    http = signed_in(HttpClient(), lakeside_cm)
    reason = "Client collapsed in our lobby; need allergies"
    response = http.post("/emergency-access/", {"client_id": client_health.pk, "reason": reason})
    assert response.status_code == 422
    assert "No client with this ID" in text(response)
    assert not BreakGlassAccess.objects.exists()


def test_emergency_search_shows_only_name_and_birth_date_and_is_audited(
    client_health, cm_mental_health
):
    http = signed_in(HttpClient(), cm_mental_health)
    page = text(http.get("/emergency-access/?q=aber"))
    assert "Dolores Abernathy" in page
    assert "Apr 12, 1961" in page
    assert "555-0100" not in page
    assert AuditEvent.objects.filter(
        action=AuditAction.SEARCH, target_type="emergency_access_search"
    ).exists()


def test_partners_have_no_emergency_access_page(partner):
    http = signed_in(HttpClient(), partner)
    assert http.get("/emergency-access/").status_code == 404


def test_client_404_page_is_the_same_for_hidden_and_missing_clients(
    client_health, cm_mental_health
):
    """No leak and no per-client offer: emergency access is a separate page."""
    http = signed_in(HttpClient(), cm_mental_health)

    def main(response):
        body = text(response)
        return body[body.index("<main") : body.index("</main>")]

    hidden = http.get(f"/clients/{client_health.pk}/")
    missing = http.get("/clients/999999999/")
    assert hidden.status_code == missing.status_code == 404
    assert main(hidden) == main(missing)
    assert "Abernathy" not in text(hidden)
    assert f"client={client_health.pk}" not in text(hidden)

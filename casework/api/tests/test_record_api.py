"""The client record API (issue 3): parts, profile, SSN, consent, emergency access,
duplicates and merges, the enrollment lifecycle; with the same ETag and problem+json rules."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework.accounts import services as accounts
from casework.accounts.models import Role
from casework.api.tests.helpers import assert_problem
from casework.audit.models import AuditAction, AuditEvent
from casework.clients import record_services
from casework.clients.merge import duplicate_candidates_record
from casework.clients.models import (
    BreakGlassAccess,
    Client,
    ClientIdentifier,
    Consent,
    DuplicateCandidate,
    Enrollment,
)
from casework.notifications.models import Notification

TYPED = {"signature_method": "typed", "signed_by_name": "Dolores Abernathy"}


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
def cm(api_as, cm_health, client_health):
    return api_as(cm_health)


def lakeside_org(user):
    return user.memberships.get().program.organization_id


def base(client):
    return f"clients/{client.pk}"


# --- Parts ------------------------------------------------------------------------------------


def test_add_list_read_and_change_a_part_with_etags(cm, client_health):
    created = cm.post(
        f"{base(client_health)}/identifiers", {"kind": "medicaid", "issuer": "NY", "value": "AB1"}
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert created["ETag"] == '"1"'
    assert created["Location"].endswith(f"/identifiers/{item['id']}")
    listed = cm.get(f"{base(client_health)}/identifiers")
    assert [row["value"] for row in listed.json()] == ["AB1"]
    url = f"{base(client_health)}/identifiers/{item['id']}"
    assert cm.get(url)["ETag"] == '"1"'
    assert_problem(cm.patch(url, {"value": "AB2"}), 428)
    changed = cm.patch(url, {"value": "AB2"}, HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200
    assert changed.json()["value"] == "AB2"
    assert_problem(cm.patch(url, {"value": "AB3"}, HTTP_IF_MATCH='"1"'), 412)


def test_part_input_is_checked(cm, client_health):
    url = f"{base(client_health)}/household"
    future = cm.post(url, {"given_name": "Kid", "relationship": 2, "date_of_birth": "2999-01-01"})
    body = assert_problem(future, 422)
    assert body["errors"][0]["field"] == "date_of_birth"
    impossible = cm.post(
        url, {"given_name": "Kid", "relationship": 2, "date_of_birth": "2026-02-30"}
    )
    assert_problem(impossible, 422)
    unknown = cm.post(url, {"given_name": "Kid", "relationship": 2, "shoe_size": 9})
    assert_problem(unknown, 422)
    bad_code = cm.post(url, {"given_name": "Kid", "relationship": 42})
    assert_problem(bad_code, 422)
    assert not client_health.household.exists()


def test_other_program_gets_404_for_parts(api_as, cm_mental_health, client_health):
    other = api_as(cm_mental_health)
    assert_problem(other.get(f"{base(client_health)}/names"), 404)
    denied = other.post(f"{base(client_health)}/names", {"given_name": "X", "family_name": "Y"})
    assert_problem(denied, 404)


def test_confidential_address_is_hidden_from_the_api_outside_the_care_team(
    api_as, cm, client_health, programs
):
    from casework.conftest import make_user

    cm.post(
        f"{base(client_health)}/addresses",
        {"use": "current", "line1": "77 Safe House Rd", "city": "Troy", "state": "NY"},
    )
    address_id = client_health.addresses.get().pk
    cm.patch(
        f"{base(client_health)}/profile",
        {"address_confidential": True},
        HTTP_IF_MATCH=f'"{Client.objects.get(pk=client_health.pk).version}"',
    )
    Client.objects.filter(pk=client_health.pk).update(address_line1="77 Safe House Rd")
    colleague = make_user("cm2.healthcare@example.org")
    accounts.membership_grant(
        actor=None, user=colleague, role=Role.CASE_MANAGER, program=programs["healthcare"]
    )
    other = api_as(colleague)
    for path in (
        f"{base(client_health)}/addresses",
        f"{base(client_health)}",
        "clients?q=aber",
    ):
        response = other.get(path)
        assert response.status_code == 200
        assert "77 Safe House Rd" not in response.content.decode()
    assert_problem(other.get(f"{base(client_health)}/addresses/{address_id}"), 404)
    assert "77 Safe House Rd" in cm.get(f"{base(client_health)}/addresses").content.decode()


# --- Profile and SSN --------------------------------------------------------------------------


def test_profile_patch_needs_if_match_and_checks_codes(cm, client_health):
    url = f"{base(client_health)}/profile"
    assert_problem(cm.patch(url, {"pronouns": "she/her"}), 428)
    bad = cm.patch(url, {"race_ethnicity": ["Martian"]}, HTTP_IF_MATCH='"1"')
    assert_problem(bad, 422)
    ok = cm.patch(
        url,
        {"pronouns": "she/her", "race_ethnicity": ["Asian"], "veteran_status": 1},
        HTTP_IF_MATCH='"1"',
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["race_ethnicity"] == ["Asian"]
    assert ok["ETag"] == '"2"'


def test_ssn_set_masked_and_reveal_audited(cm, client_health):
    url = f"{base(client_health)}/ssn"
    bad = cm.post(url, {"ssn": "000-12-3456"}, HTTP_IF_MATCH='"1"')
    assert assert_problem(bad, 422)["errors"][0]["field"] == "ssn"
    short = cm.post(url, {"ssn": "12345"}, HTTP_IF_MATCH='"1"')
    assert_problem(short, 422)
    ok = cm.post(url, {"ssn": "234-56-7891"}, HTTP_IF_MATCH='"1"')
    assert ok.json()["ssn_masked"] == "***-**-7891"
    assert "234567891" not in ok.content.decode()
    shown = cm.post(f"{url}/reveal")
    assert shown.json() == {"ssn": "234-56-7891"}
    assert AuditEvent.objects.filter(action=AuditAction.REVEAL).count() == 1


def test_consent_recipient_cannot_reveal_the_ssn(api_as, cm, client_health, lakeside_cm):
    cm.post(f"{base(client_health)}/ssn", {"ssn": "234567891"}, HTTP_IF_MATCH='"1"')
    cm.post(
        f"{base(client_health)}/consents",
        {"recipient_organization_id": lakeside_org(lakeside_cm), "categories": ["general"]}
        | {"purpose": "care"}
        | TYPED,
    )
    lake = api_as(lakeside_cm)
    assert lake.get(base(client_health)).status_code == 200
    assert_problem(lake.post(f"{base(client_health)}/ssn/reveal"), 404)
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


# --- Consent ----------------------------------------------------------------------------------


def test_consent_gives_a_second_organization_only_its_categories_until_revoked(
    api_as, cm, cm_health, client_health, lakeside_cm
):
    for kind in (5, 9, 10):  # physical; mental health; substance use (Part 2)
        record_services.record_part_add(
            actor=cm_health,
            client=client_health,
            part="disabilities",
            data={"disability_type": kind},
        )
    lake = api_as(lakeside_cm)
    assert_problem(lake.get(base(client_health)), 404)
    assert lake.get("clients?q=aber").json()["count"] == 0
    created = cm.post(
        f"{base(client_health)}/consents",
        {
            "recipient_organization_id": lakeside_org(lakeside_cm),
            "categories": ["general", "mental_health"],
            "purpose": "care coordination",
        }
        | TYPED,
    )
    assert created.status_code == 201, created.content
    assert lake.get(base(client_health)).json()["access_basis"] == "consent"
    assert lake.get("clients?q=aber").json()["count"] == 1
    types = {d["disability_type"] for d in lake.get(f"{base(client_health)}/disabilities").json()}
    assert types == {5, 9}
    sud = client_health.disabilities.get(disability_type=10)
    assert_problem(lake.get(f"{base(client_health)}/disabilities/{sud.pk}"), 404)
    consent_id = created.json()["id"]
    assert_problem(lake.post(f"consents/{consent_id}/revoke", {"reason": "x"}), 403)
    revoked = cm.post(f"consents/{consent_id}/revoke", {"reason": "client withdrew"})
    assert revoked.json()["revoked_at"] is not None
    assert_problem(lake.get(base(client_health)), 404)
    assert_problem(lake.get(f"{base(client_health)}/disabilities"), 404)


def _upload_consent(api, client, signed_form, **fields):
    """POST the multipart consent operation with the caller's token."""
    data = {
        "recipient_name": "Lakeside Housing Partners",
        "categories": ["general", "mental_health"],
        "purpose": "housing application",
        "signed_by_name": "Dolores Abernathy",
        "revocation_right_acknowledged": "true",
    } | fields
    if signed_form is not None:
        data["signed_form"] = signed_form
    return api.client.post(f"/api/v1/{base(client)}/consents/signed-form", data, **api.headers)


def test_consent_with_an_uploaded_signed_form_through_the_api(
    api_as, cm, client_health, lakeside_cm
):
    pdf = SimpleUploadedFile("Dolores signed.pdf", b"%PDF-1.4 signed by Dolores", "text/plain")
    created = _upload_consent(cm, client_health, pdf)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["signature_method"] == "uploaded"
    assert body["has_signed_form"] is True
    assert body["categories"] == ["general", "mental_health"]
    assert created["ETag"] == '"1"'
    stored = Consent.objects.get(pk=body["id"])
    assert "Dolores" not in stored.signed_form.name
    assert stored.signed_form.name.endswith(".pdf")

    download = cm.get(f"consents/{body['id']}/signed-form")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed by Dolores"
    assert "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, target_type="consent_form", target_id=str(body["id"])
    ).exists()
    # A consent recipient reads what the consent releases, never the form itself.
    _upload_consent(
        cm,
        client_health,
        SimpleUploadedFile("b.pdf", b"%PDF-1.4", "application/pdf"),
        recipient_organization_id=str(lakeside_org(lakeside_cm)),
        recipient_name="",
    )
    assert_problem(api_as(lakeside_cm).get(f"consents/{body['id']}/signed-form"), 404)


def test_uploaded_consent_form_is_checked_by_its_content(cm, client_health):
    exe = SimpleUploadedFile("form.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    wrong = assert_problem(_upload_consent(cm, client_health, exe), 422)
    assert wrong["errors"][0]["field"] == "signed_form"
    missing = assert_problem(_upload_consent(cm, client_health, None), 422)
    assert "signed_form" in {e["field"] for e in missing["errors"]}
    no_category = SimpleUploadedFile("f.pdf", b"%PDF-1.4", "application/pdf")
    empty = assert_problem(_upload_consent(cm, client_health, no_category, categories=[]), 422)
    assert "categories" in {e["field"] for e in empty["errors"]}
    assert not Consent.objects.exists()


def test_typed_consent_has_no_signed_form_to_download(cm, client_health):
    created = cm.post(
        f"{base(client_health)}/consents",
        {"recipient_name": "Shelter", "categories": ["general"], "purpose": "beds"} | TYPED,
    )
    assert_problem(cm.get(f"consents/{created.json()['id']}/signed-form"), 404)


def test_expired_consent_gives_no_access(api_as, cm, client_health, lakeside_cm):
    today = timezone.localdate()
    cm.post(
        f"{base(client_health)}/consents",
        {
            "recipient_organization_id": lakeside_org(lakeside_cm),
            "categories": ["general"],
            "purpose": "care",
            "effective_date": (today - timedelta(days=20)).isoformat(),
            "expiry_date": (today - timedelta(days=1)).isoformat(),
            "signed_on": (today - timedelta(days=20)).isoformat(),
        }
        | TYPED,
    )
    assert Consent.objects.count() == 1
    assert_problem(api_as(lakeside_cm).get(base(client_health)), 404)


def test_part2_consent_requires_its_elements(cm, client_health, lakeside_cm):
    body = {
        "recipient_organization_id": lakeside_org(lakeside_cm),
        "categories": ["substance_use"],
        "purpose": "treatment",
    } | TYPED
    problem = assert_problem(cm.post(f"{base(client_health)}/consents", body), 422)
    fields = {e["field"] for e in problem["errors"]}
    assert {"information_description", "expiry_date", "revocation_right_acknowledged"} <= fields
    ok = cm.post(
        f"{base(client_health)}/consents",
        body
        | {
            "information_description": "SUD treatment dates",
            "expiry_trigger": "treatment_ended",
            "revocation_right_acknowledged": True,
        },
    )
    assert ok.status_code == 201
    assert "42 CFR part 2" in ok.json()["redisclosure_notice"]


def test_drawn_signature_must_be_a_plain_path(cm, client_health, lakeside_cm):
    body = {
        "recipient_organization_id": lakeside_org(lakeside_cm),
        "categories": ["general"],
        "purpose": "care",
        "signature_method": "drawn",
        "signed_by_name": "D A",
    }
    assert_problem(cm.post(f"{base(client_health)}/consents", body), 422)
    evil = body | {"signature_image": '"/><script>alert(1)</script>'}
    assert_problem(cm.post(f"{base(client_health)}/consents", evil), 422)
    ok = cm.post(f"{base(client_health)}/consents", body | {"signature_image": "M1 1 L2 2"})
    assert ok.json()["has_drawn_signature"] is True


# --- Emergency access -------------------------------------------------------------------------


def test_emergency_access_needs_a_reason_and_is_time_limited(
    api_as, cm_mental_health, client_health, sup_health
):
    other = api_as(cm_mental_health)
    refused = other.post("emergency-access", {"client_id": client_health.pk, "reason": ""})
    assert assert_problem(refused, 422)["errors"][0]["field"] == "reason"
    assert_problem(other.get(base(client_health)), 404)
    reason = "Unconscious in the lobby; need medication list"
    opened = other.post(
        "emergency-access", {"client_id": client_health.pk, "reason": reason, "minutes": 30}
    )
    assert opened.status_code == 201
    assert other.get(base(client_health)).json()["access_basis"] == "break_glass"
    assert Notification.objects.filter(recipient=sup_health, kind="break_glass").exists()
    BreakGlassAccess.objects.update(
        opened_at=timezone.now() - timedelta(hours=1),
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    assert_problem(other.get(base(client_health)), 404)


def test_emergency_access_does_not_reveal_the_ssn(api_as, cm, cm_mental_health, client_health):
    cm.post(f"{base(client_health)}/ssn", {"ssn": "234567891"}, HTTP_IF_MATCH='"1"')
    other = api_as(cm_mental_health)
    reason = "Unconscious in the lobby; need medication list"
    other.post("emergency-access", {"client_id": client_health.pk, "reason": reason})
    assert other.get(base(client_health)).json()["access_basis"] == "break_glass"
    problem = assert_problem(other.post(f"{base(client_health)}/ssn/reveal"), 403)
    assert "Emergency access" in problem["detail"]
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


def test_emergency_access_never_crosses_organizations(api_as, lakeside_cm, client_health):
    lake = api_as(lakeside_cm)
    reason = "Unconscious in the lobby; need medication list"
    assert_problem(
        lake.post("emergency-access", {"client_id": client_health.pk, "reason": reason}), 404
    )
    assert not BreakGlassAccess.objects.exists()


# --- Duplicates and merges --------------------------------------------------------------------


@pytest.fixture
def twins(cm_health, org_admin, make_client):
    first = make_client(
        actor=cm_health,
        given_name="Robert",
        family_name="Ford",
        date_of_birth=datetime.date(1950, 3, 1),
    )
    second = make_client(
        "mental_health",
        actor=org_admin,
        given_name="Bob",
        family_name="Ford",
        date_of_birth=datetime.date(1950, 3, 1),
    )
    record_services.record_part_add(
        actor=cm_health,
        client=first,
        part="identifiers",
        data={"kind": "mrn", "issuer": "Mercy", "value": "MRN-77"},
    )
    duplicate_candidates_record(
        organization_id=first.organization_id,
        pairs=[(first.pk, second.pk, 0.9, ["date of birth matches"])],
    )
    return first, second


def test_merge_and_undo_through_the_api(api_as, org_admin, twins):
    first, second = twins
    admin = api_as(org_admin)
    queue = admin.get("duplicates").json()
    assert queue["count"] == 1
    pair_id = queue["results"][0]["id"]
    bad = admin.post(f"duplicates/{pair_id}/merge", {"survivor_id": 999999})
    assert_problem(bad, 422)
    merged = admin.post(f"duplicates/{pair_id}/merge", {"survivor_id": first.pk})
    assert merged.status_code == 201, merged.content
    assert not Client.objects.get(pk=second.pk).is_active
    undone = admin.post(f"merges/{merged.json()['id']}/undo")
    assert undone.json()["undone_at"] is not None
    assert Client.objects.get(pk=second.pk).is_active
    assert ClientIdentifier.objects.get().client_id == first.pk
    assert_problem(admin.post(f"merges/{merged.json()['id']}/undo"), 422)


def test_not_duplicate_and_who_may_review(api_as, org_admin, cm_health, twins):
    assert_problem(api_as(cm_health).get("duplicates"), 403)
    pair_id = DuplicateCandidate.objects.get().pk
    assert_problem(api_as(cm_health).post(f"duplicates/{pair_id}/not-duplicate"), 403)
    decided = api_as(org_admin).post(f"duplicates/{pair_id}/not-duplicate")
    assert decided.json()["status"] == "not_duplicate"


# --- Enrollment lifecycle ---------------------------------------------------------------------


def test_transition_enforces_the_lifecycle(cm, client_health):
    enrollment = Enrollment.objects.get(client=client_health)
    url = f"enrollments/{enrollment.pk}/transition"
    assert_problem(cm.post(url, {"to": "on_hold"}), 428)
    wrong = cm.post(url, {"to": "referred"}, HTTP_IF_MATCH='"1"')
    assert assert_problem(wrong, 422)["errors"][0]["field"] == "status"
    no_reason = cm.post(url, {"to": "closed"}, HTTP_IF_MATCH='"1"')
    assert assert_problem(no_reason, 422)["errors"][0]["field"] == "closure_reason"
    closed = cm.post(url, {"to": "closed", "closure_reason": "moved"}, HTTP_IF_MATCH='"1"')
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed["ETag"] == '"2"'

"""Staff records: own-record access, supervised-hours signing and locking, CE certificates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.test import Client as HttpClient

from casework.accounts.models import User
from casework.audit.models import AuditEvent
from casework.core.exceptions import PermissionDenied
from casework.workforce import services
from casework.workforce.models import ContinuingEducation, Licence, SupervisedHours
from casework.workforce.tests.conftest import add_licence

pytestmark = pytest.mark.django_db


def login(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def submit(user: User, supervisor: User, hours: str = "2.5") -> SupervisedHours:
    return services.supervised_hours_submit(
        actor=user,
        supervisor=supervisor,
        worked_on=date(2026, 1, 5),
        hours=Decimal(hours),
        kind="individual_supervision",
    )


def test_staff_can_read_their_own_record_through_the_api(cm_health: User) -> None:
    add_licence(cm_health)
    response = login(cm_health).get(f"/api/v1/workforce/staff/{cm_health.pk}")
    assert response.status_code == 200
    assert response.json()["licences"][0]["kind"] == "RN"


def test_staff_cannot_see_another_staff_members_record(
    cm_health: User, cm_mental_health: User
) -> None:
    add_licence(cm_mental_health)
    http = login(cm_health)
    assert http.get(f"/api/v1/workforce/staff/{cm_mental_health.pk}").status_code == 404
    assert http.get(f"/api/v1/workforce/staff/{cm_mental_health.pk}/credentials").status_code == 404
    assert http.get(f"/credentials/staff/{cm_mental_health.pk}/").status_code == 404
    assert http.get("/api/v1/workforce/staff/999999").status_code == 404


def test_supervisor_can_see_their_staff_members_record(cm_health: User, sup_health: User) -> None:
    add_licence(cm_health)
    http = login(sup_health)
    assert http.get(f"/api/v1/workforce/staff/{cm_health.pk}").status_code == 200
    assert http.get(f"/credentials/staff/{cm_health.pk}/").status_code == 200
    assert AuditEvent.objects.filter(
        target_type="workforce.staff_record", actor=sup_health
    ).exists()


def test_supervisor_of_another_program_cannot_see_the_record(
    cm_mental_health: User, sup_health: User
) -> None:
    assert (
        login(sup_health).get(f"/api/v1/workforce/staff/{cm_mental_health.pk}").status_code == 404
    )


def test_anonymous_caller_gets_401_for_a_staff_record(cm_health: User) -> None:
    assert HttpClient().get(f"/api/v1/workforce/staff/{cm_health.pk}").status_code == 401


def test_only_the_named_supervisor_can_sign(
    cm_health: User, sup_health: User, org_admin: User
) -> None:
    entry = submit(cm_health, sup_health)
    with pytest.raises(PermissionDenied):
        services.supervised_hours_sign(actor=org_admin, entry=entry)
    assert (
        login(org_admin).post(f"/api/v1/workforce/supervised-hours/{entry.pk}/sign").status_code
        == 404
    )
    assert login(cm_health).post(f"/credentials/hours/{entry.pk}/sign/").status_code == 404
    entry.refresh_from_db()
    assert entry.signed_at is None
    response = login(sup_health).post(f"/api/v1/workforce/supervised-hours/{entry.pk}/sign")
    assert response.status_code == 200
    assert response.json()["locked"] is True


def test_a_locked_entry_cannot_be_edited_by_the_service(cm_health: User, sup_health: User) -> None:
    entry = submit(cm_health, sup_health)
    services.supervised_hours_update(actor=cm_health, entry=entry, data={"hours": Decimal("3")})
    services.supervised_hours_sign(actor=sup_health, entry=entry)
    with pytest.raises(ValidationError, match="locked"):
        services.supervised_hours_update(actor=cm_health, entry=entry, data={"hours": Decimal("9")})
    entry.refresh_from_db()
    assert entry.hours == Decimal("3.00")


def test_the_database_refuses_to_change_or_delete_a_signed_entry(
    cm_health: User, sup_health: User
) -> None:
    entry = services.supervised_hours_sign(actor=sup_health, entry=submit(cm_health, sup_health))
    with pytest.raises(DatabaseError), transaction.atomic():
        SupervisedHours.objects.filter(pk=entry.pk).update(hours=Decimal("9"))
    with pytest.raises(DatabaseError), transaction.atomic():
        SupervisedHours.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.hours == Decimal("2.50")


def test_the_database_allows_correcting_an_unsigned_entry(
    cm_health: User, sup_health: User
) -> None:
    entry = submit(cm_health, sup_health)
    SupervisedHours.objects.filter(pk=entry.pk).update(hours=Decimal("4"))
    entry.refresh_from_db()
    assert entry.hours == Decimal("4.00")


def test_nobody_signs_their_own_hours(cm_health: User) -> None:
    with pytest.raises(ValidationError):
        submit(cm_health, cm_health)


def test_submitting_hours_through_the_api_names_a_supervisor_of_my_program(
    cm_health: User, sup_health: User, org_admin: User
) -> None:
    http = login(cm_health)
    body = {
        "supervisor_id": sup_health.pk,
        "worked_on": "2026-01-05",
        "hours": 2,
        "kind": "client_contact",
    }
    created = http.post(
        "/api/v1/workforce/me/supervised-hours", body, content_type="application/json"
    )
    assert created.status_code == 201
    refused = http.post(
        "/api/v1/workforce/me/supervised-hours",
        body | {"supervisor_id": org_admin.pk},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert "supervisor_id" in refused.content.decode()


def test_admin_verifies_a_colleagues_licence_with_who_how_and_when(
    cm_health: User, org_admin: User
) -> None:
    licence = add_licence(cm_health)
    response = login(org_admin).post(
        f"/credentials/verify/licence/{licence.pk}/", {"outcome": "verified", "method": "nursys"}
    )
    assert response.status_code == 302
    licence.refresh_from_db()
    assert (licence.verification, licence.verified_by, licence.verification_method) == (
        "verified",
        org_admin,
        "nursys",
    )
    assert licence.verified_at is not None


def test_staff_cannot_verify_their_own_or_a_colleagues_licence(
    cm_health: User, sup_health: User
) -> None:
    licence = add_licence(cm_health)
    with pytest.raises(PermissionDenied):
        services.credential_verify(
            actor=cm_health, credential=licence, outcome="verified", method="nursys"
        )
    assert (
        login(sup_health)
        .post(
            f"/credentials/verify/licence/{licence.pk}/",
            {"outcome": "verified", "method": "nursys"},
        )
        .status_code
        == 403
    )
    licence.refresh_from_db()
    assert licence.verification == "unverified"


def test_changing_a_verified_licence_needs_verifying_again(
    cm_health: User, org_admin: User
) -> None:
    licence = add_licence(cm_health)
    services.credential_verify(
        actor=org_admin, credential=licence, outcome="verified", method="nursys"
    )
    services.entry_update(actor=cm_health, entry=licence, data={"expires_on": date(2030, 1, 1)})
    licence.refresh_from_db()
    assert licence.verification == "unverified"
    assert licence.verified_by is None


def test_a_colleague_cannot_add_to_my_record(cm_health: User, cm_mental_health: User) -> None:
    with pytest.raises(PermissionDenied):
        services.entry_create(
            actor=cm_mental_health,
            user=cm_health,
            model=Licence,
            data={"kind": "RN", "jurisdiction": "NY", "issued_on": date(2020, 1, 1)},
        )


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"


def test_ce_certificate_is_validated_stored_privately_and_served_after_a_check(
    cm_health: User, cm_mental_health: User, sup_health: User, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]  # pytest-django settings fixture
    http = login(cm_health)
    form = {
        "provider": "CCMC",
        "course": "Ethics in case management",
        "completed_on": "2026-01-10",
        "hours": "3",
        "category": "ethics",
    }
    bad = http.post(
        "/credentials/add/ce/",
        form | {"certificate": SimpleUploadedFile("x.pdf", b"MZ\x90\x00evil", "application/pdf")},
    )
    assert bad.status_code == 200
    assert "PDF, PNG or JPEG" in bad.content.decode()
    assert not ContinuingEducation.objects.exists()
    ok = http.post(
        "/credentials/add/ce/",
        form | {"certificate": SimpleUploadedFile("cert.pdf", PDF, "application/pdf")},
    )
    assert ok.status_code == 302
    entry = ContinuingEducation.objects.get()
    assert entry.certificate.name.startswith("workforce/ce/")
    assert "cert" not in entry.certificate.name
    url = f"/credentials/ce/{entry.pk}/certificate/"
    download = http.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]  # FileResponse
    assert download["Content-Disposition"].startswith("attachment")
    assert login(cm_mental_health).get(url).status_code == 404
    assert login(sup_health).get(url).status_code == 200


def test_ce_certificate_larger_than_5_mb_is_refused(cm_health: User) -> None:
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf")
    with pytest.raises(ValidationError, match="5 MB"):
        services.continuing_education_create(
            actor=cm_health,
            user=cm_health,
            certificate=big,
            data={
                "provider": "P",
                "course": "C",
                "completed_on": date(2026, 1, 1),
                "hours": 1,
                "category": "ethics",
            },
        )


def test_staff_corrects_their_own_entries_but_not_a_signed_one(
    cm_health: User, sup_health: User, cm_mental_health: User
) -> None:
    licence = add_licence(cm_health)
    http = login(cm_health)
    form = {
        "kind": "RN",
        "jurisdiction": "NY",
        "number": "NY123",
        "issued_on": "2020-01-01",
        "expires_on": "2028-01-31",
        "status": "active",
    }
    assert http.post(f"/credentials/edit/licence/{licence.pk}/", form).status_code == 302
    licence.refresh_from_db()
    assert licence.number == "NY123"
    assert licence.expires_on == date(2028, 1, 31)
    assert (
        login(cm_mental_health).get(f"/credentials/edit/licence/{licence.pk}/").status_code == 404
    )
    entry = submit(cm_health, sup_health)
    hours_form = {"worked_on": "2026-01-05", "hours": "3", "kind": "client_contact", "note": ""}
    assert http.post(f"/credentials/edit/hours/{entry.pk}/", hours_form).status_code == 302
    services.supervised_hours_sign(actor=sup_health, entry=entry)
    assert http.get(f"/credentials/edit/hours/{entry.pk}/").status_code == 404
    assert (
        http.post(f"/credentials/edit/hours/{entry.pk}/", hours_form | {"hours": "8"}).status_code
        == 404
    )
    entry.refresh_from_db()
    assert entry.hours == Decimal("3.00")


def test_practicum_progress_counts_signed_hours(cm_health: User, sup_health: User) -> None:
    practicum = services.entry_create(
        actor=cm_health,
        user=cm_health,
        model=services.Practicum,
        data={
            "school": "State University",
            "placement_site": "Mercy Hospital",
            "field_instructor": sup_health,
            "required_hours": 400,
            "started_on": date(2025, 9, 1),
        },
    )
    signed = services.supervised_hours_submit(
        actor=cm_health,
        supervisor=sup_health,
        worked_on=date(2025, 10, 1),
        hours=Decimal("6"),
        kind="client_contact",
        practicum=practicum,
    )
    services.supervised_hours_sign(actor=sup_health, entry=signed)
    services.supervised_hours_submit(
        actor=cm_health,
        supervisor=sup_health,
        worked_on=date(2025, 10, 2),
        hours=Decimal("5"),
        kind="client_contact",
        practicum=practicum,
    )
    page = login(cm_health).get("/credentials/").content.decode()
    assert "6 of 400 hours" in page
    record = login(cm_health).get("/api/v1/workforce/me").json()
    assert record["practicums"][0]["signed_hours"] == 6


def test_api_token_reads_my_credentials_and_a_read_only_token_cannot_write(cm_health: User) -> None:
    from casework.accounts.services import api_token_create

    _, raw = api_token_create(actor=cm_health, user=cm_health, name="script", read_only=True)
    http = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    report = http.get("/api/v1/workforce/me/credentials")
    assert report.status_code == 200
    assert {c["code"] for c in report.json()["credentials"]} >= {"CCM", "ACM-RN", "CRC", "LCSW-NY"}
    body = {
        "provider": "P",
        "course": "C",
        "completed_on": "2026-01-01",
        "hours": 1,
        "category": "ethics",
    }
    refused = http.post(
        "/api/v1/workforce/me/continuing-education", body, content_type="application/json"
    )
    assert refused.status_code == 403
    assert not ContinuingEducation.objects.exists()
    _, writer = api_token_create(actor=cm_health, user=cm_health, name="writer")
    created = HttpClient(HTTP_AUTHORIZATION=f"Bearer {writer}").post(
        "/api/v1/workforce/me/continuing-education", body, content_type="application/json"
    )
    assert created.status_code == 201
    assert ContinuingEducation.objects.get().user == cm_health


def test_api_logs_ce_with_a_certificate_and_serves_it_only_to_readers_of_the_record(
    cm_health: User, cm_mental_health: User, settings: object, tmp_path: object
) -> None:
    from casework.accounts.services import api_token_create

    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]  # pytest-django settings fixture
    _, raw = api_token_create(actor=cm_health, user=cm_health, name="script")
    http = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = "/api/v1/workforce/me/continuing-education/certificate"
    form = {
        "provider": "CCMC",
        "course": "Ethics in case management",
        "completed_on": "2026-01-10",
        "hours": "3",
        "category": "ethics",
    }
    evil = SimpleUploadedFile("x.pdf", b"MZ\x90\x00evil", "application/pdf")
    bad = http.post(url, form | {"certificate": evil})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "certificate"
    assert not ContinuingEducation.objects.exists()
    ok = http.post(url, form | {"certificate": SimpleUploadedFile("cert.pdf", PDF, "text/plain")})
    assert ok.status_code == 201, ok.content
    entry = ContinuingEducation.objects.get()
    assert entry.user == cm_health
    assert ok.json()["id"] == entry.pk
    download = http.get(f"/api/v1/workforce/continuing-education/{entry.pk}/certificate")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]  # FileResponse
    assert AuditEvent.objects.filter(
        target_type="workforce.ce_certificate", target_id=str(entry.pk)
    ).exists()
    _, other = api_token_create(actor=cm_mental_health, user=cm_mental_health, name="other")
    stranger = HttpClient(HTTP_AUTHORIZATION=f"Bearer {other}")
    refused = stranger.get(f"/api/v1/workforce/continuing-education/{entry.pk}/certificate")
    assert refused.status_code == 404

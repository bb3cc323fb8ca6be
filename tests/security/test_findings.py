"""Regression tests for the security review's findings (HIGH-1, MEDIUM-3)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.clients.models import BreakGlassAccess, ConsentCategory
from tests.security.conftest import signed_in
from tests.security.test_api_authorization import Api
from tests.security.test_confidential_address import _shown, cm_health_2, hidden  # noqa: F401
from tests.security.test_data_exposure import _consent_to


def test_consent_recipients_do_not_see_who_accessed_the_record(world, lakeside_cm, org_admin):
    signed_in(org_admin).get(f"/clients/{world.client.pk}/")
    _consent_to(world, lakeside_cm, [ConsentCategory.GENERAL])
    text = signed_in(lakeside_cm).get(f"/clients/{world.client.pk}/").content.decode()
    assert "admin@example.org" not in text
    assert "(disability)" not in text


def test_break_glass_cannot_be_turned_into_permanent_access(world, cm_mental_health, programs):
    api = Api(cm_mental_health)
    opened = api.call(
        "post",
        "/emergency-access",
        {
            "client_id": world.client.pk,
            "reason": "Client in crisis at the front desk",
            "minutes": 5,
        },
    )
    assert opened.status_code == 201
    enrolled = api.call(
        "post",
        "/enrollments",
        {"client_id": world.client.pk, "program_id": programs["mental_health"].pk},
    )
    BreakGlassAccess.objects.filter(user=cm_mental_health).update(
        expires_at=timezone.now() - timedelta(seconds=1),
        opened_at=timezone.now() - timedelta(minutes=10),
    )
    assert enrolled.status_code == 403
    assert api.get(f"/clients/{world.client.pk}").status_code == 404


def test_a_general_consent_cannot_be_widened_by_enrolling(world, cm_mental_health, programs):
    from casework.clients import consent as consents

    consents.consent_record(
        actor=world.owner,
        client=world.client,
        data={
            "recipient_program": programs["mental_health"],
            "categories": ["general"],
            "purpose": "Referral",
            "signature_method": "typed",
            "signed_by_name": "Dolores A",
        },
    )
    api = Api(cm_mental_health)
    enrolled = api.call(
        "post",
        "/enrollments",
        {"client_id": world.client.pk, "program_id": programs["mental_health"].pk},
    )
    assert enrolled.status_code == 403
    assert api.get(f"/clients/{world.client.pk}/disabilities").json() == []


def test_intake_screening_needs_more_than_emergency_access(world, cm_mental_health, programs):
    api = Api(cm_mental_health)
    api.call(
        "post",
        "/emergency-access",
        {"client_id": world.client.pk, "reason": "Client in crisis at the front desk"},
    )
    screened = api.call(
        "post",
        f"/programs/{programs['mental_health'].pk}/screenings",
        {"client_id": world.client.pk, "answers": {"state": "NY"}},
    )
    assert screened.status_code in (403, 404)


@pytest.mark.parametrize("who", ["org_admin", "auditor"])
def test_audit_csv_export_hides_the_confidential_address(who, hidden, request):
    response = signed_in(request.getfixturevalue(who)).get(f"/audit/export.csv?client={hidden.pk}")
    assert response.status_code == 200
    assert _shown(response) == []


@pytest.mark.parametrize("who", ["org_admin", "auditor"])
def test_audit_api_hides_the_confidential_address(who, hidden, request):
    response = Api(request.getfixturevalue(who)).get(f"/audit-events?client={hidden.pk}")
    assert response.status_code == 200
    assert _shown(response) == []

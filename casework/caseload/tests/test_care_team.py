"""The care team: staff and outside members; sharing with an outsider needs a consent."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from casework.caseload.careteam import sharing_consent
from casework.caseload.models import CareTeamMember
from casework.clients import consent as consents


def _http(user: Any) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def test_sharing_with_an_outside_member_needs_a_consent_naming_them(
    cm_health: Any, client_health: Any
) -> None:
    http = _http(cm_health)
    added = http.post(
        f"/clients/{client_health.pk}/care-team/",
        {"role": "probation_officer", "name": "Ashley Stubbs", "agency": "County Probation"},
    )
    assert added.status_code == 302
    member = CareTeamMember.objects.get(client=client_health)
    assert member.external
    page = http.get(f"/clients/{client_health.pk}/care-team/").content.decode()
    assert "No consent: do not share" in page
    refused = http.get(f"/clients/{client_health.pk}/summary/?for={member.pk}")
    assert refused.status_code == 403
    consents.consent_record(
        actor=cm_health,
        client=client_health,
        data={
            "recipient_name": "Ashley Stubbs",
            "categories": ["general"],
            "purpose": "Court reporting",
            "signature_method": "typed",
            "signed_by_name": "Dolores Abernathy",
        },
    )
    assert sharing_consent(member) is not None
    allowed = http.get(f"/clients/{client_health.pk}/summary/?for={member.pk}")
    assert allowed.status_code == 200
    assert "Prepared for Ashley Stubbs" in allowed.content.decode()


def test_another_programs_case_manager_cannot_see_or_change_the_care_team(
    cm_health: Any, cm_mental_health: Any, client_health: Any
) -> None:
    _http(cm_health).post(
        f"/clients/{client_health.pk}/care-team/", {"role": "landlord", "name": "Logan Delos"}
    )
    member = CareTeamMember.objects.get()
    intruder = _http(cm_mental_health)
    assert intruder.get(f"/clients/{client_health.pk}/care-team/").status_code == 404
    assert intruder.post(f"/care-team/{member.pk}/remove/").status_code == 404
    member.refresh_from_db()
    assert member.ended_at is None

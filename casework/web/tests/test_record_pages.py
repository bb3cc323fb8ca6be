"""The client record pages through HTTP: profile, parts, SSN, history, lifecycle (issue 3)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from casework.audit.models import AuditAction, AuditEvent
from casework.clients.models import Client, ClientAddress, ClientName, Enrollment
from casework.web.tests.helpers import signed_in, text


@pytest.fixture
def cm(client_health, cm_health):
    return signed_in(HttpClient(), cm_health)


def test_profile_edit_saves_hmis_fields(cm, client_health):
    url = f"/clients/{client_health.pk}/profile/"
    page = cm.get(url)
    assert page.status_code == 200
    assert "Hispanic/Latina/o" in text(page)
    response = cm.post(
        url,
        {
            "version": client_health.version,
            "pronouns": "she/her",
            "name_data_quality": 1,
            "dob_data_quality": 1,
            "ssn_data_quality": 99,
            "race_ethnicity": ["Asian", "White"],
            "veteran_status": 0,
            "primary_language": "Spanish",
            "interpreter_needed": "on",
            "preferred_contact_method": "text",
            "safe_contact_times": "weekdays 9-12",
            "address_confidential": "on",
        },
    )
    assert response.status_code == 302
    client_health.refresh_from_db()
    assert client_health.pronouns == "she/her"
    assert client_health.race_ethnicity == ["Asian", "White"]
    assert client_health.interpreter_needed
    assert client_health.address_confidential


def test_profile_edit_conflict_is_shown_and_nothing_overwritten(cm, client_health, cm_health):
    from casework.clients.services import client_update

    stale = client_health.version
    client_update(
        actor=cm_health, client=client_health, expected_version=stale, data={"pronouns": "they"}
    )
    response = cm.post(
        f"/clients/{client_health.pk}/profile/",
        {
            "version": stale,
            "pronouns": "she/her",
            "name_data_quality": 1,
            "dob_data_quality": 99,
            "ssn_data_quality": 99,
            "veteran_status": 99,
        },
    )
    assert response.status_code == 409
    body = text(response)
    assert "Someone else saved this record" in body
    assert 'value="she/her"' in body  # what was typed is kept
    client_health.refresh_from_db()
    assert client_health.pronouns == "they"


def test_other_program_case_manager_cannot_open_the_profile(client_health, cm_mental_health):
    http = signed_in(HttpClient(), cm_mental_health)
    assert http.get(f"/clients/{client_health.pk}/profile/").status_code == 404
    assert http.get(f"/clients/{client_health.pk}/record/names/").status_code == 404


def test_alias_add_list_and_edit(cm, client_health):
    url = f"/clients/{client_health.pk}/record/names/"
    response = cm.post(url, {"kind": "previous", "given_name": "Dolly", "family_name": "Smith"})
    assert response.status_code == 302
    listing = cm.get(url)
    assert "Dolly" in text(listing)
    assert "Previous legal name" in text(listing)
    alias = ClientName.objects.get(client=client_health)
    edit = f"{url}{alias.pk}/"
    assert cm.get(edit).status_code == 200
    saved = cm.post(
        edit,
        {"version": alias.version, "kind": "alias", "given_name": "Dot", "family_name": "Smith"},
    )
    assert saved.status_code == 302
    alias.refresh_from_db()
    assert alias.given_name == "Dot"
    assert alias.version == 2


def test_part_edit_with_an_old_version_is_a_conflict(cm, client_health):
    url = f"/clients/{client_health.pk}/record/names/"
    cm.post(url, {"kind": "alias", "given_name": "Dot", "family_name": "Smith"})
    alias = ClientName.objects.get(client=client_health)
    data = {"kind": "alias", "given_name": "A", "family_name": "Smith"}
    assert cm.post(f"{url}{alias.pk}/", data | {"version": 1}).status_code == 302
    second = cm.post(f"{url}{alias.pk}/", data | {"given_name": "B", "version": 1})
    assert second.status_code == 409
    assert "Someone else saved this" in text(second)
    alias.refresh_from_db()
    assert alias.given_name == "A"


def test_new_current_address_moves_the_old_one_to_previous(cm, client_health):
    url = f"/clients/{client_health.pk}/record/addresses/"
    first = {"use": "current", "line1": "1 Elm St", "city": "Albany", "state": "NY"}
    assert cm.post(url, first | {"valid_from": "2020-01-01"}).status_code == 302
    second = {"use": "current", "line1": "9 Oak Ave", "city": "Troy", "state": "NY"}
    assert cm.post(url, second | {"valid_from": "2024-05-01"}).status_code == 302
    uses = dict(ClientAddress.objects.filter(client=client_health).values_list("line1", "use"))
    assert uses == {"1 Elm St": "previous", "9 Oak Ave": "current"}


def test_phone_is_ended_not_deleted(cm, client_health):
    url = f"/clients/{client_health.pk}/record/contacts/"
    cm.post(url, {"system": "phone", "use": "mobile", "value": "518-555-0199"})
    phone = client_health.contact_points.get(value="(518) 555-0199")
    response = cm.post(f"{url}{phone.pk}/end/", {"version": phone.version})
    assert response.status_code == 302
    phone.refresh_from_db()
    assert phone.ended_on is not None
    assert "(518) 555-0199" in text(cm.get(url))


@pytest.mark.parametrize(
    ("dob", "message"),
    [("2999-01-01", "cannot be in the future"), ("2026-02-30", "Enter a valid date")],
)
def test_household_member_bad_birth_dates_are_refused_and_typed_values_kept(
    cm, client_health, dob, message
):
    url = f"/clients/{client_health.pk}/record/household/"
    response = cm.post(url, {"given_name": "Teddy", "relationship": 2, "date_of_birth": dob})
    assert response.status_code == 422
    body = text(response)
    assert message in body
    assert 'value="Teddy"' in body
    assert not client_health.household.exists()


def test_emergency_contact_needs_a_phone_or_email(cm, client_health):
    url = f"/clients/{client_health.pk}/record/emergency_contacts/"
    response = cm.post(url, {"name": "Ma"})
    assert response.status_code == 422
    assert not client_health.emergency_contacts.exists()


def test_unknown_part_is_404(cm, client_health):
    assert cm.get(f"/clients/{client_health.pk}/record/secrets/").status_code == 404


def test_ssn_is_masked_and_reveal_is_audited(cm, client_health):
    url = f"/clients/{client_health.pk}/ssn/"
    response = cm.post(url, {"version": client_health.version, "ssn": "234-56-7891"})
    assert response.status_code == 302
    page = text(cm.get(url))
    assert "***-**-7891" in page
    assert "234-56-7891" not in page
    revealed = cm.post(f"{url}reveal/")
    assert "234-56-7891" in text(revealed)
    assert AuditEvent.objects.filter(action=AuditAction.REVEAL, client_id=client_health.pk).exists()
    stored = Client.objects.get(pk=client_health.pk)
    assert "234567891" not in stored.ssn_encrypted


def test_ssn_reveal_is_a_partial_for_htmx(cm, client_health):
    cm.post(
        f"/clients/{client_health.pk}/ssn/",
        {"version": client_health.version, "ssn": "234567891"},
    )
    response = cm.post(f"/clients/{client_health.pk}/ssn/reveal/", HTTP_HX_REQUEST="true")
    body = text(response)
    assert "234-56-7891" in body
    assert "<html" not in body


def test_ssn_reveal_needs_post(cm, client_health):
    assert cm.get(f"/clients/{client_health.pk}/ssn/reveal/").status_code == 405


@pytest.mark.parametrize("bad", ["12345678", "000-12-3456", "666-12-3456", "abc-de-fghi"])
def test_malformed_ssn_is_refused_with_a_message(cm, client_health, bad):
    response = cm.post(
        f"/clients/{client_health.pk}/ssn/", {"version": client_health.version, "ssn": bad}
    )
    assert response.status_code == 422
    assert "Social Security number" in text(response) or "9 digits" in text(response)
    client_health.refresh_from_db()
    assert client_health.ssn_last4 == ""


def test_what_changed_lists_field_changes_with_ssn_redacted(cm, client_health):
    cm.post(
        f"/clients/{client_health.pk}/ssn/",
        {"version": client_health.version, "ssn": "234567891"},
    )
    cm.post(
        f"/clients/{client_health.pk}/record/names/",
        {"kind": "alias", "given_name": "Dot", "family_name": "Smith"},
    )
    page = text(cm.get(f"/clients/{client_health.pk}/history/"))
    assert "Dot" in page
    assert "[redacted]" in page
    assert "234567891" not in page


def test_what_changed_hides_a_confidential_address_outside_the_care_team(
    client_health, cm_health, programs
):
    from casework.accounts import services as accounts
    from casework.accounts.models import Role
    from casework.conftest import make_user

    cm = signed_in(HttpClient(), cm_health)
    cm.post(
        f"/clients/{client_health.pk}/record/addresses/",
        {
            "use": "current",
            "line1": "12 Hidden Ln",
            "city": "Troy",
            "state": "NY",
            "valid_from": "2024-01-01",
        },
    )
    Client.objects.filter(pk=client_health.pk).update(address_confidential=True)
    colleague = make_user("cm2.healthcare@example.org")
    accounts.membership_grant(
        actor=None, user=colleague, role=Role.CASE_MANAGER, program=programs["healthcare"]
    )
    assert "12 Hidden Ln" in text(cm.get(f"/clients/{client_health.pk}/history/"))
    other = signed_in(HttpClient(), colleague)
    page = text(other.get(f"/clients/{client_health.pk}/history/"))
    assert "12 Hidden Ln" not in page
    assert "[confidential]" in page
    listing = text(other.get(f"/clients/{client_health.pk}/record/addresses/"))
    assert "12 Hidden Ln" not in listing
    assert "Confidential" in listing


def test_sections_partial_links_every_part(cm, client_health):
    page = text(cm.get(f"/clients/{client_health.pk}/sections/"))
    for title in ("Other names", "Addresses", "Disabilities", "Consents", "What changed"):
        assert title in page


def test_enrollment_transition_closes_with_reason_and_reenroll_keeps_history(cm, client_health):
    enrollment = Enrollment.objects.get(client=client_health)
    url = f"/enrollments/{enrollment.pk}/transition/"
    refused = cm.post(url, {"version": enrollment.version, "to": "closed"})
    assert refused.status_code == 422
    assert "Choose why the enrollment is closing" in text(refused)
    closed = cm.post(
        url, {"version": enrollment.version, "to": "closed", "closure_reason": "goals_met"}
    )
    assert closed.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == "closed"
    assert enrollment.closure_reason == "goals_met"
    again = cm.post(f"/enrollments/{enrollment.pk}/reenroll/", {"status": "referred"})
    assert again.status_code == 302
    new = Enrollment.objects.filter(client=client_health).order_by("id").last()
    assert new is not None
    moved = cm.post(
        f"/enrollments/{new.pk}/transition/", {"version": new.version, "to": "waitlisted"}
    )
    assert moved.status_code == 302
    rows = Enrollment.objects.filter(client=client_health).order_by("id")
    assert [e.status for e in rows] == ["closed", "waitlisted"]
    page = text(cm.get(f"/clients/{client_health.pk}/sections/"))
    assert "Waitlist position 1" in page


def test_enrollment_transition_refused_for_another_program(client_health, cm_mental_health):
    enrollment = Enrollment.objects.get(client=client_health)
    http = signed_in(HttpClient(), cm_mental_health)
    response = http.post(
        f"/enrollments/{enrollment.pk}/transition/",
        {"version": enrollment.version, "to": "on_hold"},
    )
    assert response.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == "active"


def test_client_page_partial_loads_itself_with_htmx_or_renders_given_context(
    rf, client_health, cm_health
):
    """The contract for web/clients/detail.html: include it with or without the context."""
    from django.template.loader import render_to_string

    from casework.clients.permissions import access_client
    from casework.web.views.record import client_sections_context

    request = rf.get("/")
    request.user = cm_health
    lazy = render_to_string("record/_client_sections.html", {"client": client_health}, request)
    assert f'hx-get="/clients/{client_health.pk}/sections/"' in lazy
    loaded = access_client(cm_health, client_health.pk, audit=False)
    context = {"client": loaded} | client_sections_context(cm_health, loaded)
    eager = render_to_string("record/_client_sections.html", context, request)
    assert "hx-get" not in eager
    assert "Enrollment lifecycle" in eager


def test_lifecycle_shows_only_enrollments_in_the_readers_programs(
    cm, client_health, org_admin, programs
):
    from casework.clients.services import enrollment_create

    enrollment_create(actor=org_admin, client=client_health, program=programs["mental_health"])
    page = text(cm.get(f"/clients/{client_health.pk}/sections/"))
    assert "Care Transitions" in page
    assert "Community Mental Health" not in page
    admin = signed_in(HttpClient(), org_admin)
    assert "Community Mental Health" in text(admin.get(f"/clients/{client_health.pk}/sections/"))

"""The web forms for a consent's event outcome and an agency's consent element sets (issue 9)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from casework.accounts import services as accounts
from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.clients import consent as consents
from casework.clients.models import Consent, ConsentElementSet
from casework.web.tests.helpers import signed_in, text
from casework.web.tests.test_record_consent import consent_post


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
def housing_consent(client_health, cm_health, lakeside_cm):
    data = {
        "recipient_organization": lakeside_cm.memberships.get().program.organization,
        "categories": ["general"],
        "purpose": "care coordination",
        "expiry_event": "the client moves into housing",
        "review_date": timezone.localdate() + timedelta(days=10),
        "signature_method": "typed",
        "signed_by_name": "Dolores Abernathy",
    }
    return consents.consent_record(actor=cm_health, client=client_health, data=data)


# --- The event outcome ------------------------------------------------------------------------


def test_the_consent_list_links_to_the_event_review(cm_health, client_health, housing_consent):
    http = signed_in(HttpClient(), cm_health)
    body = text(http.get(f"/clients/{client_health.pk}/consents/"))
    assert f"/consents/{housing_consent.pk}/event/" in body
    page = http.get(f"/consents/{housing_consent.pk}/event/")
    assert page.status_code == 200
    assert "the client moves into housing" in text(page)


def test_not_yet_needs_a_later_date_and_keeps_what_was_typed(cm_health, housing_consent):
    http = signed_in(HttpClient(), cm_health)
    url = f"/consents/{housing_consent.pk}/event/"
    response = http.post(url, {"happened": "no", "note": "Still in the shelter"})
    assert response.status_code == 422
    body = text(response)
    assert "Give a later date to review the event again." in body
    assert "Still in the shelter" in body
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = http.post(url, {"happened": "no", "next_review_date": past})
    assert response.status_code == 422
    assert "Give a later date" in text(response)
    later = timezone.localdate() + timedelta(days=30)
    response = http.post(url, {"happened": "no", "next_review_date": later.isoformat()})
    assert response.status_code == 302
    housing_consent.refresh_from_db()
    assert housing_consent.review_date == later
    assert housing_consent.ended_at is None


def test_recording_that_it_happened_ends_the_consent_for_the_recipient(
    cm_health, client_health, housing_consent, lakeside_cm
):
    lake = signed_in(HttpClient(), lakeside_cm)
    assert lake.get(f"/clients/{client_health.pk}/").status_code == 200
    http = signed_in(HttpClient(), cm_health)
    url = f"/consents/{housing_consent.pk}/event/"
    response = http.post(url, {"happened": "yes", "note": "Lease signed"})
    assert response.status_code == 302
    housing_consent.refresh_from_db()
    assert housing_consent.ended_at is not None
    assert "Lease signed" in housing_consent.ended_note
    row = AuditEvent.objects.filter(target_type="consent", target_id=str(housing_consent.pk))
    assert row.latest("id").changes["ended_at"][0] is None
    assert lake.get(f"/clients/{client_health.pk}/").status_code == 404
    # Nothing left to review: the page says so, and a second answer is refused.
    assert "no open event to review" in text(http.get(url))
    assert http.post(url, {"happened": "yes"}).status_code == 422


def test_only_the_clients_staff_record_the_outcome(
    housing_consent, lakeside_cm, cm_mental_health, auditor
):
    url = f"/consents/{housing_consent.pk}/event/"
    hidden = signed_in(HttpClient(), cm_mental_health).post(url, {"happened": "yes"})
    assert hidden.status_code == 404
    # The recipient and the auditor see the client but change nothing of its consents.
    for user in (lakeside_cm, auditor):
        assert signed_in(HttpClient(), user).post(url, {"happened": "yes"}).status_code == 403
    housing_consent.refresh_from_db()
    assert housing_consent.ended_at is None


# --- Element sets -----------------------------------------------------------------------------


def test_only_organization_admins_edit_element_sets(cm_health, org_admin):
    for url in ("/settings/consent-elements/", "/settings/consent-elements/hiv-state-example/"):
        assert signed_in(HttpClient(), cm_health).get(url).status_code == 403
        assert signed_in(HttpClient(), org_admin).get(url).status_code == 200
    missing = signed_in(HttpClient(), org_admin).get("/settings/consent-elements/no-such-set/")
    assert missing.status_code == 404


def test_an_admin_adopts_the_hiv_example_and_consents_are_checked_against_it(
    org_admin, agency, cm_health, client_health, lakeside_cm, other_agency_admin
):
    admin = signed_in(HttpClient(), org_admin)
    assert "HIV" in text(admin.get("/settings/consent-elements/"))
    url = "/settings/consent-elements/hiv-state-example/"
    form = {
        "name": "HIV-related information (our state)",
        "category": "hiv",
        "state": "",
        "elements": ["expiry_date", "information_description"],
        "source": "State public health law, 2024",
        "is_active": "on",
    }
    assert admin.post(url, form).status_code == 302
    own = ConsentElementSet.objects.get(organization=agency, key="hiv-state-example")
    assert own.is_active
    assert own.elements == ["expiry_date", "information_description"]
    shared = ConsentElementSet.objects.get(organization=None, key="hiv-state-example")
    assert shared.is_active is False
    audit = AuditEvent.objects.filter(target_type="consent_element_set").latest("id")
    assert audit.organization_id == agency.pk
    assert audit.actor == org_admin

    recipient = lakeside_cm.memberships.get().program.organization_id
    cm = signed_in(HttpClient(), cm_health)
    consent_url = f"/clients/{client_health.pk}/consents/new/"
    response = cm.post(consent_url, consent_post(recipient, categories=["general", "hiv"]))
    assert response.status_code == 422
    assert "needs an expiry date" in text(response)
    assert not Consent.objects.exists()
    # The other agency still has Casework's (inactive) example.
    other = other_agency_admin.memberships.get().organization
    assert not ConsentElementSet.objects.filter(organization=other).exists()


def test_an_unknown_element_is_refused_naming_the_field(org_admin):
    admin = signed_in(HttpClient(), org_admin)
    url = "/settings/consent-elements/hiv-state-example/"
    form = {"name": "Typed name kept", "category": "hiv", "elements": ["signature_in_blood"]}
    response = admin.post(url, form)
    assert response.status_code == 422
    body = text(response)
    assert "Elements the consent must hold" in body
    assert 'value="Typed name kept"' in body
    assert not ConsentElementSet.objects.filter(organization__isnull=False).exists()

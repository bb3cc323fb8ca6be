"""The disclosure notice on pages and in the API, and the accounting pages (issue 9)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from casework.accounts import services as accounts
from casework.accounts.models import Role
from casework.api.tests.helpers import Api, token_for
from casework.clients import consent as consents

PART2 = {
    "categories": ["general", "substance_use"],
    "information_description": "Diagnosis and medication for opioid use disorder",
    "revocation_right_acknowledged": True,
    "expiry_trigger": "treatment_ended",
    "purpose": "care coordination",
    "signature_method": "typed",
    "signed_by_name": "Dolores Abernathy",
}


def signed_in(http, user):
    http.force_login(user)
    return http


def text(response):
    return response.content.decode()


def api_client(user):
    return Api(token_for(user))


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
def consented(lakeside_cm, client_health, cm_health):
    org = lakeside_cm.memberships.get().program.organization
    return consents.consent_record(
        actor=cm_health, client=client_health, data=PART2 | {"recipient_organization": org}
    )


def test_the_recipients_page_carries_the_part2_notice_and_scope(
    consented, lakeside_cm, client_health
):
    page = signed_in(HttpClient(), lakeside_cm).get(f"/clients/{client_health.pk}/")
    assert page.status_code == 200
    body = text(page)
    assert "Shared with you under the client's consent" in body
    assert "42 CFR part 2" in body
    assert "How the client revokes" in body


def test_staff_pages_carry_no_notice(consented, cm_health, client_health):
    page = signed_in(HttpClient(), cm_health).get(f"/clients/{client_health.pk}/")
    assert "Shared with you under the client's consent" not in text(page)


def test_the_api_answers_the_notice_to_the_recipient(consented, lakeside_cm, client_health):
    body = api_client(lakeside_cm).get(f"/api/v1/clients/{client_health.pk}").json()
    notice = body["disclosure_notice"]
    assert "42 CFR part 2" in notice["part2_notice"]
    assert notice["scopes"][0]["consent_id"] == consented.pk


def test_the_client_page_lists_disclosures_and_prints_them(
    consented, lakeside_cm, cm_health, client_health
):
    signed_in(HttpClient(), lakeside_cm).get(f"/clients/{client_health.pk}/")
    staff = signed_in(HttpClient(), cm_health)
    listing = text(staff.get(f"/clients/{client_health.pk}/disclosures/"))
    assert "cm@lakeside.example.org" in listing
    assert "Your written consent" in listing
    printed = text(staff.get(f"/clients/{client_health.pk}/disclosures/print/"))
    assert "Who has seen your information" in printed
    assert "Lake CM" in printed
    api = api_client(cm_health).get(f"/api/v1/clients/{client_health.pk}/disclosures").json()
    assert api[0]["basis"] == "consent"
    assert api[0]["consent_ids"] == [consented.pk]


def test_the_recipient_cannot_read_the_accounting(consented, lakeside_cm, client_health):
    recipient = signed_in(HttpClient(), lakeside_cm)
    assert recipient.get(f"/clients/{client_health.pk}/disclosures/").status_code == 404
    answer = api_client(lakeside_cm).get(f"/api/v1/clients/{client_health.pk}/disclosures")
    assert answer.status_code == 404


def test_the_consent_page_shows_a_consent_ended_by_its_event(lakeside_cm, client_health, cm_health):
    from casework.clients.services import enrollment_transition

    org = lakeside_cm.memberships.get().program.organization
    enrollment = client_health.enrollments.get()
    consents.consent_record(
        actor=cm_health,
        client=client_health,
        data=PART2
        | {
            "recipient_organization": org,
            "expiry_trigger": "enrollment_closed",
            "expiry_enrollment": enrollment,
        },
    )
    enrollment_transition(
        actor=cm_health,
        enrollment=enrollment,
        expected_version=enrollment.version,
        to="closed",
        closure_reason="goals_met",
    )
    page = text(signed_in(HttpClient(), cm_health).get(f"/clients/{client_health.pk}/consents/"))
    assert "ended" in page
    assert "the enrollment it named closed" in page


# --- Names shown in lists and searches ---------------------------------------------------------


def test_a_recipients_search_accounts_for_each_name_it_shows(consented, lakeside_cm, client_health):
    from casework.audit.models import Disclosure

    page = signed_in(HttpClient(), lakeside_cm).get("/clients/?q=aber")
    assert "Abernathy" in text(page)
    row = Disclosure.objects.get(client_id=client_health.pk)
    assert row.what == "client search"
    assert row.basis == "consent"
    assert row.categories == ["general"]
    assert row.consent_ids == [consented.pk]
    assert row.recipient == lakeside_cm
    assert row.audit_event is not None
    assert row.audit_event.target_type == "client_list"
    body = api_client(lakeside_cm).get("/api/v1/clients").json()
    assert [c["id"] for c in body["results"]] == [client_health.pk]
    listed = Disclosure.objects.filter(client_id=client_health.pk, what="client list")
    assert listed.get().channel == "api"


def test_staff_lists_and_searches_account_no_disclosure(consented, cm_health, client_health):
    from casework.audit.models import Disclosure

    assert "Abernathy" in text(signed_in(HttpClient(), cm_health).get("/clients/?q=aber"))
    api_client(cm_health).get("/api/v1/clients")
    assert not Disclosure.objects.exists()


# --- The notice on lists and searches ----------------------------------------------------------


def _own_client(lakeside_cm):
    from casework.clients.services import client_create

    program = lakeside_cm.memberships.get().program
    data = {"given_name": "Teddy", "family_name": "Flood", "date_of_birth": None}
    return client_create(actor=lakeside_cm, program=program, data=data)


def _shared_clients(make_client, cm_health, lakeside_cm, count):
    org = lakeside_cm.memberships.get().program.organization
    shared = []
    for n in range(count):
        client = make_client(
            "healthcare", actor=cm_health, given_name=f"Shared{n}", family_name=f"Zeta{n}"
        )
        consents.consent_record(
            actor=cm_health, client=client, data=PART2 | {"recipient_organization": org}
        )
        shared.append(client)
    return shared


def _list_queries(user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_client(user)
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/clients").json()
    return len(queries), body["results"]


def test_the_recipients_client_list_carries_the_notice_on_each_shared_item(
    consented, lakeside_cm, client_health
):
    own = _own_client(lakeside_cm)
    rows = api_client(lakeside_cm).get("/api/v1/clients").json()["results"]
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {client_health.pk, own.pk}
    notice = by_id[client_health.pk]["disclosure_notice"]
    assert "42 CFR part 2" in notice["part2_notice"]
    assert [s["consent_id"] for s in notice["scopes"]] == [consented.pk]
    assert notice["scopes"][0]["purpose"] == "care coordination"
    assert by_id[own.pk]["disclosure_notice"] is None
    # The single read answers the same notice as the list item.
    single = api_client(lakeside_cm).get(f"/api/v1/clients/{client_health.pk}").json()
    assert single["disclosure_notice"] == notice


def test_staff_client_list_items_carry_a_null_notice(consented, cm_health, client_health):
    rows = api_client(cm_health).get("/api/v1/clients").json()["results"]
    assert rows
    assert all(row["disclosure_notice"] is None for row in rows)


def test_the_list_notice_costs_the_same_queries_for_two_shared_clients_or_six(
    make_client, cm_health, lakeside_cm
):
    from casework.audit.models import Disclosure

    _own_client(lakeside_cm)
    _shared_clients(make_client, cm_health, lakeside_cm, 2)
    _list_queries(lakeside_cm)  # warm the per-process caches (access, tokens)
    few, rows = _list_queries(lakeside_cm)
    assert sum(1 for r in rows if r["disclosure_notice"]) == 2
    _shared_clients(make_client, cm_health, lakeside_cm, 4)
    many, rows = _list_queries(lakeside_cm)
    assert sum(1 for r in rows if r["disclosure_notice"]) == 6
    assert all(r["disclosure_notice"]["scopes"] for r in rows if r["family_name"] != "Flood")
    assert many == few
    # Each name shown is still accounted for, one row per client and list.
    assert Disclosure.objects.filter(what="client list").count() == 2 + 2 + 6


def test_the_client_list_page_shows_the_notice_for_shared_clients(
    consented, lakeside_cm, client_health
):
    own = _own_client(lakeside_cm)
    http = signed_in(HttpClient(), lakeside_cm)
    for response in (http.get("/clients/"), http.get("/clients/?q=aber", HTTP_HX_REQUEST="true")):
        body = text(response)
        assert body.count('data-testid="disclosure-notice"') == 1
        assert "Notice of federal confidentiality rules (42 CFR Part 2)" in body
        assert f'id="consent-notice-{client_health.pk}"' in body
        assert f'href="#consent-notice-{client_health.pk}"' in body
        assert "How the client revokes" in body
        assert f'id="consent-notice-{own.pk}"' not in body
    # The whole page shows the own client too, without a notice of its own.
    assert "Flood" in text(http.get("/clients/"))


def test_the_client_list_page_shows_staff_no_notice(consented, cm_health, client_health):
    body = text(signed_in(HttpClient(), cm_health).get("/clients/"))
    assert "Abernathy" in body
    assert 'data-testid="disclosure-notice"' not in body
    assert "Shared under consent" not in body


def test_the_intake_search_shows_the_notice_for_a_shared_match(
    consented, lakeside_cm, client_health
):
    http = signed_in(HttpClient(), lakeside_cm)
    program = lakeside_cm.memberships.get().program
    page = http.get(
        "/intake/",
        {"given_name": "Dolores", "family_name": "Abernathy", "program": program.pk},
    )
    body = text(page)
    assert "Abernathy" in body
    assert body.count('data-testid="disclosure-notice"') == 1
    assert f'href="#consent-notice-{client_health.pk}"' in body
    matches = api_client(lakeside_cm).get(
        "/api/v1/intake/matches?given_name=Dolores&family_name=Abernathy"
    )
    found = matches.json()["matches"]
    assert [m["client"]["id"] for m in found] == [client_health.pk]
    assert found[0]["disclosure_notice"]["scopes"][0]["consent_id"] == consented.pk

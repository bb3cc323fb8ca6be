"""Client pages over HTTP: who sees what, what is audited, create, edit and conflicts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from casework.audit.models import AuditAction, AuditEvent
from casework.clients.models import Client
from casework.clients.services import client_update
from casework.web.tests.helpers import signed_in, text

pytestmark = pytest.mark.django_db


def without_csrf(body):
    """CSRF tokens are masked afresh on every response; nothing else may differ."""
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def detail_url(client):
    return reverse("web:client_detail", args=[client.pk])


def edit_url(client):
    return reverse("web:client_edit", args=[client.pk])


def form_data(client_obj=None, **overrides):
    data = {
        "given_name": "Ada",
        "middle_name": "",
        "family_name": "Lovelace",
        "preferred_name": "",
        "date_of_birth_month": "12",
        "date_of_birth_day": "10",
        "date_of_birth_year": "1985",
        "sex": "0",
        "phone": "518-555-0101",
        "email": "",
        "address_line1": "",
        "address_line2": "",
        "city": "Troy",
        "state": "ny",
        "postal_code": "",
    }
    if client_obj is not None:
        data["version"] = str(client_obj.version)
    return data | overrides


# --- Viewing ----------------------------------------------------------------------------


def test_case_manager_sees_own_program_client_page(client, cm_health, client_health):
    response = signed_in(client, cm_health).get(detail_url(client_health))
    assert response.status_code == 200
    body = text(response)
    assert "Dolores" in body
    assert "Abernathy" in body
    assert "<h2" in body
    assert "Who accessed this record</h2>" in body
    assert "Care Transitions" in body


def test_case_manager_of_another_program_gets_404_and_a_denied_row(
    client, cm_mental_health, client_health
):
    response = signed_in(client, cm_mental_health).get(detail_url(client_health))
    assert response.status_code == 404
    assert "Abernathy" not in text(response)
    denied = AuditEvent.objects.filter(action=AuditAction.DENIED, actor=cm_mental_health)
    assert denied.filter(client_id=client_health.pk).count() == 1


def test_hidden_and_missing_clients_get_the_same_page(client, cm_mental_health, client_health):
    signed_in(client, cm_mental_health)
    hidden = client.get(detail_url(client_health))
    missing = client.get(reverse("web:client_detail", args=[client_health.pk + 999]))
    assert hidden.status_code == missing.status_code == 404
    assert without_csrf(text(hidden)) == without_csrf(text(missing))


def test_other_agency_admin_gets_404(client, other_agency_admin, client_health):
    response = signed_in(client, other_agency_admin).get(detail_url(client_health))
    assert response.status_code == 404


def test_org_admin_of_the_agency_sees_the_client(client, org_admin, client_health):
    assert signed_in(client, org_admin).get(detail_url(client_health)).status_code == 200


def test_every_client_page_view_writes_a_view_event(client, cm_health, client_health):
    signed_in(client, cm_health)
    client.get(detail_url(client_health))
    client.get(detail_url(client_health))
    views = AuditEvent.objects.filter(
        action=AuditAction.VIEW, client_id=client_health.pk, actor=cm_health
    )
    assert views.count() == 2
    assert set(views.values_list("channel", flat=True)) == {"web"}


def test_client_page_lists_who_accessed_it(client, cm_health, org_admin, client_health):
    signed_in(client, org_admin).get(detail_url(client_health))
    response = signed_in(client, cm_health).get(detail_url(client_health))
    body = text(response)
    section = body[body.index("Who accessed this record") :]
    assert "admin@example.org" in section
    assert "cm.healthcare@example.org" in section


def test_edit_button_only_for_people_who_may_write(client, cm_health, auditor, client_health):
    assert edit_url(client_health) in text(
        signed_in(client, cm_health).get(detail_url(client_health))
    )
    client.logout()
    assert edit_url(client_health) not in text(
        signed_in(client, auditor).get(detail_url(client_health))
    )


# --- Auditor: read, never write -------------------------------------------------------------


def test_auditor_can_view_the_client(client, auditor, client_health):
    assert signed_in(client, auditor).get(detail_url(client_health)).status_code == 200


def test_auditor_gets_403_on_the_edit_page(client, auditor, client_health):
    assert signed_in(client, auditor).get(edit_url(client_health)).status_code == 403


def test_auditor_cannot_post_an_edit(client, auditor, client_health):
    response = signed_in(client, auditor).post(
        edit_url(client_health), form_data(client_health, family_name="Changed")
    )
    assert response.status_code == 403
    client_health.refresh_from_db()
    assert client_health.family_name == "Abernathy"
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=auditor).exists()


# --- List and search ---------------------------------------------------------------------------


@pytest.fixture
def hidden_client(make_client, cm_mental_health):
    return make_client(
        "mental_health", actor=cm_mental_health, given_name="Teddy", family_name="Flood"
    )


def test_list_writes_one_audit_row_naming_the_shown_clients(
    client, cm_health, client_health, make_client, hidden_client
):
    other = make_client("healthcare", actor=cm_health, given_name="Bernard", family_name="Lowe")
    signed_in(client, cm_health)
    before = AuditEvent.objects.filter(target_type="client_list").count()
    response = client.get(reverse("web:client_list"))
    assert response.status_code == 200
    rows = AuditEvent.objects.filter(target_type="client_list").order_by("-id")
    assert rows.count() == before + 1
    shown = rows.latest("id").details["client_ids"]
    assert sorted(shown) == sorted([client_health.pk, other.pk])
    assert hidden_client.pk not in shown


def test_search_finds_by_name_and_date_of_birth(client, cm_health, client_health):
    signed_in(client, cm_health)
    found = client.get(reverse("web:client_list"), {"q": "aber", "dob": "1961-04-12"})
    assert "Abernathy" in text(found)
    event = AuditEvent.objects.filter(target_type="client_list").latest("id")
    assert event.action == AuditAction.SEARCH
    assert event.details["query"] == {"q": "aber", "dob": "1961-04-12"}
    missed = client.get(reverse("web:client_list"), {"q": "aber", "dob": "1970-01-01"})
    assert "Abernathy" not in text(missed)


def test_search_never_shows_other_programs_clients(client, cm_health, client_health, hidden_client):
    response = signed_in(client, cm_health).get(reverse("web:client_list"), {"q": "flood"})
    assert "Flood" not in text(response)


def test_partner_sees_no_clients_in_list_or_search(client, partner, client_health):
    signed_in(client, partner)
    for params in ({}, {"q": "Abernathy"}, {"dob": "1961-04-12"}):
        response = client.get(reverse("web:client_list"), params)
        assert response.status_code == 200
        assert detail_url(client_health) not in text(response)
        assert "Dolores" not in text(response)
    event = AuditEvent.objects.filter(target_type="client_list", actor=partner).order_by("-id")
    assert event.latest("id").details["client_ids"] == []


def test_live_search_returns_only_the_results_fragment(client, cm_health, client_health):
    response = signed_in(client, cm_health).get(
        reverse("web:client_list"), {"q": "dol"}, HTTP_HX_REQUEST="true"
    )
    body = text(response)
    assert 'id="client-results"' in body
    assert "<html" not in body
    assert "Abernathy" in body


def test_unknown_sort_falls_back_to_name_order(client, cm_health, client_health):
    response = signed_in(client, cm_health).get(reverse("web:client_list"), {"sort": "ssn"})
    assert response.status_code == 200
    assert "Abernathy" in text(response)


def test_list_is_paginated_by_25(client, cm_health, make_client):
    for i in range(27):
        make_client("healthcare", actor=cm_health, given_name=f"Person{i:02d}", family_name="Zed")
    signed_in(client, cm_health)
    first = text(client.get(reverse("web:client_list")))
    assert "Person24" in first
    assert "Person25" not in first
    second = text(client.get(reverse("web:client_list"), {"page": 2}))
    assert "Person25" in second
    assert "Person26" in second
    assert "Person00" not in second


def test_client_list_query_count_does_not_grow_with_rows(
    client, cm_health, make_client, django_assert_max_num_queries
):
    for i in range(30):
        make_client("healthcare", actor=cm_health, given_name=f"P{i}", family_name="Query")
    signed_in(client, cm_health)
    client.get(reverse("web:client_list"))  # warm the session
    # 14: session, user, memberships, consent and emergency-access checks, page, prefetch,
    # audit row, notifications badge ... and none of it grows with the number of rows.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("web:client_list"))
    assert response.status_code == 200


# --- Create -----------------------------------------------------------------------------------


def test_case_manager_creates_a_client(client, cm_health, programs):
    data = form_data(program=str(programs["healthcare"].pk), primary_case_manager=str(cm_health.pk))
    response = signed_in(client, cm_health).post(reverse("web:client_create"), data)
    created = Client.objects.get(family_name="Lovelace")
    assert response.status_code == 302
    assert response["Location"] == detail_url(created)
    assert created.date_of_birth == datetime.date(1985, 12, 10)
    assert created.state == "NY"
    enrollment = created.enrollments.get()
    assert enrollment.program == programs["healthcare"]
    assert enrollment.primary_case_manager == cm_health


def test_create_form_offers_only_the_users_programs(client, cm_health, programs):
    body = text(signed_in(client, cm_health).get(reverse("web:client_create")))
    assert "Care Transitions" in body
    assert "Community Mental Health" not in body


def test_create_refuses_a_program_the_user_does_not_work_in(client, cm_health, programs):
    data = form_data(program=str(programs["mental_health"].pk))
    response = signed_in(client, cm_health).post(reverse("web:client_create"), data)
    assert response.status_code == 200
    assert not Client.objects.filter(family_name="Lovelace").exists()


def test_future_date_of_birth_is_shown_next_to_the_field_and_typed_values_kept(
    client, cm_health, programs
):
    next_year = str(datetime.date.today().year + 1)
    data = form_data(
        program=str(programs["healthcare"].pk),
        date_of_birth_year=next_year,
        given_name="Typed-Given",
        city="Kept City",
    )
    response = signed_in(client, cm_health).post(reverse("web:client_create"), data)
    body = text(response)
    assert response.status_code == 200
    assert 'id="id_date_of_birth-error"' in body
    error_at = body.index('id="id_date_of_birth-error"')
    assert "Date of birth cannot be in the future." in body[error_at : error_at + 200]
    assert 'value="Typed-Given"' in body
    assert 'value="Kept City"' in body
    assert f'value="{next_year}"' in body
    assert not Client.objects.filter(family_name="Lovelace").exists()


def test_missing_required_name_is_shown_next_to_the_field(client, cm_health, programs):
    data = form_data(program=str(programs["healthcare"].pk), family_name="")
    body = text(signed_in(client, cm_health).post(reverse("web:client_create"), data))
    assert 'id="id_family_name-error"' in body
    assert 'aria-describedby="id_family_name-error"' in body


def test_auditor_cannot_open_the_create_form(client, auditor):
    assert signed_in(client, auditor).get(reverse("web:client_create")).status_code == 403


# --- Edit and conflicts ---------------------------------------------------------------------------


def test_case_manager_edits_a_client(client, cm_health, client_health):
    signed_in(client, cm_health)
    page = client.get(edit_url(client_health))
    assert page.status_code == 200
    assert 'value="Abernathy"' in text(page)
    response = client.post(
        edit_url(client_health), form_data(client_health, given_name="Dolores", family_name="Wyatt")
    )
    assert response.status_code == 302
    client_health.refresh_from_db()
    assert client_health.family_name == "Wyatt"
    assert client_health.version == 2


def hidden_fields(body):
    """The edit form's hidden version and base, as the browser would send them back."""
    found = {}
    for name in ("version", "base"):
        match = re.search(rf'name="{name}" value="([^"]*)"', body)
        assert match is not None, name
        found[name] = match.group(1)
    return found


def as_typed_in_the_form(client, **changes):
    """What the edit form of ``client_health`` holds, with the user's ``changes``."""
    data = form_data(
        given_name="Dolores",
        family_name="Abernathy",
        date_of_birth_month="4",
        date_of_birth_day="12",
        date_of_birth_year="1961",
        sex="99",
        phone="(518) 555-0100",
        city="Albany",
        state="NY",
    )
    return data | changes


def save_elsewhere(actor, client, **data):
    client_update(
        actor=actor,
        client=Client.objects.get(pk=client.pk),
        expected_version=client.version,
        data=data,
    )


def test_stale_edit_shows_the_conflict_and_changes_nothing(
    client, cm_health, sup_health, client_health
):
    signed_in(client, cm_health)
    opened = hidden_fields(text(client.get(edit_url(client_health))))
    save_elsewhere(sup_health, client_health, family_name="Ford")
    typed = as_typed_in_the_form(client_health, family_name="Mine") | opened
    response = client.post(edit_url(client_health), typed)
    body = text(response)
    assert response.status_code == 409
    assert "Someone else saved this record" in body
    assert '<th scope="row">Legal last name</th><td>Ford</td><td>Mine</td>' in body
    assert 'value="Mine"' in body
    assert 'name="version" value="2"' in body
    client_health.refresh_from_db()
    assert client_health.family_name == "Ford"
    assert client_health.version == 2
    # Re-submitting deliberately, with what the conflict page now holds, saves.
    resubmitted = client.post(edit_url(client_health), typed | hidden_fields(body))
    assert resubmitted.status_code == 302
    client_health.refresh_from_db()
    assert client_health.family_name == "Mine"


def test_stale_edit_takes_the_other_persons_changes_to_untouched_fields(
    client, cm_health, sup_health, client_health
):
    signed_in(client, cm_health)
    opened = hidden_fields(text(client.get(edit_url(client_health))))
    save_elsewhere(sup_health, client_health, city="Rome")
    typed = as_typed_in_the_form(client_health, phone="518-555-0199") | opened
    body = text(client.post(edit_url(client_health), typed))
    assert "None of your changes clash with theirs." in body
    assert 'value="Rome"' in body
    assert 'value="518-555-0199"' in body
    resubmitted = typed | hidden_fields(body) | {"city": "Rome"}
    assert client.post(edit_url(client_health), resubmitted).status_code == 302
    client_health.refresh_from_db()
    assert client_health.city == "Rome"
    assert client_health.phone == "(518) 555-0199"


def test_header_reads_phone_and_address_from_the_record_sections(client, cm_health, programs):
    """One place for contact data: what the form took in is in the sections, and the
    header shows what the sections hold (issue 10)."""
    http = signed_in(client, cm_health)
    data = form_data(program=str(programs["healthcare"].pk), primary_case_manager=str(cm_health.pk))
    data |= {"phone": "518-555-0142", "address_line1": "12 Elm St", "city": "Albany"}
    data |= {"state": "NY", "postal_code": "12207"}
    created = Client.objects.get(pk=int(http.post("/clients/new/", data)["Location"].split("/")[2]))
    contacts = text(http.get(f"/clients/{created.pk}/record/contacts/"))
    assert "518-555-0142" in contacts or "(518) 555-0142" in contacts
    assert "12 Elm St" in text(http.get(f"/clients/{created.pk}/record/addresses/"))
    # A newer address added in the section is what the header shows.
    http.post(
        f"/clients/{created.pk}/record/addresses/",
        {"use": "current", "line1": "9 Oak Ave", "city": "Troy", "state": "NY"}
        | {"valid_from": datetime.date.today().isoformat()},
    )
    page = text(http.get(f"/clients/{created.pk}/"))
    header = page.split('id="contact"', 1)[1].split("</section>", 1)[0]
    assert "9 Oak Ave" in header
    assert "12 Elm St" not in header


def test_contact_values_are_validated_and_never_cut(client, cm_health, programs):
    """US state from the list, ZIP of 5 or 9 digits, phones parsed by phonenumbers, and a
    value that is too long is an error (no maxlength to cut it in the browser)."""
    http = signed_in(client, cm_health)
    base = form_data(program=str(programs["healthcare"].pk), primary_case_manager=str(cm_health.pk))
    form = text(http.get("/clients/new/"))
    city_input = (
        form.split('name="city"', 1)[0].rsplit("<input", 1)[1]
        + form.split('name="city"', 1)[1].split(">", 1)[0]
    )
    assert "maxlength" not in city_input
    assert '<option value="NY">New York</option>' in form
    bad = base | {"postal_code": "1220", "phone": "12", "state": "Nowhere", "city": "x" * 101}
    page = text(http.post("/clients/new/", bad))
    assert "Enter a ZIP code of 5 digits" in page
    assert "Enter a phone number with its area code" in page
    assert "Choose a US state from the list" in page
    assert "at most 100 characters (it has 101)" in page
    assert not Client.objects.filter(given_name=base["given_name"]).exists()
    good = base | {"postal_code": "12207 1234", "phone": "518 555 0142", "state": "New York"}
    assert http.post("/clients/new/", good).status_code == 302
    saved = Client.objects.get(given_name=base["given_name"])
    assert (saved.phone, saved.postal_code, saved.state) == ("(518) 555-0142", "12207-1234", "NY")

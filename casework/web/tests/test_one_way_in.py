"""One way in (issue 10): "Add a client" and the intake's new record search first."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from casework.audit.models import AuditEvent
from casework.clients.models import Client
from casework.web.tests.helpers import signed_in, text
from casework.web.tests.test_clients import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(make_client, cm_health) -> Client:
    return make_client(
        "healthcare", actor=cm_health, given_name="Ada", family_name="Lovelace",
        date_of_birth=datetime.date(1985, 12, 10),
    )  # fmt: skip


def _add(client, user, programs, **extra):
    data = form_data(program=str(programs["healthcare"].pk), primary_case_manager="", **extra)
    return signed_in(client, user).post(reverse("web:client_create"), data)


def test_add_a_client_shows_the_likely_match_instead_of_creating_a_duplicate(
    client, cm_health, programs, ada
):
    response = _add(client, cm_health, programs)
    body = text(response)
    assert response.status_code == 200
    assert "This person may already have a record" in body
    assert "Lovelace, Ada" in body
    assert "Offered because: born the same day; same name<" in body
    assert reverse("web:client_detail", args=[ada.pk]) in response.content.decode()
    assert Client.objects.filter(family_name="Lovelace").count() == 1


def test_add_a_client_again_without_a_reason_says_what_to_do(client, cm_health, programs, ada):
    response = _add(client, cm_health, programs, matches_shown="1")
    assert "Say why this is a new person, or use one of the records above." in text(response)
    assert Client.objects.filter(family_name="Lovelace").count() == 1


def test_add_a_client_with_a_reason_creates_and_audits_it(client, cm_health, programs, ada):
    reason = "Her cousin: same name and birthday, different mother."
    response = _add(client, cm_health, programs, matches_shown="1", new_record_reason=reason)
    assert response.status_code == 302
    created = Client.objects.filter(family_name="Lovelace").exclude(pk=ada.pk).get()
    event = AuditEvent.objects.get(target_type="client_new_record_confirmed")
    assert (event.client_id, event.details["reason"]) == (created.pk, reason)


def test_intake_new_record_searches_first_too(client, intake_health, programs, ada):
    url = reverse("web:intake_new_client", args=[programs["healthcare"].pk])
    data = form_data()
    response = signed_in(client, intake_health).post(url, data)
    body = text(response)
    assert "This person may already have a record" in body
    screen = reverse("web:intake_screen", args=[programs["healthcare"].pk, ada.pk])
    assert screen in response.content.decode()
    assert Client.objects.filter(family_name="Lovelace").count() == 1
    data |= {"matches_shown": "1", "new_record_reason": "Twin sister, confirmed by ID."}
    assert signed_in(client, intake_health).post(url, data).status_code == 302
    assert Client.objects.filter(family_name="Lovelace").count() == 2


def test_intake_search_makes_use_this_client_the_main_action_for_a_strong_match(
    client, intake_health, programs, ada
):
    query = {
        "program": programs["healthcare"].pk, "given_name": "Ada", "family_name": "Lovelase",
        "date_of_birth_month": "12", "date_of_birth_day": "10", "date_of_birth_year": "1985",
    }  # fmt: skip
    page = signed_in(client, intake_health).get(reverse("web:intake_start"), query)
    html = page.content.decode()
    use = html.index("Use this client")
    assert 'class="usa-button usa-button--small"' in html[use - 300 : use]
    assert 'class="usa-button usa-button--outline" href="/intake/' in html


def test_a_worker_of_another_program_sees_no_match_and_creates(
    client, cm_mental_health, programs, ada
):
    data = form_data(program=str(programs["mental_health"].pk), primary_case_manager="")
    response = signed_in(client, cm_mental_health).post(reverse("web:client_create"), data)
    assert response.status_code == 302
    search = AuditEvent.objects.filter(actor=cm_mental_health, target_type="client_list").get()
    assert search.details["client_ids"] == []

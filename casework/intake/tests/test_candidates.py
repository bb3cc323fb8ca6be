"""Search first: matches come only from visible clients, ranked, with reasons; audited."""

from __future__ import annotations

import datetime

import pytest

from casework.clients.merge import client_merge
from casework.clients.models import Client
from casework.intake import candidates
from casework.intake.candidates import find_candidates

pytestmark = pytest.mark.django_db
BORN = datetime.date(1984, 3, 7)


@pytest.fixture
def maria(make_client, cm_health) -> Client:
    return make_client(
        "healthcare",
        actor=cm_health,
        given_name="Maria",
        family_name="Gonzalez",
        date_of_birth=BORN,
    )


def search(user, date_of_birth=BORN):
    return find_candidates(
        user, given_name="Marie", family_name="Gonzales", date_of_birth=date_of_birth
    )


def test_a_typo_in_both_names_still_finds_the_person_with_reasons(intake_health, maria):
    found = search(intake_health)
    assert [c.client for c in found] == [maria]
    assert found[0].possible_duplicate
    assert "date of birth matches" in found[0].reasons


def test_day_and_month_swapped_still_finds_the_person(intake_health, maria):
    found = search(intake_health, date_of_birth=datetime.date(1984, 7, 3))
    assert [c.client for c in found] == [maria]


def test_a_worker_of_another_program_gets_no_match(cm_mental_health, maria):
    assert search(cm_mental_health) == []


@pytest.mark.parametrize("model", ["matcher", "fallback"])
def test_both_rankings_find_the_person_and_skip_strangers(
    monkeypatch, intake_health, maria, make_client, cm_health, model
):
    make_client(
        "healthcare",
        actor=cm_health,
        given_name="Olu",
        family_name="Adeyemi",
        date_of_birth=datetime.date(1950, 1, 1),
    )
    if model == "fallback":
        monkeypatch.setattr(candidates, "default_model", lambda: None)
    found = search(intake_health)
    assert [c.client for c in found] == [maria]
    assert found[0].score > 0.5


@pytest.mark.parametrize("model", ["matcher", "fallback"])
def test_a_record_merged_away_is_never_suggested(model, org_admin, maria, make_client, monkeypatch):
    if model == "fallback":
        monkeypatch.setattr(candidates, "default_model", lambda: None)
    twin = make_client(
        "mental_health",
        actor=org_admin,
        given_name="Maria",
        family_name="Gonzalez",
        date_of_birth=BORN,
    )
    client_merge(actor=org_admin, survivor=maria, merged=twin)
    assert [c.client for c in search(org_admin)] == [maria]

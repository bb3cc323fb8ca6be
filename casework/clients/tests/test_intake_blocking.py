"""Intake search branches: which existing clients an incoming person is compared with at all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from casework.clients import intake_search
from casework.clients.matching.records import Person, features
from casework.clients.models import Client

BORN = dt.date(1980, 5, 12)


def candidates(first: str, last: str, dob: dt.date | None) -> set[int]:
    person = features(Person(id="incoming", first_name=first, last_name=last, dob=dob))
    branches = intake_search.branches_for(person, connection.ops.adapt_datefield_value)
    found, _ = intake_search._found(branches, Client.objects.all())
    return set(found)


@pytest.fixture
def stephen(make_client, cm_health) -> Client:
    return make_client(
        actor=cm_health, given_name="Stephen", family_name="Petersen", date_of_birth=BORN
    )


def test_everyone_born_that_day_or_with_day_and_month_swapped(make_client, cm_health, stephen):
    swapped = make_client(
        actor=cm_health, given_name="Ann", family_name="Lee", date_of_birth=dt.date(1980, 12, 5)
    )
    assert candidates("Maria", "Lopez", BORN) == {stephen.pk, swapped.pk}


def test_a_mistyped_date_with_a_respelt_name_is_found_by_sound(make_client, cm_health):
    katherine = make_client(
        actor=cm_health, given_name="Katherine", family_name="Reid", date_of_birth=BORN
    )
    # Neither name starts with the same three letters; the given names sound alike.
    assert katherine.pk in candidates("Catherine", "Ryder", dt.date(1980, 5, 13))
    assert katherine.pk not in candidates("Catherine", "Ryder", dt.date(1980, 6, 14))


def test_a_mistyped_date_with_swapped_names_is_found(stephen):
    assert stephen.pk in candidates("Petersen", "Stephen", dt.date(1980, 5, 13))


def test_a_mistyped_date_with_a_typo_late_in_the_name_is_found_by_prefix(stephen):
    assert stephen.pk in candidates("Stephen", "Petresen", dt.date(1980, 5, 13))


def test_a_date_wrong_by_more_than_a_keystroke_needs_both_names_to_sound_alike(stephen):
    assert stephen.pk in candidates("Steven", "Peterson", dt.date(1980, 11, 23))
    assert stephen.pk not in candidates("Steven", "Lopez", dt.date(1980, 11, 23))
    # Another year: both names sounding alike are not enough (nor is one of them), but a
    # family name one letter off with the same initial is searched with any date.
    assert stephen.pk not in candidates("Stephan", "Paterson", dt.date(1981, 11, 23))
    assert stephen.pk in candidates("Steven", "Peterson", dt.date(1981, 11, 23))


def test_without_a_date_the_same_or_same_sounding_names_or_an_initial(stephen):
    assert stephen.pk in candidates("Stephen", "Petersen", None)
    assert stephen.pk in candidates("Steven", "Peterson", None)
    assert stephen.pk in candidates("Stefan", "Petersen", None)
    assert stephen.pk in candidates("Petersen", "Steven", None)
    assert stephen.pk not in candidates("Maria", "Peters", None)


def test_with_a_date_a_client_born_elsewhere_needs_the_same_or_nearly_the_same_name(stephen):
    assert stephen.pk in candidates("Stephen", "Petersen", dt.date(1961, 1, 1))
    assert stephen.pk in candidates("Stephen", "Petersn", dt.date(1961, 1, 1))
    assert stephen.pk not in candidates("Steven", "Lopez", dt.date(1961, 1, 1))


def test_each_block_is_capped(make_client, cm_health, monkeypatch):
    monkeypatch.setattr(intake_search, "BRANCH_LIMIT", 3)
    for n in range(5):
        make_client(actor=cm_health, given_name=f"Ann{n}", family_name="Lee", date_of_birth=BORN)
    assert len(candidates("Maria", "Lopez", BORN)) == 3

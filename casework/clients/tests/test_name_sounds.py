"""The phonetic name codes intake blocks on stay right on every path that writes names."""

from __future__ import annotations

import importlib
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from casework.clients import merge as merging
from casework.clients.models import Client
from casework.clients.models.client import name_sound, normalize_name
from casework.clients.services import client_update


def assert_codes_match_names(*clients: Client) -> None:
    for client in clients:
        stored = Client.objects.values_list("family_name_sound", "given_name_sound").get(
            pk=client.pk
        )
        assert stored == (
            name_sound(normalize_name(client.family_name)),
            name_sound(normalize_name(client.given_name)),
        ), client


def test_spellings_that_sound_alike_share_a_code():
    assert name_sound("peterson") == name_sound("petersen") == "PATARSAN"
    assert name_sound("catherine") == name_sound("katherine")
    assert name_sound("o brien") == name_sound("obrien")
    assert name_sound("") == ""


def test_create_stores_the_codes(make_client, cm_health):
    client = make_client(actor=cm_health, given_name="Steven", family_name="Petersen")
    found = Client.objects.get(family_name_sound="PATARSAN", given_name_sound="STAFAN")
    assert found == client


def test_update_recomputes_the_codes(make_client, cm_health):
    client = make_client(actor=cm_health, given_name="Steven", family_name="Petersen")
    client_update(
        actor=cm_health,
        client=client,
        expected_version=client.version,
        data={"given_name": "Katherine", "family_name": "Okafor"},
    )
    stored = Client.objects.values_list("family_name_sound", "given_name_sound").get(pk=client.pk)
    assert stored == (name_sound("okafor"), name_sound("katherine"))
    assert stored != ("PATARSAN", "STAFAN")


def test_import_stores_the_codes(tmp_path: Path, programs, intake_health):
    path = tmp_path / "people.csv"
    path.write_text("given_name,family_name,date_of_birth\nStephen,Peterson,1980-05-12\n")
    call_command(
        "import_clients",
        str(path),
        "--program",
        str(programs["healthcare"].pk),
        "--commit",
        "--actor",
        intake_health.email,
        "--no-progress",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    client = Client.objects.get()
    assert (client.family_name_sound, client.given_name_sound) == ("PATARSAN", "STAFAN")


def test_merge_and_unmerge_leave_both_records_coded(
    make_client, cm_health, cm_mental_health, org_admin
):
    survivor = make_client(actor=cm_health, given_name="Robert", family_name="Ford")
    merged = make_client(
        "mental_health", actor=cm_mental_health, given_name="Bob", family_name="Forde"
    )
    merge = merging.client_merge(actor=org_admin, survivor=survivor, merged=merged)
    assert_codes_match_names(survivor, merged)
    merging.client_unmerge(actor=org_admin, merge=merge)
    assert_codes_match_names(survivor, merged)


def test_demo_seed_stores_the_codes(db, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("CASEWORK_DEMO_PASSWORD", "demo password for tests 7")
    call_command("seed_demo", "--clients", "50", stdout=StringIO(), stderr=StringIO())
    clients = list(Client.objects.all())
    assert len(clients) == 50
    assert all(c.family_name_sound for c in clients)
    assert_codes_match_names(*clients)


def test_migration_backfills_the_codes_of_existing_rows(make_client, cm_health):
    clients = [
        make_client(actor=cm_health, given_name=given, family_name=family)
        for given, family in (("Jon", "Smyth"), ("John", "Smith"), ("Ana", "O'Brien"))
    ]
    Client.objects.update(family_name_sound="", given_name_sound="")
    migration = importlib.import_module(
        "casework.clients.migrations.0007_fill_and_index_name_codes"
    )
    migration.fill_codes(apps, SimpleNamespace(connection=connection))
    assert_codes_match_names(*clients)


@pytest.mark.parametrize("name", ["Zoë", "José-Luis", "D'Angelo", "Nguyễn"])
def test_accented_and_punctuated_names_code_like_the_matcher(name, make_client, cm_health):
    from casework.clients.matching.records import normalize_text, phonetic

    client = make_client(actor=cm_health, given_name=name, family_name=name)
    client.refresh_from_db()
    assert client.family_name_sound == phonetic(normalize_text(name))
    assert client.given_name_sound == phonetic(normalize_text(name))

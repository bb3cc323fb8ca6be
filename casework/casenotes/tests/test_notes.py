"""Case notes: drafts, signing locks (service, API, web, SQL), addenda, co-signature, search."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from casework.audit.models import AuditEvent
from casework.casenotes import services as notes
from casework.casenotes.models import CaseNote, NoteAddendum
from casework.core.exceptions import Conflict, PermissionDenied

SOAP = {
    "subjective": "Client reports sleeping better since the housing move.",
    "objective": "Calm, on time, PHQ-9 score 8.",
    "assessment": "Mood improving; housing goal on track.",
    "plan": "Follow up on the SNAP recertification next week.",
}


def _draft(client: Any, programs: Any, cm: Any, **data: Any) -> CaseNote:
    fields = {
        "note_type": "soap",
        "contact_method": "face_to_face",
        "duration_minutes": 30,
        "sections": SOAP,
        "service_at": timezone.now() - datetime.timedelta(hours=1),
    } | data
    return notes.note_create(actor=cm, client=client, program=programs["healthcare"], data=fields)


def test_api_creates_a_draft_signs_it_and_then_refuses_changes_with_409(
    api: Any, client_health: Any, programs: Any, cm_health: Any
) -> None:
    caller = api(cm_health)
    created = caller.call(
        "post",
        f"/clients/{client_health.pk}/notes",
        {
            "program_id": programs["healthcare"].pk,
            "note_type": "soap",
            "contact_method": "phone",
            "duration_minutes": 23,
            "sections": SOAP,
        },
    )
    assert created.status_code == 201, created.content
    note_id = created.json()["id"]
    patched = caller.call(
        "patch", f"/notes/{note_id}", {"location": "Office"}, **{"If-Match": created["ETag"]}
    )
    assert patched.status_code == 200, patched.content
    signed = caller.call("post", f"/notes/{note_id}/sign")
    assert signed.status_code == 200, signed.content
    body = signed.json()
    assert body["status"] == "signed"
    assert body["units"] == 2  # 23 minutes under the CMS 8-minute rule
    assert body["service_code"] == "T1016"
    assert body["signature"].startswith("Electronically signed by")
    refused = caller.call(
        "patch", f"/notes/{note_id}", {"location": "Home"}, **{"If-Match": signed["ETag"]}
    )
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    assert "addendum" in refused.json()["detail"]
    again = caller.call("post", f"/notes/{note_id}/sign")
    assert again.status_code == 409
    addendum = caller.call("post", f"/notes/{note_id}/addenda", {"text": "Phone was video."})
    assert addendum.status_code == 201, addendum.content
    detail = caller.call("get", f"/notes/{note_id}").json()
    assert detail["location"] == "Office"
    assert [a["text"] for a in detail["addenda"]] == ["Phone was video."]


def test_signing_needs_every_section_and_a_duration(
    client_health: Any, programs: Any, cm_health: Any
) -> None:
    note = _draft(client_health, programs, cm_health, sections={"subjective": "x"})
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as failed:
        notes.note_sign(actor=cm_health, note=note, expected_version=note.version)
    assert "sections.plan" in failed.value.message_dict


def test_the_database_refuses_to_change_or_delete_a_signed_note(
    client_health: Any, programs: Any, cm_health: Any
) -> None:
    note = _draft(client_health, programs, cm_health)
    notes.note_sign(actor=cm_health, note=note, expected_version=note.version)
    table = CaseNote._meta.db_table
    for sql in (
        f"UPDATE {table} SET location = 'changed' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [note.pk])
    assert CaseNote.objects.get(pk=note.pk).location == ""
    addendum = notes.note_addendum_add(actor=cm_health, note=note, text="Correction.")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {NoteAddendum._meta.db_table} SET text = 'x' WHERE id = %s",  # noqa: S608
            [addendum.pk],
        )


def test_a_draft_stays_editable_in_the_database(
    client_health: Any, programs: Any, cm_health: Any
) -> None:
    note = _draft(client_health, programs, cm_health)
    CaseNote.objects.filter(pk=note.pk).update(location="Clinic")
    assert CaseNote.objects.get(pk=note.pk).location == "Clinic"


def test_the_service_refuses_a_signed_note_and_another_authors_draft(
    client_health: Any, programs: Any, cm_health: Any, sup_health: Any
) -> None:
    note = _draft(client_health, programs, cm_health)
    with pytest.raises(PermissionDenied):
        notes.note_update_draft(
            actor=sup_health, note=note, expected_version=note.version, data={"location": "x"}
        )
    notes.note_sign(actor=cm_health, note=note, expected_version=note.version)
    with pytest.raises(Conflict):
        notes.note_update_draft(
            actor=cm_health, note=note, expected_version=note.version, data={"location": "x"}
        )


def test_a_note_signed_days_after_the_service_is_a_late_entry(
    client_health: Any, programs: Any, cm_health: Any
) -> None:
    old = _draft(
        client_health, programs, cm_health, service_at=timezone.now() - datetime.timedelta(days=4)
    )
    fresh = _draft(client_health, programs, cm_health)
    assert notes.note_sign(actor=cm_health, note=old, expected_version=1).late_entry
    assert not notes.note_sign(actor=cm_health, note=fresh, expected_version=1).late_entry


def test_an_interns_note_needs_a_supervisors_cosignature(
    client_health: Any, programs: Any, cm_health: Any, sup_health: Any, cm_mental_health: Any
) -> None:
    from casework.workforce.models import Practicum

    Practicum.objects.create(
        user=cm_health,
        school="State University",
        placement_site="Riverside",
        field_instructor=sup_health,
        required_hours=400,
        started_on=datetime.date(2020, 1, 1),
    )
    note = _draft(client_health, programs, cm_health)
    note = notes.note_sign(actor=cm_health, note=note, expected_version=note.version)
    assert note.cosign_required
    assert CaseNote.objects.awaiting_cosign().filter(pk=note.pk).exists()
    with pytest.raises(PermissionDenied):
        notes.note_cosign(actor=cm_mental_health, note=note)
    with pytest.raises(PermissionDenied):
        notes.note_cosign(actor=cm_health, note=note)
    notes.note_cosign(actor=sup_health, note=note)
    assert not CaseNote.objects.awaiting_cosign().filter(pk=note.pk).exists()
    with pytest.raises(Conflict):
        notes.note_cosign(actor=sup_health, note=note)


def test_a_staff_note_needs_no_cosignature(
    client_health: Any, programs: Any, cm_health: Any
) -> None:
    note = _draft(client_health, programs, cm_health)
    assert not notes.note_sign(actor=cm_health, note=note, expected_version=1).cosign_required


def test_search_finds_words_within_the_clients_notes_only(
    api: Any, client_health: Any, programs: Any, cm_health: Any, make_client: Any
) -> None:
    _draft(client_health, programs, cm_health)
    other = make_client("healthcare", actor=cm_health, given_name="Ann")
    _draft(other, programs, cm_health)
    _draft(
        client_health,
        programs,
        cm_health,
        sections={"subjective": "Talked about the job interview.", "plan": "Mock interview."},
    )
    caller = api(cm_health)
    found = caller.call("get", f"/clients/{client_health.pk}/notes?q=recertification").json()
    assert found["count"] == 1
    assert "recertification" in found["results"][0]["sections"]["plan"]
    assert caller.call("get", f"/clients/{client_health.pk}/notes?q=interview").json()["count"] == 1
    assert caller.call("get", f"/clients/{client_health.pk}/notes?q=zebra").json()["count"] == 0
    # Query syntax is never interpreted: quotes and operators are just words.
    odd = caller.call("get", f'/clients/{client_health.pk}/notes?q="NEAR(OR"*')
    assert odd.status_code == 200
    searched = AuditEvent.objects.filter(target_type="case_note_list", action="search")
    assert searched.filter(client_id=client_health.pk).exists()


def test_a_case_manager_of_another_program_cannot_read_or_write_notes(
    api: Any, client_health: Any, programs: Any, cm_health: Any, cm_mental_health: Any
) -> None:
    note = _draft(client_health, programs, cm_health)
    intruder = api(cm_mental_health)
    assert intruder.call("get", f"/notes/{note.pk}").status_code == 404
    assert intruder.call("get", f"/clients/{client_health.pk}/notes").status_code == 404
    assert intruder.call("post", f"/notes/{note.pk}/sign").status_code == 404
    owner = api(cm_health)
    assert owner.call("get", f"/notes/{note.pk}").status_code == 200
    viewed = AuditEvent.objects.filter(target_type="case_note", target_id=str(note.pk))
    assert viewed.filter(action="view", actor=cm_health).exists()


def test_goals_addressed_must_be_goals_of_the_clients_plan(
    client_health: Any, programs: Any, cm_health: Any, make_client: Any
) -> None:
    from django.core.exceptions import ValidationError

    from casework.clients.models import Enrollment
    from casework.plans.models import Goal
    from casework.plans.services import plan_open

    def goal_of(client: Any) -> int:
        plan = plan_open(actor=cm_health, enrollment=Enrollment.objects.get(client=client))
        return Goal.objects.create(version=plan.versions.get(), measurable="Keep housing").pk

    mine = goal_of(client_health)
    theirs = goal_of(make_client("healthcare", actor=cm_health, given_name="Other"))
    note = _draft(client_health, programs, cm_health, goal_ids=[mine])
    assert note.goal_ids == [mine]
    with pytest.raises(ValidationError) as refused:
        notes.note_update_draft(
            actor=cm_health, note=note, expected_version=note.version, data={"goal_ids": [theirs]}
        )
    assert "goal_ids" in refused.value.message_dict


def test_each_index_term_carries_its_client_so_no_client_reads_anothers_terms() -> None:
    from casework.casenotes.search import client_terms, search_terms

    assert client_terms(4, "Rent is due.") == "4xRent 4xis 4xdue"
    # Client 4's word "2xrent" and client 42's "rent": neither term starts the other.
    assert not client_terms(4, "2xrent").startswith(client_terms(42, "rent"))
    # "_" separates words, as in FTS5's unicode61 tokenizer: no fragment goes unprefixed.
    assert client_terms(7, "bus_pass") == "7xbus 7xpass"
    assert search_terms('bus_pass "x" OR y*') == ["bus", "pass", "x", "OR", "y"]


def test_a_note_moved_to_another_client_is_searched_under_that_client(
    api: Any, client_health: Any, programs: Any, cm_health: Any, make_client: Any
) -> None:
    from casework.casenotes.search import search_notes

    other = make_client("healthcare", actor=cm_health, given_name="Ann")
    note = _draft(client_health, programs, cm_health, sections={"plan": "Bus_pass renewed."})

    def search(client: Any, text: str) -> list[CaseNote]:
        return list(search_notes(CaseNote.objects.filter(client=client), text, client.pk))

    assert search(client_health, "pass") == [note]
    CaseNote.objects.filter(pk=note.pk).update(client=other)  # as a merge moves a draft
    assert search(client_health, "pass") == []
    assert search(other, "renew") == [note]
    CaseNote.objects.filter(pk=note.pk).delete()
    assert search(other, "renew") == []


def test_the_search_index_finds_one_clients_notes_by_client_and_word(
    api: Any, client_health: Any, programs: Any, cm_health: Any, make_client: Any
) -> None:
    from django.db import connection

    other = make_client("healthcare", actor=cm_health, given_name="Ann")
    mine = _draft(client_health, programs, cm_health, sections={"plan": "Rent is due."})
    _draft(other, programs, cm_health, sections={"plan": "Rent is due."})
    caller = api(cm_health)
    found = caller.call("get", f"/clients/{client_health.pk}/notes?q=rent").json()
    assert [n["id"] for n in found["results"]] == [mine.pk]
    # The client's id typed as a word is a word, not the client column.
    typed = caller.call("get", f"/clients/{client_health.pk}/notes?q={client_health.pk}").json()
    assert typed["count"] == 0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM casenotes_note_fts WHERE casenotes_note_fts MATCH %s",
                [f'"{client_health.pk}xren"*'],
            )
            assert [row[0] for row in cursor.fetchall()] == [mine.pk]

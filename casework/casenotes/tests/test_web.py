"""The note pages: start, autosave, sign, locked afterwards, addendum; search on the page."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from casework.casenotes.models import CaseNote


def _http(user: Any) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def _form(note: CaseNote, **extra: str) -> dict[str, Any]:
    return {
        "version": note.version,
        "service_at": "2026-01-05T10:00",
        "contact_method": "face_to_face",
        "duration_minutes": "38",
        "travel_minutes": "20",
        "location": "Client's home",
        "category": "general",
        "section_subjective": "Says the heating is broken.",
        "section_objective": "Apartment cold, 58F.",
        "section_assessment": "Housing conditions risk health.",
        "section_plan": "Call the landlord; code enforcement if no repair.",
    } | extra


def test_a_case_manager_writes_autosaves_and_signs_a_soap_note(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    http = _http(cm_health)
    started = http.post(
        f"/clients/{client_health.pk}/notes/new/",
        {"note_type": "soap", "program": programs["healthcare"].pk},
    )
    assert started.status_code == 302
    note = CaseNote.objects.get(client=client_health)
    saved = http.post(f"/notes/{note.pk}/autosave/", _form(note))
    assert "Draft saved" in saved.content.decode()
    note.refresh_from_db()
    assert note.sections["objective"] == "Apartment cold, 58F."
    assert f'value="{note.version}"' in saved.content.decode()
    signed = http.post(f"/notes/{note.pk}/", _form(note, action="sign"))
    assert signed.status_code == 302
    note.refresh_from_db()
    assert note.is_signed
    assert note.units == 3  # 38 minutes; the 20 minutes of travel are not billed
    assert note.late_entry  # service date in January, signed now
    page = http.get(f"/notes/{note.pk}/").content.decode()
    assert "Electronically signed by" in page
    assert "Late entry" in page
    refused = http.post(f"/notes/{note.pk}/", _form(note, location="Office"), follow=True)
    assert "signed and locked" in refused.content.decode()
    after_autosave = http.post(f"/notes/{note.pk}/autosave/", _form(note, location="Office"))
    assert "can no longer be changed" in after_autosave.content.decode()
    note.refresh_from_db()
    assert note.location == "Client's home"
    http.post(f"/notes/{note.pk}/addenda/", {"text": "Landlord called back."})
    assert note.addenda.get().text == "Landlord called back."
    listing = http.get(f"/clients/{client_health.pk}/notes/?q=landlord").content.decode()
    assert "Progress note (SOAP)" in listing


def test_signing_with_a_missing_section_keeps_what_was_typed(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    http = _http(cm_health)
    http.post(
        f"/clients/{client_health.pk}/notes/new/",
        {"note_type": "soap", "program": programs["healthcare"].pk},
    )
    note = CaseNote.objects.get(client=client_health)
    response = http.post(f"/notes/{note.pk}/", _form(note, section_plan="", action="sign"))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Write the Plan section before signing." in body
    assert "Apartment cold, 58F." in body
    note.refresh_from_db()
    assert not note.is_signed


def test_the_note_pages_refuse_another_programs_case_manager(
    cm_health: Any, cm_mental_health: Any, client_health: Any, programs: Any
) -> None:
    _http(cm_health).post(
        f"/clients/{client_health.pk}/notes/new/",
        {"note_type": "dap", "program": programs["healthcare"].pk},
    )
    note = CaseNote.objects.get(client=client_health)
    intruder = _http(cm_mental_health)
    assert intruder.get(f"/notes/{note.pk}/").status_code == 404
    assert intruder.get(f"/clients/{client_health.pk}/notes/").status_code == 404
    assert intruder.post(f"/notes/{note.pk}/autosave/", {}).status_code == 404

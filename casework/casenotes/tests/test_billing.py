"""Billable units at the rules' boundaries, and the export: signed notes only, XLSX = CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from openpyxl import load_workbook

from casework.casenotes import services as notes
from casework.casenotes.billing import billable_units
from casework.casenotes.models import ProgramBilling, UnitRule


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(0, 0), (7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4), (127, 8)],
)
def test_cms_eight_minute_rule(minutes: int, units: int) -> None:
    assert billable_units(minutes, UnitRule.MEDICARE_TOTAL_TIME) == units


@pytest.mark.parametrize(
    ("minutes", "units"), [(7, 0), (8, 1), (23, 1), (24, 2), (38, 2), (39, 3), (128, 8)]
)
def test_montana_brackets_are_one_minute_later(minutes: int, units: int) -> None:
    assert billable_units(minutes, UnitRule.MONTANA_BRACKETS) == units


@pytest.mark.parametrize(("minutes", "units"), [(14, 0), (15, 1), (29, 1), (30, 2)])
def test_continuous_blocks_count_only_whole_quarter_hours(minutes: int, units: int) -> None:
    assert billable_units(minutes, UnitRule.CONTINUOUS_BLOCK) == units


def _note(cm: Any, client: Any, program: Any, minutes: int, *, sign: bool = True) -> Any:
    note = notes.note_create(
        actor=cm,
        client=client,
        program=program,
        data={
            "note_type": "contact",
            "contact_method": "face_to_face",
            "duration_minutes": minutes,
            "service_at": timezone.now() - timedelta(hours=2),
            "sections": {"purpose": "Check-in", "summary": "Talked", "next_steps": "Call"},
        },
    )
    if sign:
        note = notes.note_sign(actor=cm, note=note, expected_version=note.version)
    return note


def test_program_rule_and_code_are_fixed_at_signing(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    program = programs["healthcare"]
    ProgramBilling.objects.create(
        program=program,
        unit_rule=UnitRule.MONTANA_BRACKETS,
        service_code="T1017",
        face_to_face_modifier="U1",
    )
    note = _note(cm_health, client_health, program, 23)
    assert (note.units, note.service_code, note.unit_rule) == (1, "T1017-U1", "montana_brackets")


def test_export_counts_signed_notes_only_and_xlsx_matches_csv(
    cm_health: Any, sup_health: Any, client_health: Any, programs: Any
) -> None:
    program = programs["healthcare"]
    signed = [_note(cm_health, client_health, program, m) for m in (7, 8, 22, 23, 37, 38)]
    draft = _note(cm_health, client_health, program, 60, sign=False)
    http = HttpClient()
    http.force_login(sup_health, backend="django.contrib.auth.backends.ModelBackend")
    today = timezone.localdate()
    query = {
        "start": (today - timedelta(days=2)).isoformat(),
        "end": (today + timedelta(days=1)).isoformat(),
        "program": program.pk,
    }
    as_csv = http.get("/billing/export/", query | {"format": "csv"})
    assert as_csv.status_code == 200, as_csv.content[:500]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    header, body = rows[0], rows[1:]
    ids = {int(r[header.index("note_id")]) for r in body}
    assert draft.pk not in ids
    assert signed[0].pk not in ids  # 7 minutes bill nothing
    units = sorted(int(r[header.index("units")]) for r in body)
    assert units == [1, 1, 2, 2, 3]
    as_xlsx = http.get("/billing/export/", query | {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    xlsx_rows = [
        ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert xlsx_rows == rows


def test_a_case_manager_cannot_export_billing(cm_health: Any) -> None:
    http = HttpClient()
    http.force_login(cm_health, backend="django.contrib.auth.backends.ModelBackend")
    assert http.get("/billing/export/").status_code == 403

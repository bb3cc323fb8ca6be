"""The billing export: signed notes' units by date range, program and worker, as CSV or XLSX.

Only signed notes count (CMS: a claim may not be submitted until the documentation,
signature included, is complete); drafts and notes with no billable units are left out.
Both formats carry the same rows in the same order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.casenotes.models import CaseNote

COLUMNS = (
    "client_id",
    "service_date",
    "service_code",
    "units",
    "minutes",
    "unit_rule",
    "worker",
    "worker_email",
    "program",
    "note_id",
)


def billable_notes(
    *, program_ids: Iterable[int], start: date, end: date, worker_id: int | None = None
) -> Any:
    """Signed notes with units, served between ``start`` and ``end`` (inclusive)."""
    first = timezone.make_aware(datetime.combine(start, time.min))
    last = timezone.make_aware(datetime.combine(end, time.max))
    rows = CaseNote.objects.signed().filter(
        program_id__in=list(program_ids), service_at__gte=first, service_at__lte=last, units__gt=0
    )
    if worker_id is not None:
        rows = rows.filter(author_id=worker_id)
    return rows.select_related("author", "program").order_by("service_at", "id")


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is kept as text (CSV and XLSX alike)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def billing_rows(notes: Iterable[CaseNote]) -> list[list[Any]]:
    """One row per note, in ``COLUMNS`` order; the same rows feed both formats."""
    return [
        [
            _cell(v)
            for v in [
                note.client_id,
                timezone.localtime(note.service_at).date().isoformat(),
                note.service_code,
                note.units,
                note.duration_minutes,
                note.unit_rule,
                note.author.full_name,
                note.author.email,
                note.program.name,
                note.pk,
            ]
        ]
        for note in notes
    ]


def to_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def to_xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "Billing"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def billing_export_record(*, actor: Any, notes: list[CaseNote], fmt: str, query: dict) -> None:
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        target_type="billing_export",
        details={
            "format": fmt,
            "query": query,
            "note_ids": [n.pk for n in notes],
            "client_ids": sorted({n.client_id for n in notes}),
        },
    )

"""Bulk import of clients from CSV (issue 3).

Two steps, so nothing is written until a person confirms: :func:`import_parse` reads and
checks every row and says what each would do (create, already on file, or the errors that
stop it); :func:`import_commit` then writes every new client in one transaction, or none.

Re-running a file creates no duplicates: a row whose ``external_id`` is already an agency
identifier in the organization, or whose exact legal given and family name and date of
birth match a client of the organization, is "already on file" and skipped.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from casework.accounts.models import Program
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.intake_check import import_duplicates_check
from casework.clients.models import Client, ClientIdentifier, Sex, normalize_name
from casework.clients.record_services import record_part_add
from casework.clients.services import client_create

COLUMNS = (
    "given_name",
    "family_name",
    "middle_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "external_id",
)
REQUIRED_COLUMNS = ("given_name", "family_name")
MAX_ROWS = 20_000
# Lines a file may have beyond its rows and header (blank lines, a trailing newline).
_BLANK_LINE_SLACK = 1_000
# Family names per lookup query (well under SQLite's and PostgreSQL's parameter limits).
_CHUNK = 500
# C0 control characters and DEL: never part of a name, address or identifier. A tab or line
# break inside a quoted value is refused too (one line per field on every page and export).
# A NUL stands in as a noncharacter while the file is read (the CSV reader stops at a NUL).
_NUL = "\ufdd0"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ufdd0]")
_SEX_BY_TEXT = {str(label).lower(): int(code) for code, label in Sex.choices} | {
    str(code): int(code) for code in Sex.values
}
_SEX_BY_TEXT |= {"f": 0, "m": 1}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, header, size): nothing is imported."""


@dataclass
class ImportRow:
    line: int
    data: dict[str, Any] = field(default_factory=dict)
    external_id: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    existing_id: int | None = None

    @property
    def action(self) -> str:
        if self.errors:
            return "error"
        return "existing" if self.existing_id else "create"


@dataclass
class ImportPlan:
    rows: list[ImportRow]

    @property
    def errors(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def to_create(self) -> list[ImportRow]:
        return [r for r in self.rows if r.action == "create"]

    @property
    def existing(self) -> list[ImportRow]:
        return [r for r in self.rows if r.action == "existing"]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is not UTF-8 text (bad byte at position {error.start}). Save it as "
            "'CSV UTF-8' and upload it again."
        ) from None


def _header(reader: Any) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty: it needs a header row and data rows.") from None
    names = [h.strip().lower() for h in header]
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise ImportFileError(
            f"Unknown column(s) in the header: {', '.join(unknown)}. Allowed: {', '.join(COLUMNS)}."
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ImportFileError(
            f"The header row is missing: {', '.join(missing)}. The first row must name "
            f"the columns, e.g. {','.join(COLUMNS[:5])}."
        )
    if len(set(names)) != len(names):
        raise ImportFileError("A column is named twice in the header row.")
    return names


def _date(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        try:
            return date(int(parts[2]), int(parts[0]), int(parts[1]))
        except ValueError:
            pass
    raise ValidationError(f"'{text}' is not a real date; use YYYY-MM-DD, e.g. 1961-04-12.")


def _sex(text: str) -> int:
    if not text:
        return int(Sex.NOT_COLLECTED)
    found = _SEX_BY_TEXT.get(text.strip().lower())
    if found is None:
        raise ValidationError(
            f"'{text}' is not an HMIS 4.21 sex: use 0/1/8/9/99 or Female, Male, ..."
        )
    return found


_UNCHECKED = [f.name for f in Client._meta.concrete_fields if f.name not in COLUMNS]


@functools.lru_cache(maxsize=8)
def _blank_client(organization_id: int) -> Client:
    return Client(organization_id=organization_id)


def _row(line: int, names: list[str], values: list[str], organization_id: int) -> ImportRow:
    row = ImportRow(line=line)
    if len(values) != len(names):
        row.errors["row"] = f"Has {len(values)} values; the header has {len(names)} columns."
        return row
    raw = {n: v.strip() for n, v in zip(names, values, strict=True)}
    for name, value in raw.items():
        bad = _CONTROL.search(value)
        if bad is not None:
            row.errors[name] = (
                f"Contains a control character (code {_control_code(bad.group())}) at "
                f"position {bad.start() + 1}; remove it and upload the file again."
            )
    if row.errors:
        return row
    row.external_id = raw.pop("external_id", "")
    data: dict[str, Any] = {k: v for k, v in raw.items() if k not in ("date_of_birth", "sex")}
    for name, parse in (("date_of_birth", _date), ("sex", _sex)):
        try:
            data[name] = parse(raw.get(name, ""))
        except ValidationError as error:
            row.errors[name] = error.messages[0]
    if data.get("email"):
        try:
            validate_email(data["email"])
        except ValidationError:
            row.errors["email"] = f"'{data['email']}' is not an email address."
    data["state"] = data.get("state", "").upper()
    if len(row.external_id) > 64:
        row.errors["external_id"] = "At most 64 characters."
    row.data = data
    if not row.errors:
        # A copy of one blank client, not a new one per row (model __init__ is the costly
        # part); only the fields the file fills are checked.
        client = Client.__new__(Client)
        client.__dict__ = {**_blank_client(organization_id).__dict__, **data}
        try:
            # Field checks and the model's own rules, without a query: uniqueness is checked
            # for the whole file at once (``_mark_existing``) and again by ``client_create``.
            client.clean_fields(exclude=_UNCHECKED)
            client.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                row.errors[name] = " ".join(messages)
    return row


def _mark_existing(rows: list[ImportRow], organization_id: int) -> None:
    """Rows already on file (by agency id, else exact name and birth date) and repeats."""
    ext_ids = {r.external_id for r in rows if r.external_id and not r.errors}
    by_ext = dict(
        ClientIdentifier.objects.filter(
            organization_id=organization_id, kind=ClientIdentifier.Kind.AGENCY, value__in=ext_ids
        ).values_list("value", "client_id")
    )
    seen: dict[tuple[Any, ...], int] = {}
    keys: dict[int, tuple[str, str, date | None]] = {}
    for row in rows:
        if row.errors:
            continue
        person = _person_key(row.data)
        key = ("ext", row.external_id) if row.external_id else ("name", *person)
        if key in seen:
            row.errors["row"] = f"Repeats line {seen[key]} of the file."
            continue
        seen[key] = row.line
        keys[row.line] = person
        if row.external_id:
            row.existing_id = by_ext.get(row.external_id)
    on_file = _people_on_file(organization_id, {person[1] for person in keys.values()})
    for row in rows:
        if not row.errors and row.existing_id is None:
            row.existing_id = on_file.get(keys[row.line])


def _person_key(data: dict[str, Any]) -> tuple[str, str, date | None]:
    # Without a birth date, "the same" means the same names and no birth date on file
    # either, so that re-running a file whose rows lack birth dates adds nobody twice.
    return (
        normalize_name(data["given_name"])[:100],
        normalize_name(data["family_name"])[:100],
        data.get("date_of_birth"),
    )


def _people_on_file(
    organization_id: int, family_keys: set[str]
) -> dict[tuple[str, str, date | None], int]:
    """Active clients of the organization with these family names, by (given, family,
    birth date) key: one query per chunk of family names, not one per row."""
    families = sorted(family_keys)
    found: dict[tuple[str, str, date | None], int] = {}
    for start in range(0, len(families), _CHUNK):
        matches = (
            Client.objects.filter(
                organization_id=organization_id,
                is_active=True,
                family_name_key__in=families[start : start + _CHUNK],
            )
            .order_by("pk")
            .values_list("given_name_key", "family_name_key", "date_of_birth", "pk")
        )
        for given, family, born, pk in matches:
            found.setdefault((given, family, born), pk)
    return found


def import_parse(raw: bytes, *, program: Program, max_bytes: int) -> ImportPlan:
    """Read and check a whole file; raises :class:`ImportFileError` if it cannot be read."""
    if len(raw) > max_bytes:
        raise ImportFileError(
            f"The file is too large ({len(raw) // 1024} KB); at most {max_bytes // 1024} KB."
        )
    # Refused before any parsing; the exact count (quoted line breaks) is checked below.
    if raw.count(b"\n") > MAX_ROWS + _BLANK_LINE_SLACK:
        raise ImportFileError(f"More than {MAX_ROWS} rows: split the file.")
    # A NUL would stop the CSV reader for the whole file: it is refused on its own row.
    text = _decode(raw).replace("\x00", _NUL)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        names = _header(reader)
        rows: list[ImportRow] = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(f"More than {MAX_ROWS} rows: split the file.")
            rows.append(_row(reader.line_num, names, values, program.organization_id))
    except csv.Error as error:
        raise ImportFileError(f"Line {reader.line_num}: the CSV is malformed ({error}).") from None
    if not rows:
        raise ImportFileError("The file has a header but no data rows.")
    _mark_existing(rows, program.organization_id)
    return ImportPlan(rows=rows)


@transaction.atomic
def import_commit(
    *,
    actor: Any,
    program: Program,
    plan: ImportPlan,
    filename: str = "",
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Create every new client of a checked plan, all or nothing; returns their ids.

    Refuses a plan with errors. Rows found on file are skipped (checked again here, so a
    file imported twice at once still creates each person once).
    """
    if not plan.ok:
        raise ValidationError({"file": "Fix the rows with errors first; nothing was imported."})
    _mark_existing(plan.rows, program.organization_id)
    if plan.errors:
        raise ValidationError({"file": "The file repeats a person; nothing was imported."})
    # One way in (issue 10): the intake search, as for every other way of adding a client.
    import_duplicates_check(actor, [(row.line, row.data) for row in plan.to_create])
    created: list[int] = []
    for row in plan.to_create:
        client = client_create(actor=actor, program=program, data=row.data)
        if row.external_id:
            record_part_add(
                actor=actor,
                client=client,
                part="identifiers",
                data={"kind": ClientIdentifier.Kind.AGENCY, "value": row.external_id},
            )
        created.append(client.pk)
        if progress is not None:
            progress(1)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="client_import",
        organization_id=program.organization_id,
        details={
            "program": program.pk,
            "file": filename[:200],
            "created": len(created),
            "already_on_file": len(plan.existing),
            "at": timezone.now(),
        },
    )
    return created


def describe_errors(plan: ImportPlan) -> Iterable[str]:
    """One line per problem: "Line 4, date_of_birth: ...", for the report and the CLI."""
    for row in plan.errors:
        for name, message in row.errors.items():
            yield f"Line {row.line}, {name}: {message}"


def _control_code(char: str) -> str:
    return "U+0000, NUL" if char == _NUL else f"U+{ord(char):04X}"


def plan_dumps(plan: ImportPlan) -> bytes:
    """The checked plan as JSON, to store beside the staged file (the preview is kept, not
    computed again on every view of it)."""
    rows = [
        {
            "line": r.line,
            "data": {k: v.isoformat() if isinstance(v, date) else v for k, v in r.data.items()},
            "external_id": r.external_id,
            "errors": r.errors,
            "existing_id": r.existing_id,
        }
        for r in plan.rows
    ]
    return json.dumps(rows).encode()


def plan_loads(raw: bytes) -> ImportPlan:
    rows = []
    for item in json.loads(raw):
        data = dict(item["data"])
        if data.get("date_of_birth"):
            data["date_of_birth"] = date.fromisoformat(data["date_of_birth"])
        rows.append(
            ImportRow(
                line=item["line"],
                data=data,
                external_id=item["external_id"],
                errors=item["errors"],
                existing_id=item["existing_id"],
            )
        )
    return ImportPlan(rows=rows)

"""Reading person CSV files and writing scored pairs, with errors that point at the cell."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from casework.clients.matching import cleaning
from casework.clients.matching.cleaning import Problem
from casework.clients.matching.pipeline import ScoredPair
from casework.clients.matching.records import FIELDS, PeopleColumns, Person
from casework.clients.matching.table import cyclic_gc_paused

PAIR_COLUMNS = ("id_a", "id_b", "score")
MAX_FIELD = cleaning.MAX_FIELD

# Column names people use for each field (lower case; spaces and hyphens read as "_").
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("rec_id", "record_id", "unique_id", "client_id", "person_id"),
    "first_name": ("given_name", "first", "firstname", "forename", "given"),
    "last_name": ("surname", "family_name", "last", "lastname"),
    "dob": ("date_of_birth", "birth_date", "birthdate", "dateofbirth", "birthday"),
    "sex": ("gender",),
    "ssn": ("soc_sec_id", "social_security_number"),
    "phone": ("phone_number", "telephone", "tel", "mobile"),
    "street_number": ("house_number", "street_no"),
    "address_1": ("street_name", "street", "address", "address_line1", "street_address"),
    "address_2": ("unit_number", "unit", "address_line2", "apartment"),
    "city": ("suburb", "town", "locality"),
    "state": ("province", "region"),
    "postcode": ("zip", "zipcode", "zip_code", "postal_code", "post_code"),
}
_FIELD_OF = {name: name for name in FIELDS} | {
    alias: name for name, aliases in ALIASES.items() for alias in aliases
}


class InputError(ValueError):
    """Malformed input; the message names the file, and the row and column when known."""


@dataclass(frozen=True)
class ReadResult:
    """A people file as the matcher reads it.

    ``renamed``: file column -> field, for columns read under another name; ``problems``:
    the values treated as missing (empty after a strict read, which raises instead).
    """

    people: PeopleColumns
    renamed: dict[str, str]
    problems: list[Problem]


def _where(path: Path, row: object, column: str | None = None) -> str:
    return f"{path}, row {row}" + (f", column {column!r}" if column else "")


def read_people(path: str | Path) -> list[Person]:
    """Every row as a :class:`Person`; raises :class:`InputError` on the first bad row."""
    return read_columns(path).people()


def read_columns(path: str | Path) -> PeopleColumns:
    """Every row, column by column; raises :class:`InputError` on the first bad value."""
    return read_file(path, strict=True).people


@cyclic_gc_paused()
def read_file(path: str | Path, *, strict: bool = False) -> ReadResult:
    """Read a people CSV file; header errors always raise :class:`InputError`.

    Lenient (the default): an unusable value (see :mod:`cleaning`) is blanked and listed
    in ``problems``; a row with the wrong number of fields, no id or an id seen before is
    skipped and listed. ``strict``: the first such problem raises :class:`InputError`.
    """
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise InputError(f"{path}: cannot open ({error.strerror})") from None
    with handle:
        try:
            result = _read(path, handle)
        except UnicodeDecodeError:
            raise InputError(f"{path}: not UTF-8 text") from None
        except csv.Error as error:
            raise InputError(f"{path}: not valid CSV ({error})") from None
    if strict and result.problems:
        first = min(result.problems, key=lambda p: int(p.row))
        where = _where(path, first.row, first.column or None)
        raise InputError(f"{where}: {cleaning.message(first.value, first.why)}")
    return result


def header_fields(path: Path, header: list[str]) -> tuple[list[str], dict[str, str]]:
    """The field each column holds, and the columns read under another name.

    Raises :class:`InputError` naming unknown or repeated columns and the known names.
    """
    names = ["_".join(name.strip().lower().replace("-", " ").split()) for name in header]
    unknown = [raw for raw, name in zip(header, names, strict=True) if name not in _FIELD_OF]
    fields = [_FIELD_OF.get(name, "") for name in names]
    known = "; ".join(f"{name} ({', '.join(ALIASES[name])})" for name in FIELDS)
    if unknown:
        raise InputError(
            f"{path}, row 1 (header): unknown column(s) {', '.join(map(repr, unknown))}; "
            f"known columns (and other names accepted for them): {known}"
        )
    repeated = sorted({f for f in fields if fields.count(f) > 1})
    if repeated or "id" not in fields:
        raise InputError(
            f"{path}, row 1 (header): expected columns from {','.join(FIELDS)} including "
            f"'id', each once (repeated: {', '.join(repeated) or 'none'}); "
            f"got {','.join(header)}"
        )
    renamed = {raw: f for raw, name, f in zip(header, names, fields, strict=True) if name != f}
    return fields, renamed


def _read(path: Path, handle: TextIO) -> ReadResult:
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None:
        raise InputError(f"{path}: the file is empty; expected a header row")
    fields, renamed = header_fields(path, header)
    problems: list[Problem] = []
    rows, numbers = _usable_rows(list(reader), len(fields), problems)
    in_file = list(zip(*rows, strict=True)) if rows else [()] * len(fields)
    cells = {
        name: list(map(str.strip, column)) for name, column in zip(fields, in_file, strict=True)
    }
    keep = _unique_ids(cells["id"], rows, numbers, problems)
    if keep is not None:
        cells = {name: [column[k] for k in keep] for name, column in cells.items()}
        numbers = [numbers[k] for k in keep]
    blank = [""] * len(numbers)
    columns = {
        name: cleaning.clean_column(name, cells.get(name, blank), numbers, problems)
        for name in FIELDS
        if name != "dob"
    }
    dates = cleaning.clean_dates(cells.get("dob", blank), numbers, problems, dt.date.today())
    return ReadResult(PeopleColumns(columns, dates), renamed, problems)


def _usable_rows(
    rows: list[list[str]], width: int, problems: list[Problem]
) -> tuple[list[list[str]], Sequence[int]]:
    """Rows with ``width`` fields and their row numbers; blank rows are dropped silently."""
    if not rows or set(map(len, rows)) == {width}:
        return rows, range(2, len(rows) + 2)
    kept, numbers = [], []
    for number, row in enumerate(rows, start=2):
        if len(row) == width:
            kept.append(row)
            numbers.append(number)
        elif any(cell.strip() for cell in row):
            why = f"{len(row)} fields, expected {width}{cleaning.SKIPPED}"
            problems.append(Problem(str(number), "", "", why))
    return kept, numbers


def _unique_ids(
    ids: list[str], rows: list[list[str]], numbers: Sequence[int], problems: list[Problem]
) -> list[int] | None:
    """Indexes of the rows to keep (None: all): blank rows go silently; rows without an id
    or with an id seen before go on the problem list."""
    if "" not in ids and len(set(ids)) == len(ids):
        return None
    seen: set[str] = set()
    keep = []
    for k, identifier in enumerate(ids):
        if not identifier and not "".join(rows[k]).strip():
            continue
        if not identifier:
            problems.append(Problem(str(numbers[k]), "id", "", f"id is empty{cleaning.SKIPPED}"))
        elif identifier in seen:
            why = f"appears twice{cleaning.SKIPPED} (the first row with it is kept)"
            problems.append(Problem(str(numbers[k]), "id", cleaning.shown(identifier), why))
        else:
            seen.add(identifier)
            keep.append(k)
    return keep


def write_people(path: str | Path, people: Iterable[Person]) -> None:
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIELDS)
        for p in people:
            writer.writerow(
                [
                    getattr(p, name) if name != "dob" else (p.dob.isoformat() if p.dob else "")
                    for name in FIELDS
                ]
            )


def write_pairs(handle: TextIO, pairs: Iterable[ScoredPair]) -> int:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(PAIR_COLUMNS)
    count = 0
    for pair in pairs:
        writer.writerow([pair.id_a, pair.id_b, f"{pair.score:.6f}"])
        count += 1
    return count

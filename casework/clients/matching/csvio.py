"""Reading person CSV files and writing scored pairs, with errors that point at the cell."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from casework.clients.matching.pipeline import ScoredPair
from casework.clients.matching.records import FIELDS, PeopleColumns, Person
from casework.clients.matching.table import cyclic_gc_paused

PAIR_COLUMNS = ("id_a", "id_b", "score")
MAX_FIELD = 200


class InputError(ValueError):
    """Malformed input; the message names the file, and the row and column when known."""


def _where(path: Path, row: int, column: str | None = None) -> str:
    return f"{path}, row {row}" + (f", column {column!r}" if column else "")


def _birth_date(value: str, today: dt.date) -> dt.date | None:
    """The date in a dob cell (None if empty); ValueError says what is wrong with it."""
    if not value:
        return None
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date in YYYY-MM-DD form") from None
    if len(value) != 10:
        raise ValueError(f"{value!r} is not in YYYY-MM-DD form")
    if parsed.year < 1900 or parsed > today:  # a calendar day is enough
        raise ValueError(f"{value} is not a plausible birth date")
    return parsed


def _dob(path: Path, row: int, value: str) -> dt.date | None:
    try:
        return _birth_date(value, dt.date.today())
    except ValueError as error:
        raise InputError(f"{_where(path, row, 'dob')}: {error}") from None


def read_people(path: str | Path) -> list[Person]:
    """Every row as a :class:`Person`; raises :class:`InputError` on the first bad row."""
    return read_columns(path).people()


@cyclic_gc_paused()
def read_columns(path: str | Path) -> PeopleColumns:
    """Every row, column by column; raises :class:`InputError` on the first bad row."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise InputError(f"{path}: cannot open ({error.strerror})") from None
    with handle:
        try:
            return _read(path, handle)
        except UnicodeDecodeError:
            raise InputError(f"{path}: not UTF-8 text") from None
        except csv.Error as error:
            raise InputError(f"{path}: not valid CSV ({error})") from None


def _read(path: Path, handle: TextIO) -> PeopleColumns:
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None:
        raise InputError(f"{path}: the file is empty; expected a header row")
    header = [name.strip().lower() for name in header]
    unknown = [name for name in header if name not in FIELDS]
    if unknown or "id" not in header or len(set(header)) != len(header):
        raise InputError(
            f"{path}, row 1 (header): expected columns from {','.join(FIELDS)} including 'id', "
            f"each once; got {','.join(header)}"
        )
    rows = list(reader)
    # Blank lines are rare: a blank row shows up as a missing id or a short row, and only
    # then are rows filtered; still wrong after that, a row-by-row pass says where.
    people = _columns(header, rows) or _columns(header, [r for r in rows if "".join(r).strip()])
    if people is None:
        _raise_first_error(path, header, rows)
    assert people is not None  # _raise_first_error raised
    return people


def _columns(header: list[str], rows: list[list[str]]) -> PeopleColumns | None:
    """The rows as columns, or None if any row is malformed (then the caller says where)."""
    if rows and set(map(len, rows)) != {len(header)}:
        return None
    in_file = list(zip(*rows, strict=True)) if rows else [()] * len(header)
    cells = {
        name: list(map(str.strip, column)) for name, column in zip(header, in_file, strict=True)
    }
    ids = cells["id"]
    if "" in ids or len(set(ids)) != len(ids):
        return None
    if _longest_row(rows) > MAX_FIELD and _longest_cell(cells) > MAX_FIELD:
        return None
    dates = cells.pop("dob", None) or [""] * len(rows)
    parsed: dict[str, dt.date | None] = {}
    today = dt.date.today()
    for value in dict.fromkeys(dates):
        try:
            parsed[value] = _birth_date(value, today)
        except ValueError:
            return None
    blank = [""] * len(rows)
    columns = {name: cells.get(name, blank) for name in FIELDS if name != "dob"}
    return PeopleColumns(columns, list(map(parsed.__getitem__, dates)))


def _longest_row(rows: list[list[str]]) -> int:
    """A bound on the longest cell that is quick to get: no cell is longer than its row."""
    return max(map(len, map("".join, rows)), default=0)


def _longest_cell(cells: dict[str, list[str]]) -> int:
    return max((max(map(len, column), default=0) for column in cells.values()), default=0)


def _raise_first_error(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Check row by row and raise :class:`InputError` for the first malformed row."""
    seen: set[str] = set()
    for row_number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"{_where(path, row_number)}: {len(row)} fields, expected {len(header)}"
            )
        values = {name: cell.strip() for name, cell in zip(header, row, strict=True)}
        _check(path, row_number, values, seen)


def _check(path: Path, row: int, values: dict[str, str], seen: set[str]) -> None:
    identifier = values["id"]
    if not identifier:
        raise InputError(f"{_where(path, row, 'id')}: id is empty")
    if identifier in seen:
        raise InputError(f"{_where(path, row, 'id')}: id {identifier!r} appears twice")
    seen.add(identifier)
    for name, value in values.items():
        if len(value) > MAX_FIELD:
            raise InputError(f"{_where(path, row, name)}: longer than {MAX_FIELD} characters")
    _dob(path, row, values.get("dob", ""))


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

"""Unusable values in matcher input: found, counted, and treated as missing (issue 11).

A file of thousands of people with one birth date like ``9027-03-11`` is still a file of
people: the lenient reader (the default of ``casework match``) blanks such a value for that
field only, and records a :class:`Problem` (row, column, value, why) for the end-of-run
summary and the ``--report`` file. ``--strict`` refuses the file instead, with the same
words. Pure Python (no Django): the CSV reader and the whole-database adapter share it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from casework.clients.matching.records import Person

# A birth date before this year is a typing error or a placeholder (1900-01-01), not a
# living client; nobody is born after today.
EARLIEST_BIRTH_YEAR = 1900
MAX_FIELD = 200
# C0 and C1 control characters and DEL: never part of a name, date or address (a pasted
# form feed, a NUL from a broken export). Tabs and line breaks inside a cell count too.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# US ZIP (5 digits, or ZIP+4 with or without its hyphen) or a 4-digit postcode
# (Australia, Denmark...): what the matcher's postcode comparison can use.
_POSTCODE = re.compile(r"^(\d{5}(-?\d{4})?|\d{4})$")
DATE_FORMS = "YYYY-MM-DD, YYYYMMDD or MM/DD/YYYY"
# Ends the reason of a problem that drops the whole row (lenient reads only).
SKIPPED = "; row skipped"
REPORT_COLUMNS = ("file", "row", "column", "value", "why")


class Problem(NamedTuple):
    """One value the matcher could not use.

    ``row``: the CSV row number (the header is row 1) or "client <id>"; ``value`` as
    :func:`shown` writes it; ``why`` follows the value ("is not a date on the calendar").
    """

    row: str
    column: str
    value: str
    why: str


class UnusableValueError(ValueError):
    """A strict run met a value it cannot use; ``problem`` says which."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        where = f"row {problem.row}" + (f", column {problem.column!r}" if problem.column else "")
        super().__init__(f"{where}: {message(problem.value, problem.why)}")


def birth_date(value: str, today: dt.date) -> dt.date | None:
    """The date in a dob cell (None if empty).

    Raises ValueError whose message says what is wrong, to follow the value ("is not...").

    Accepts YYYY-MM-DD (ISO 8601), YYYYMMDD and the US MM/DD/YYYY.
    """
    if not value:
        return None
    found = _ISO.match(value) or _COMPACT.match(value)
    if found:
        year, month, day = (int(part) for part in found.groups())
    elif us := _US.match(value):
        month, day, year = (int(part) for part in us.groups())
    else:
        raise ValueError(f"is not a date in {DATE_FORMS} form")
    try:
        parsed = dt.date(year, month, day)
    except ValueError:
        raise ValueError("is not a date on the calendar") from None
    if parsed > today:
        raise ValueError("is in the future: not a plausible birth date")
    if year < EARLIEST_BIRTH_YEAR:
        raise ValueError(f"is before {EARLIEST_BIRTH_YEAR}: not a plausible birth date")
    return parsed


# Words entered where a name is not known: roles and relationships ("Baby Boy", "Lady of
# the House", "Resident"), refusals ("Unknown", "Declined"). Census enumerators and intake
# forms see them daily; newborns are registered as "Baby Girl" before they are named.
# Such a "name" agrees between strangers and differs between one person's records, so it
# is treated as missing. Single letters stay: they are initials. Family names get only the
# unmistakable words: Child, Son, Man, Friend, Parent and Lady are real surnames.
PLACEHOLDER_FAMILY_WORDS = frozenset(
    [
        "anon",
        "anonymous",
        "declined",
        "household",
        "householder",
        "nn",
        "noname",
        "none",
        "occupant",
        "refuse",
        "refused",
        "resident",
        "respondant",
        "respondent",
        "unk",
        "unknown",
    ]
)
PLACEHOLDER_NAME_WORDS = PLACEHOLDER_FAMILY_WORDS | frozenset(
    [
        "adult",
        "anon",
        "anonymous",
        "baby",
        "boy",
        "brother",
        "child",
        "daughter",
        "dau",
        "dad",
        "declined",
        "father",
        "female",
        "friend",
        "gent",
        "gentleman",
        "gentelman",
        "girl",
        "grandchild",
        "granddaughter",
        "grandson",
        "hija",
        "hijo",
        "household",
        "householder",
        "husband",
        "infant",
        "inmate",
        "kid",
        "lady",
        "male",
        "man",
        "miss",
        "mom",
        "mother",
        "mr",
        "mrs",
        "ms",
        "nephew",
        "niece",
        "none",
        "nn",
        "noname",
        "occupant",
        "owner",
        "parent",
        "person",
        "refused",
        "refuse",
        "resident",
        "respondent",
        "respondant",
        "senor",
        "senora",
        "sister",
        "son",
        "unk",
        "unknown",
        "wife",
        "woman",
    ]
)
# Words that only join placeholder words ("Lady of the House", "Hijo de la Casa").
_FILLER_WORDS = frozenset(
    ["of", "the", "in", "de", "la", "del", "casa", "house", "home", "one", "two", "three"]
)
_WORD = re.compile(r"[^\W\d_]+")


def _placeholder(value: str, placeholders: frozenset[str]) -> str | None:
    words = [word.lower() for word in _WORD.findall(value)]
    if not words or not any(word in placeholders for word in words):
        return None
    if all(word in placeholders or word in _FILLER_WORDS for word in words):
        return "is a placeholder, not a name"
    return None


def name_problem(value: str) -> str | None:
    """Why a first name cannot be used ("is ..."), or None."""
    return _placeholder(value, PLACEHOLDER_NAME_WORDS)


def family_name_problem(value: str) -> str | None:
    """Why a last name cannot be used ("is ..."), or None."""
    return _placeholder(value, PLACEHOLDER_FAMILY_WORDS)


def postcode_problem(value: str) -> str | None:
    """Why a postcode cannot be used ("is ..."), or None (empty is fine: simply missing)."""
    if not value:
        return None
    compact = value.replace(" ", "")
    if not _POSTCODE.match(compact):
        return "is not a 5-digit ZIP code, ZIP+4 or 4-digit postcode"
    if not compact.strip("0-"):
        return "is a placeholder postcode (all zeros)"
    return None


def cell_problem(value: str) -> str | None:
    """Why any text cell cannot be used: control characters, or far too long."""
    if CONTROL.search(value):
        return "contains control characters"
    if len(value) > MAX_FIELD:
        return f"is longer than {MAX_FIELD} characters"
    return None


FIELD_CHECKS: dict[str, Callable[[str], str | None]] = {
    "first_name": name_problem,
    "last_name": family_name_problem,
    "postcode": postcode_problem,
}


def shown(value: str) -> str:
    """The value as a report shows it: control characters escaped, long values cut."""
    text = CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", value)
    return text if len(text) <= 80 else text[:77] + "..."


def clean_column(
    name: str, cells: list[str], rows: Sequence[object], problems: list[Problem]
) -> list[str]:
    """``cells`` with unusable values blanked (control characters, too long; placeholder
    names and malformed postcodes).

    Quick when nothing is wrong: one search over the joined column, distinct values once.
    """
    bad: dict[str, str] = {}
    if CONTROL.search("".join(cells)) or max(map(len, cells), default=0) > MAX_FIELD:
        bad.update({v: why for v in dict.fromkeys(cells) if (why := cell_problem(v))})
    check = FIELD_CHECKS.get(name)
    if check is not None:
        for value in dict.fromkeys(cells):
            if value not in bad and (why := check(value)):
                bad[value] = why
    if not bad:
        return cells
    out = list(cells)
    as_shown = {value: shown(value) for value in bad}  # once per value: "00000" fills columns
    for k, value in enumerate(cells):
        if value in bad:
            problems.append(Problem(str(rows[k]), name, as_shown[value], bad[value]))
            out[k] = ""
    return out


def clean_dates(
    cells: list[str], rows: Sequence[object], problems: list[Problem], today: dt.date
) -> list[dt.date | None]:
    """Each dob cell parsed (each distinct value once); unusable ones None and reported."""
    parsed: dict[str, dt.date | None] = {}
    bad: dict[str, str] = {}
    for value in dict.fromkeys(cells):
        try:
            parsed[value] = birth_date(value, today)
        except ValueError as error:
            parsed[value], bad[value] = None, str(error)
    if bad:
        as_shown = {value: shown(value) for value in bad}
        for k, value in enumerate(cells):
            if value in bad:
                problems.append(Problem(str(rows[k]), "dob", as_shown[value], bad[value]))
    return list(map(parsed.__getitem__, cells))


def message(value: str, why: str) -> str:
    """A refused value in words: the value (as :func:`shown`), then why it is unusable."""
    return f"'{shown(value)}' {why.split(SKIPPED)[0]}" if value else why.split(SKIPPED)[0]


def summary(problems: Iterable[Problem]) -> list[str]:
    """One line per (column, kind of problem) with its count, most frequent first."""
    counts = Counter((p.column or "(row)", p.why) for p in problems)
    return [
        f"{count:,} x {column}: {why}"
        for (column, why), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def write_report(path: str | Path, problems: Iterable[tuple[str, Problem]]) -> int:
    """``(source, problem)`` items as CSV (file, row, column, value, why); returns the count.

    The values are client data: the report is as sensitive as the input it describes.
    """
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_COLUMNS)
        for source, problem in problems:
            writer.writerow([source, *problem])
            count += 1
    return count


_TEXT_FIELDS = (
    "first_name",
    "last_name",
    "sex",
    "ssn",
    "phone",
    "street_number",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
)


def clean_people(people: Sequence[Person], today: dt.date) -> tuple[list[Person], list[Problem]]:
    """People (from the database) with unusable values blanked, and what was blanked.

    The same checks as a CSV file's cells; a date of birth is already a date, so only
    its plausibility is checked. Rows are labelled "client <id>".
    """
    problems: list[Problem] = []
    out = []
    for person in people:
        changes: dict[str, object] = {}
        label = f"client {person.id}"
        for name in _TEXT_FIELDS:
            value: str = getattr(person, name)
            check = FIELD_CHECKS.get(name)
            why = cell_problem(value) or (check(value) if check else None)
            if why:
                problems.append(Problem(label, name, shown(value), why))
                changes[name] = ""
        dob = person.dob
        if dob is not None and (dob > today or dob.year < EARLIEST_BIRTH_YEAR):
            try:
                birth_date(dob.isoformat(), today)
            except ValueError as error:
                problems.append(Problem(label, "dob", dob.isoformat(), str(error)))
                changes["dob"] = None
        out.append(replace(person, **changes) if changes else person)  # type: ignore[arg-type]
    return out, problems

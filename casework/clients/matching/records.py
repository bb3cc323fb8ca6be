"""Person records as the matcher sees them: raw fields in, normalized features out.

Pure Python (no Django): the CSV reader, the whole-database adapter and intake search all
build :class:`Person` values and turn them into :class:`Features` once, so that every
pairwise comparison works on pre-computed, cheap-to-compare values.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import jellyfish

# The CSV columns, in order (issue 3). Only ``id`` is required.
FIELDS = (
    "id",
    "first_name",
    "last_name",
    "dob",
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

# USPS street-suffix and unit abbreviations (Publication 28, appendix C), the common ones:
# "Main Street" and "Main St" must compare equal.
_STREET_WORDS = {
    "street": "st",
    "avenue": "ave",
    "road": "rd",
    "drive": "dr",
    "lane": "ln",
    "boulevard": "blvd",
    "court": "ct",
    "place": "pl",
    "terrace": "ter",
    "circle": "cir",
    "highway": "hwy",
    "parkway": "pkwy",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "apartment": "apt",
    "suite": "ste",
    "unit": "unit",
}
# SSNs the SSA never issues, or that people type when they will not give one.
_PLACEHOLDER_SSNS = {"000000000", "111111111", "999999999", "123456789"}
# After NFKD and accent stripping; non-ASCII letters that have no ASCII base stay letters.
_NOT_ALNUM = re.compile(r"[^\w]|_")
_NON_DIGIT = re.compile(r"[^0-9]+")
_SEX_CODES = {"f": "f", "female": "f", "0": "f", "m": "m", "male": "m", "1": "m"}


@lru_cache(maxsize=100_000)
def normalize_text(value: str | None) -> str:
    """Lower-case, accent-free, letters/digits/single spaces (hyphens become spaces)."""
    text = value or ""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_ALNUM.sub(" ", text.lower()).split())


def digits(value: str | None) -> str:
    return _NON_DIGIT.sub("", value) if value else ""


# Many values at once (the columnar path normalizes each distinct value of a column): the
# values are joined with NUL, which no rule below removes or adds, and the regular
# expression runs once over the joined text. Identical to the one-value functions above.
_JOIN = "\x00"
_NOT_ALNUM_NOR_JOIN = re.compile(r"[^\w\x00]|_")
_NON_DIGIT_NOR_JOIN = re.compile(r"[^0-9\x00]+")


def _joinable(values: Sequence[str], ascii_only: bool) -> list[str]:
    return [v for v in values if _JOIN not in v and (v.isascii() or not ascii_only)]


def _each(values: Sequence[str], done: dict[str, str], one: Callable[[str], str]) -> list[str]:
    get = done.get
    return [found if (found := get(v)) is not None else one(v) for v in values]


def normalize_texts(values: Sequence[str]) -> list[str]:
    """:func:`normalize_text` of each value (ASCII ones in one pass over joined text)."""
    plain = _joinable(values, ascii_only=True)
    if not plain:
        return [normalize_text(v) for v in values]
    pieces = _NOT_ALNUM_NOR_JOIN.sub(" ", _JOIN.join(plain).lower()).split(_JOIN)
    done = {raw: " ".join(piece.split()) for raw, piece in zip(plain, pieces, strict=True)}
    return _each(values, done, normalize_text)


def digit_strings(values: Sequence[str]) -> list[str]:
    """:func:`digits` of each value, in one pass over the joined text."""
    plain = _joinable(values, ascii_only=False)
    if not plain:
        return [digits(v) for v in values]
    pieces = _NON_DIGIT_NOR_JOIN.sub("", _JOIN.join(plain)).split(_JOIN)
    return _each(values, dict(zip(plain, pieces, strict=True)), digits)


@lru_cache(maxsize=100_000)
def phonetic(value: str) -> str:
    """NYSIIS code of a normalized name without spaces ('' for no letters)."""
    letters = "".join(ch for ch in value if ch.isalpha())
    return jellyfish.nysiis(letters) if letters else ""


@lru_cache(maxsize=100_000)
def metaphone(value: str) -> str:
    letters = "".join(ch for ch in value if ch.isalpha())
    return jellyfish.metaphone(letters) if letters else ""


@dataclass(frozen=True, slots=True)
class Person:
    """One incoming person record; every field but ``id`` may be empty."""

    id: str
    first_name: str = ""
    last_name: str = ""
    dob: dt.date | None = None
    sex: str = ""
    ssn: str = ""
    phone: str = ""
    street_number: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class PeopleColumns:
    """A people CSV file column by column: what bulk matching reads (no per-row objects).

    ``columns`` maps each field of ``records.FIELDS`` but dob to its stripped cells (absent
    columns are empty strings); ``dates`` holds the parsed dates of birth.
    """

    columns: dict[str, list[str]]
    dates: list[dt.date | None]

    def __len__(self) -> int:
        return len(self.dates)

    def __add__(self, other: PeopleColumns) -> PeopleColumns:
        columns = {name: self.columns[name] + other.columns[name] for name in self.columns}
        return PeopleColumns(columns, self.dates + other.dates)

    def people(self) -> list[Person]:
        names = list(self.columns)
        return [
            Person(dob=dob, **dict(zip(names, values, strict=True)))
            for dob, values in zip(
                self.dates, zip(*self.columns.values(), strict=True), strict=True
            )
        ]


@dataclass(slots=True)
class Features:
    """Normalized, comparison-ready values of one :class:`Person` ('' or None = missing)."""

    id: str
    first: str
    last: str
    first_parts: tuple[str, ...]
    last_parts: tuple[str, ...]
    first_nysiis: str
    last_nysiis: str
    first_meta: str
    last_meta: str
    dob: str  # YYYYMMDD or ''
    dob_ymd: tuple[int, int, int] | None
    sex: str
    ssn: str
    phone: str
    street: str  # "12 main st", '' when there is no street line
    unit: str
    city: str
    state: str
    postcode: str
    extra: dict[str, object] = field(default_factory=dict)


def _abbreviated(normalized_line: str) -> str:
    return " ".join(_STREET_WORDS.get(word, word) for word in normalized_line.split())


def _street(normalized_number: str, words: str) -> str:
    return f"{normalized_number} {words}".strip() if words else ""


def street_value(number: str, line: str) -> str:
    """'12', 'Main Street' -> '12 main st'; '' when there is no street line."""
    if not line:
        return ""
    return _street(normalize_text(number), _abbreviated(normalize_text(line)))


def street_values(numbers_and_lines: Sequence[tuple[str, str]]) -> list[str]:
    """:func:`street_value` of many (number, line) pairs; each distinct part once."""
    numbers = [number for number, _ in numbers_and_lines]
    lines = [line for _, line in numbers_and_lines]
    number = _many(numbers, normalize_texts)
    words = _many(lines, _abbreviated_lines)
    return [_street(number[n], words[line]) for n, line in zip(numbers, lines, strict=True)]


def streets_of_parts(
    numbers: list[str], lines: list[str], pairs: Iterable[tuple[int, int]]
) -> list[str]:
    """:func:`street_value` of (numbers[a], lines[b]) for each (a, b) in ``pairs``.

    For distinct numbers and lines (each is normalized once) and distinct index pairs.
    """
    number = normalize_texts(numbers)
    words = _abbreviated_lines(lines)
    return [_street(number[a], words[b]) for a, b in pairs]


def _many(values: list[str], each: Callable[[list[str]], list[str]]) -> dict[str, str]:
    distinct = list(dict.fromkeys(values))
    return dict(zip(distinct, each(distinct), strict=True))


# A street word to abbreviate, as a whole word in normalized text (NUL-joined values).
_STREET_WORD = re.compile(r"(?<![^ \x00])(?:" + "|".join(_STREET_WORDS) + r")(?![^ \x00])")


def _abbreviated_lines(lines: list[str]) -> list[str]:
    """:func:`_abbreviated` of each normalized line, in one pass over the joined text."""
    if not lines:
        return []
    joined = _JOIN.join(normalize_texts(lines))
    return _STREET_WORD.sub(lambda found: _STREET_WORDS[found.group()], joined).split(_JOIN)


def _ssn(all_digits: str) -> str:
    valid = len(all_digits) == 9 and all_digits not in _PLACEHOLDER_SSNS
    return all_digits if valid else ""


def ssn_value(raw: str) -> str:
    """Nine digits, or '' for a missing, malformed or placeholder SSN."""
    return _ssn(digits(raw))


def ssn_values(raws: Sequence[str]) -> list[str]:
    return list(map(_ssn, digit_strings(raws)))


def _phone(all_digits: str) -> str:
    phone = all_digits[-10:]
    return "" if len(phone) < 7 or len(set(phone)) == 1 else phone


def phone_value(raw: str) -> str:
    """The last ten digits, or '' for fewer than seven digits or one repeated digit."""
    return _phone(digits(raw))


def phone_values(raws: Sequence[str]) -> list[str]:
    return list(map(_phone, digit_strings(raws)))


def sex_value(raw: str) -> str:
    return _SEX_CODES.get(normalize_text(raw), "")


def sex_values(raws: Sequence[str]) -> list[str]:
    return [_SEX_CODES.get(value, "") for value in normalize_texts(raws)]


def postcode_value(raw: str) -> str:
    return digits(raw)[:5]


def postcode_values(raws: Sequence[str]) -> list[str]:
    return [value[:5] for value in digit_strings(raws)]


def dob_value(dob: dt.date | None) -> str:
    # As strftime("%Y%m%d") (zero-padded), a quarter of its cost: ranking reads every candidate.
    return f"{dob.year:04d}{dob.month:02d}{dob.day:02d}" if dob else ""


def features(person: Person) -> Features:
    """Normalize once; comparisons then only look values up.

    Each field goes through its own ``*_value`` function, which the columnar path
    (:mod:`casework.clients.matching.table`) applies once per distinct raw value instead.
    """
    first = normalize_text(person.first_name)
    last = normalize_text(person.last_name)
    dob = person.dob
    return Features(
        id=person.id,
        first=first,
        last=last,
        first_parts=tuple(first.split()),
        last_parts=tuple(last.split()),
        first_nysiis=phonetic(first),
        last_nysiis=phonetic(last),
        first_meta=metaphone(first),
        last_meta=metaphone(last),
        dob=dob_value(dob),
        dob_ymd=(dob.year, dob.month, dob.day) if dob else None,
        sex=sex_value(person.sex),
        ssn=ssn_value(person.ssn),
        phone=phone_value(person.phone),
        street=street_value(person.street_number, person.address_1),
        unit=normalize_text(person.address_2),
        city=normalize_text(person.city),
        state=normalize_text(person.state),
        postcode=postcode_value(person.postcode),
    )

"""Per-field comparison levels: the gamma vector of the Fellegi-Sunter model.

Each comparison maps a pair of :class:`Features` to the index of the first level that
holds (levels go from strongest agreement to outright disagreement), or ``None`` when
either side is missing, which the model scores as neutral (weight 0).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from rapidfuzz.distance import OSA, JaroWinkler

from casework.clients.matching.records import Features, metaphone, phonetic

# A one-keystroke error (Damerau-Levenshtein 1, in its optimal-string-alignment form:
# insert, delete, substitute or swap two neighbours) or Jaro-Winkler >= 0.92 is the usual
# "typo" cut-off in linkage practice (Winkler 1990; splink's name comparisons use 0.92).
JW_TYPO = 0.92
NICKNAMES_CSV = Path(__file__).parent / "data" / "nicknames.csv"

Gamma = tuple[int | None, ...]


@dataclass(frozen=True)
class Comparison:
    """One field's levels (best first) and the words used to explain each level."""

    name: str
    levels: tuple[str, ...]
    reasons: tuple[str, ...]


FIRST_NAME = Comparison(
    "first_name",
    ("exact", "swapped", "nickname", "part", "typo", "sounds_alike", "initial", "different"),
    (
        "first name matches",
        "first and last names are swapped",
        "first name is a known nickname",
        "first name shares a part",
        "first name is spelled similarly",
        "first name sounds alike",
        "first name matches an initial",
        "first name differs",
    ),
)
LAST_NAME = Comparison(
    "last_name",
    ("exact", "swapped", "part", "typo", "sounds_alike", "different"),
    (
        "last name matches",
        "last and first names are swapped",
        "last name shares a hyphenated part",
        "last name is spelled similarly",
        "last name sounds alike",
        "last name differs",
    ),
)
DOB = Comparison(
    "dob",
    ("exact", "transposed", "typo", "year_month", "different"),
    (
        "date of birth matches",
        "date of birth has day and month swapped",
        "date of birth differs by one digit",
        "birth year and month match",
        "date of birth differs",
    ),
)
SEX = Comparison("sex", ("exact", "different"), ("sex matches", "sex differs"))
SSN = Comparison(
    "ssn",
    ("exact", "typo", "different"),
    ("SSN matches", "SSN differs by one digit", "SSN differs"),
)
PHONE = Comparison("phone", ("exact", "different"), ("phone matches", "phone differs"))
ADDRESS = Comparison(
    "address",
    ("exact", "street", "postcode", "city", "different"),
    (
        "address matches",
        "street address is similar",
        "postcode matches",
        "city matches",
        "address differs",
    ),
)

ALL_COMPARISONS = (FIRST_NAME, LAST_NAME, DOB, SEX, SSN, PHONE, ADDRESS)
NAMES_DOB_ADDRESS = ("first_name", "last_name", "dob", "sex", "phone", "address")
NAMES_DOB = ("first_name", "last_name", "dob", "sex")


@cache
def nickname_groups() -> dict[str, frozenset[str]]:
    """name -> every name it is linked to as a nickname (both directions)."""
    groups: dict[str, set[str]] = {}
    with NICKNAMES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            a, b = row["name1"].strip().lower(), row["name2"].strip().lower()
            groups.setdefault(a, set()).add(b)
            groups.setdefault(b, set()).add(a)
    return {name: frozenset(linked) for name, linked in groups.items()}


_osa = OSA.distance
_jaro_winkler = JaroWinkler.similarity


def one_edit(a: str, b: str) -> bool:
    """At most one insertion, deletion, substitution or neighbour swap."""
    return abs(len(a) - len(b)) <= 1 and _osa(a, b) <= 1


def is_typo(a: str, b: str) -> bool:
    if min(len(a), len(b)) >= 3 and one_edit(a, b):
        return True
    return _jaro_winkler(a, b) >= JW_TYPO


def _sounds_alike(a: str, b: str) -> bool:
    return phonetic(a) == phonetic(b) or metaphone(a) == metaphone(b)


@lru_cache(maxsize=200_000)
def _first_level(a: str, b: str) -> int:
    if a == b:
        return 0
    if b in nickname_groups().get(a, ()) or a in nickname_groups().get(b, ()):
        return 2
    a_parts, b_parts = a.split(), b.split()
    if (len(a_parts) > 1 or len(b_parts) > 1) and set(a_parts) & set(b_parts):
        return 3
    if is_typo(a, b):
        return 4
    if _sounds_alike(a, b):
        return 5
    if (len(a) == 1 or len(b) == 1) and a[0] == b[0]:
        return 6
    return 7


@lru_cache(maxsize=200_000)
def _last_level(a: str, b: str) -> int:
    if a == b:
        return 0
    a_parts, b_parts = a.split(), b.split()
    if (len(a_parts) > 1 or len(b_parts) > 1) and set(a_parts) & set(b_parts):
        return 2
    if is_typo(a, b):
        return 3
    if _sounds_alike(a, b):
        return 4
    return 5


def _swapped(a: Features, b: Features) -> bool:
    if not (a.first and a.last and b.first and b.last) or a.first == b.first:
        return False
    return _maybe_same(a.first, b.last) and _maybe_same(a.last, b.first)


def _maybe_same(a: str, b: str) -> bool:
    # Cheap filter first: almost every pair differs in its first letter and is no nickname.
    if a[0] != b[0] and b not in nickname_groups().get(a, ()):
        return False
    return _same_name(a, b)


def _same_name(a: str, b: str) -> bool:
    return a == b or is_typo(a, b) or b in nickname_groups().get(a, ())


def compare_names(a: Features, b: Features) -> tuple[int | None, int | None]:
    """First- and last-name levels together, since a swap is a property of both."""
    if _swapped(a, b):
        return 1, 1
    first = _first_level(a.first, b.first) if a.first and b.first else None
    last = _last_level(a.last, b.last) if a.last and b.last else None
    return first, last


def compare_dob(a: Features, b: Features) -> int | None:
    if not a.dob or not b.dob or a.dob_ymd is None or b.dob_ymd is None:
        return None
    if a.dob == b.dob:
        return 0
    (ay, am, ad), (by, bm, bd) = a.dob_ymd, b.dob_ymd
    if ay == by and am == bd and ad == bm:
        return 1
    if one_edit(a.dob, b.dob):
        return 2
    if ay == by and am == bm:
        return 3
    return 4


def compare_sex(a: Features, b: Features) -> int | None:
    if not a.sex or not b.sex:
        return None
    return 0 if a.sex == b.sex else 1


def compare_ssn(a: Features, b: Features) -> int | None:
    if not a.ssn or not b.ssn:
        return None
    if a.ssn == b.ssn:
        return 0
    return 1 if one_edit(a.ssn, b.ssn) else 2


def compare_phone(a: Features, b: Features) -> int | None:
    if not a.phone or not b.phone:
        return None
    return 0 if a.phone[-7:] == b.phone[-7:] else 1


def compare_address(a: Features, b: Features) -> int | None:
    if not (a.street or a.postcode or a.city) or not (b.street or b.postcode or b.city):
        return None
    if a.street and a.street == b.street and (a.postcode == b.postcode or a.city == b.city):
        return 0
    if a.street and b.street and _jaro_winkler(a.street, b.street) >= JW_TYPO:
        return 1
    if a.postcode and a.postcode == b.postcode:
        return 2
    if a.city and a.city == b.city and a.state == b.state:
        return 3
    return 4


_SINGLE: dict[str, Callable[[Features, Features], int | None]] = {
    "dob": compare_dob,
    "sex": compare_sex,
    "ssn": compare_ssn,
    "phone": compare_phone,
    "address": compare_address,
}


def comparator(names: Sequence[str]) -> Callable[[Features, Features], Gamma]:
    """A function computing the gamma vector over the chosen comparisons, in that order."""
    wants_names = "first_name" in names or "last_name" in names
    others = [(names.index(n), _SINGLE[n]) for n in names if n in _SINGLE]
    first_at = names.index("first_name") if "first_name" in names else None
    last_at = names.index("last_name") if "last_name" in names else None
    size = len(names)

    def gamma(a: Features, b: Features) -> Gamma:
        out: list[int | None] = [None] * size
        if wants_names:
            first, last = compare_names(a, b)
            if first_at is not None:
                out[first_at] = first
            if last_at is not None:
                out[last_at] = last
        for at, fn in others:
            out[at] = fn(a, b)
        return tuple(out)

    return gamma


def by_name(names: Sequence[str]) -> tuple[Comparison, ...]:
    known = {c.name: c for c in ALL_COMPARISONS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown comparison(s): {', '.join(unknown)}")
    return tuple(known[n] for n in names)


def clear_caches() -> None:
    """Forget memoised comparisons and normalisations (benchmarks start each run cold)."""
    from casework.clients.matching import records

    for fn in (_first_level, _last_level, records.normalize_text, records.phonetic):
        fn.cache_clear()
    records.metaphone.cache_clear()
    nickname_groups.cache_clear()

"""Blocking: which pairs get compared at all.

Comparing all n(n-1)/2 pairs is hopeless at a million records, so a pair is compared only
when it shares the key of at least one rule below. Each rule is cheap and selective; their
union catches the kinds of duplicate that one error leaves behind (a typo in the last name
still shares the date of birth; a wrong date of birth still shares the sound of the last
name and the birth year; a different name still shares the SSN or the phone).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence

from casework.clients.matching.records import Features

# A rule gives a record one key, several (it joins each of those blocks) or None.
BlockingKey = Callable[[Features], str | tuple[str, ...] | None]


def _dob(f: Features) -> str | None:
    # Year plus the day and month in sorted order: the same block for 1990-03-07 and
    # 1990-07-03, so day/month transpositions are compared too.
    if f.dob_ymd is None:
        return None
    year, month, day = f.dob_ymd
    low, high = sorted((month, day))
    return f"{year}|{low}|{high}"


def _dob_initials(f: Features) -> tuple[str, ...] | None:
    # One key per initial (first and last name): pairs that share a birthday and either
    # initial in either place, so swapped names and a missing first name still meet.
    key = _dob(f)
    if not key:
        return None
    initials = sorted({name[0] for name in (f.first, f.last) if name})
    return tuple(f"{key}|{initial}" for initial in initials) or None


def _last_sound_year(f: Features) -> str | None:
    if not f.last_nysiis or not f.dob:
        return None
    return f"{f.last_nysiis}|{f.dob[:4]}"


def _first_sound_postcode(f: Features) -> str | None:
    if not f.first_nysiis or not f.postcode:
        return None
    return f"{f.first_nysiis}|{f.postcode}"


def _names_sound(f: Features) -> str | None:
    # Sorted, so that a first/last swap lands in the same block.
    if not f.first_nysiis or not f.last_nysiis:
        return None
    return "|".join(sorted((f.first_nysiis, f.last_nysiis)))


def _phone(f: Features) -> str | None:
    return f.phone[-7:] if f.phone else None


def _ssn(f: Features) -> str | None:
    return f.ssn or None


RULES: dict[str, BlockingKey] = {
    "dob": _dob,
    "dob+initial": _dob_initials,
    "last_name_sound+birth_year": _last_sound_year,
    "first_name_sound+postcode": _first_sound_postcode,
    "first_and_last_name_sound": _names_sound,
    "phone": _phone,
    "ssn": _ssn,
}

# The rules that choose the pairs to score. A shared birthday alone is the biggest block
# (n^2 / 60,000 pairs: 270,000 at 100,000 records, nearly all different people), so for
# scoring it also needs the first or the last name's initial; the plain dob rule stays
# for training, where EM needs pairs whose names differ.
PREDICTION_RULES = (
    "dob+initial",
    "last_name_sound+birth_year",
    "first_name_sound+postcode",
    "first_and_last_name_sound",
    "phone",
    "ssn",
)

# A key shared by more records than this is not selective (a shared agency phone number,
# a placeholder date such as 1900-01-01): comparing all its pairs would cost more than the
# few true matches it could add, which other rules usually catch anyway.
MAX_BLOCK = 2_000


def _groups(records: Sequence[Features], key: BlockingKey) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        value = key(record)
        if value is None:
            continue
        if isinstance(value, str):
            groups[value].append(index)
        else:
            for each in value:
                groups[each].append(index)
    return groups


def dedupe_pairs(
    records: Sequence[Features], rules: Sequence[str] = PREDICTION_RULES
) -> Iterator[tuple[int, int]]:
    """Distinct index pairs (i < j) sharing at least one rule's key."""
    seen: set[tuple[int, int]] = set()
    for rule in rules:
        for members in _groups(records, RULES[rule]).values():
            if len(members) < 2 or len(members) > MAX_BLOCK:
                continue
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    pair = (i, j)
                    if pair not in seen:
                        seen.add(pair)
                        yield pair


def link_pairs(
    left: Sequence[Features], right: Sequence[Features], rules: Sequence[str] = PREDICTION_RULES
) -> Iterator[tuple[int, int]]:
    """Distinct (left index, right index) pairs sharing at least one rule's key."""
    seen: set[tuple[int, int]] = set()
    for rule in rules:
        right_groups = _groups(right, RULES[rule])
        for value, members in _groups(left, RULES[rule]).items():
            others = right_groups.get(value)
            if not others or len(members) * len(others) > MAX_BLOCK * MAX_BLOCK // 2:
                continue
            for i in members:
                for j in others:
                    pair = (i, j)
                    if pair not in seen:
                        seen.add(pair)
                        yield pair


def rule_pairs(records: Sequence[Features], rule: str) -> Iterator[tuple[int, int]]:
    """Pairs of one rule only: the training sample for one EM session."""
    return dedupe_pairs(records, (rule,))


def block_pairs(records: Sequence[Features], rule: str) -> int:
    """How many pairs one rule's blocks hold (what :func:`rule_pairs` would yield)."""
    sizes = (len(m) for m in _groups(records, RULES[rule]).values())
    return sum(n * (n - 1) // 2 for n in sizes if 2 <= n <= MAX_BLOCK)

"""Blocking: which pairs get compared at all.

Comparing all n(n-1)/2 pairs is hopeless at a million records, so a pair is compared only
when it shares the key of at least one rule below. Each rule is cheap and selective; their
union catches the kinds of duplicate that one error leaves behind (a typo in the last name
still shares the date of birth; a wrong digit in the date of birth still shares the sound
of the last name, the birth year and the month or the day; a different name still shares
the SSN or the phone).

Keys are integers computed for whole columns of a :class:`~table.FeatureTable`; a block is
a run of equal keys after sorting, and its pairs are generated as arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from casework.clients.matching.table import Codes, FeatureTable

# A rule gives each record at most one key per column of its result: (record, key) rows.
Keys = tuple[Codes, Codes]
BlockingKey = Callable[[FeatureTable], Keys]

_DAYS = 100  # month and day are below 100, so year * 10000 + low * 100 + high is unique
_CHARACTERS = 1 << 21  # every Unicode code point is below this


def _rows(table: FeatureTable, present: np.ndarray, key: Codes) -> Keys:
    rows = np.flatnonzero(present)
    return rows, key[rows]


def _dob_keys(table: FeatureTable) -> Codes:
    # Year plus the day and month in sorted order: the same block for 1990-03-07 and
    # 1990-07-03, so day/month transpositions are compared too.
    year, month, day = table.ymd.T
    low, high = np.minimum(month, day), np.maximum(month, day)
    return (year * _DAYS + low) * _DAYS + high


def _dob(table: FeatureTable) -> Keys:
    return _rows(table, table.dob > 0, _dob_keys(table))


def _dob_initials(table: FeatureTable) -> Keys:
    # One key per initial (first and last name): pairs that share a birthday and either
    # initial in either place, so swapped names and a missing first name still meet.
    initial = table.name_info.initial
    dob = _dob_keys(table) * _CHARACTERS
    first, last = initial[table.first], initial[table.last]
    has_dob = table.dob > 0
    by_first = _rows(table, has_dob & (first > 0), dob + first)
    by_last = _rows(table, has_dob & (last > 0) & (last != first), dob + last)
    return np.concatenate([by_first[0], by_last[0]]), np.concatenate([by_first[1], by_last[1]])


def _last_sound_year(table: FeatureTable) -> Keys:
    sound = table.name_info.nysiis[table.last]
    year = table.ymd[:, 0]
    return _rows(table, (sound > 0) & (table.dob > 0), sound * 10_000 + year)


def _last_sound_year_part(table: FeatureTable) -> Keys:
    # One key with the birth month and one with the birth day: a date of birth with one
    # wrong digit keeps its year and one of the two, so the duplicate still meets it, while
    # a block holds about a ninth of the records of the sound and year alone.
    sound = table.name_info.nysiis[table.last]
    year, month, day = table.ymd.T
    present = (sound > 0) & (table.dob > 0)
    base = (sound * 10_000 + year) * 64
    return _concatenated(
        _rows(table, present, base + month), _rows(table, present, base + 32 + day)
    )


def _first_sound_postcode(table: FeatureTable) -> Keys:
    sound = table.name_info.nysiis[table.first]
    postcode = table.postcode
    key = sound * (int(postcode.max(initial=0)) + 1) + postcode
    return _rows(table, (sound > 0) & (postcode > 0), key)


def _names_sound_keys(table: FeatureTable) -> tuple[NDArray[np.bool_], Codes]:
    # Sorted, so that a first/last swap lands in the same block.
    info = table.name_info
    first, last = info.nysiis[table.first], info.nysiis[table.last]
    key = np.minimum(first, last) * info.nysiis_count + np.maximum(first, last)
    return (first > 0) & (last > 0), key


def _names_sound(table: FeatureTable) -> Keys:
    return _rows(table, *_names_sound_keys(table))


def _names_sound_dob_part(table: FeatureTable) -> Keys:
    # One key with the birth year and one with the day and month (in sorted order): a
    # wrong year, or a wrong or swapped day or month, leaves one of the two. Among a
    # million records a common name's block is mostly namesakes born years apart.
    present, key = _names_sound_keys(table)
    present &= table.dob > 0
    year, month, day = table.ymd.T
    low, high = np.minimum(month, day), np.maximum(month, day)
    by_year = _rows(table, present, (key * 10_000 + year) * 2)
    by_day = _rows(table, present, (key * 10_000 + low * _DAYS + high) * 2 + 1)
    return _concatenated(by_year, by_day)


def _without_dob(table: FeatureTable) -> NDArray[np.bool_]:
    return table.dob == 0


def _concatenated(*parts: Keys) -> Keys:
    return np.concatenate([rows for rows, _ in parts]), np.concatenate([keys for _, keys in parts])


def _street_place_keys(table: FeatureTable) -> tuple[NDArray[np.bool_], Codes]:
    # The street line with the postcode, or with the city where the postcode is missing.
    place = np.where(table.postcode > 0, table.postcode, table.city)
    key = table.street * (int(place.max(initial=0)) + 1) + place
    return (table.street > 0) & (place > 0), key


def _street_place(table: FeatureTable) -> Keys:
    return _rows(table, *_street_place_keys(table))


def _street_two_of_three(table: FeatureTable) -> Keys:
    # Any two of the house number, the street name and the postcode: one key per two, so
    # that a typo in any one part (FEBRL: "90 salsoal st", a postcode one digit off, a
    # number dropped) still leaves a key in common. The whole street with its postcode or
    # city is the rule above.
    number, name = table.street_parts
    pairs = ((number, name), (name, table.postcode), (number, table.postcode))
    parts = []
    for tag, (a, b) in enumerate(pairs):
        key = (a * (int(b.max(initial=0)) + 1) + b) * len(pairs) + tag
        parts.append(_rows(table, (a > 0) & (b > 0), key))
    return _concatenated(*parts)


def _last_street(table: FeatureTable) -> Keys:
    # The family name with the street line and its postcode or city: in a building too
    # big for the street rules (a dormitory, a prison), the residents who share a family
    # name. There a person whose first name was replaced ("Boy") and whose other record
    # lacks a birth date meets no other rule.
    present, street_place = _street_place_keys(table)
    # Numbered from 0 first: street x place x name could pass 2**63 past a million records.
    street = np.unique(street_place, return_inverse=True)[1].reshape(-1)
    key = street * len(table.names.codes) + table.last
    return _rows(table, present & (table.last > 0), key)


def _names_exact(table: FeatureTable) -> Keys:
    # Both names spelled the same, whatever the birthday says: FEBRL-style sources replace
    # a duplicate's date of birth outright. In the same order only: "Ryan Lee" and "Lee
    # Ryan" born decades apart are namesakes (swaps meet in the name-sound rules).
    first, last = table.first, table.last
    key = first * len(table.names.codes) + last
    return _rows(table, (first > 0) & (last > 0), key)


def _phone(table: FeatureTable) -> Keys:
    return _rows(table, table.phone > 0, table.phone)


def _ssn(table: FeatureTable) -> Keys:
    return _rows(table, table.ssn > 0, table.ssn)


RULES: dict[str, BlockingKey] = {
    "dob": _dob,
    "dob+initial": _dob_initials,
    "last_name_sound+birth_year": _last_sound_year,
    "first_name_sound+postcode": _first_sound_postcode,
    "first_and_last_name_sound": _names_sound,
    "last_name_sound+birth_year+month_or_day": _last_sound_year_part,
    "first_and_last_name_sound+birth_year_or_day": _names_sound_dob_part,
    "first_and_last_name_sound+missing_dob": _names_sound,
    "phone": _phone,
    "ssn": _ssn,
    "street+postcode_or_city": _street_place,
    "two_of_street_number+street_name+postcode": _street_two_of_three,
    "last_name+street": _last_street,
    "first_and_last_name": _names_exact,
}

# Rules whose pairs must also have one side marked here ("open"): the pairs of a block
# with at least one open record. A record without a date of birth meets every record
# of its name-sound block, whatever that record's birthday.
OPEN: dict[str, Callable[[FeatureTable], NDArray[np.bool_]]] = {
    "first_and_last_name_sound+missing_dob": _without_dob,
}

# The rules that choose the pairs to score. A shared birthday alone is the biggest block
# (n^2 / 60,000 pairs: 270,000 at 100,000 records, nearly all different people), so for
# scoring it also needs the first or the last name's initial; the plain dob rule stays
# for training, where EM needs pairs whose names differ. Likewise the sound of the last
# name with the birth year (17.8M pairs at 1M records) also needs the month or the day,
# and the sound of both names (10.5M) the year or the day and month, unless one side has
# no date of birth. On the benchmark sets (docs/benchmarks-matching.md) that cut the
# candidate pairs at 1M from 35.0M to 9.5M, and of the matches that score 0.5 or more
# it lost 2 of 327,101 at 1M and none at 100k (names+dob+address), 2 of 31,620 at 100k
# (names+dob). The plain name-sound rule stays for training.
PREDICTION_RULES = (
    "dob+initial",
    "last_name_sound+birth_year+month_or_day",
    "first_name_sound+postcode",
    "first_and_last_name_sound+birth_year_or_day",
    "first_and_last_name_sound+missing_dob",
    "phone",
    "ssn",
    "street+postcode_or_city",
    "two_of_street_number+street_name+postcode",
    "last_name+street",
    "first_and_last_name",
)

# A key shared by more records than this is not selective (a shared agency phone number,
# a placeholder date such as 1900-01-01): comparing all its pairs would cost more than the
# few true matches it could add, which other rules usually catch anyway.
MAX_BLOCK = 2_000
# Rules for rare coincidences get a much smaller cap. A street address shared by more than
# this many records is a building (a dormitory, a shelter, a prison: pseudopeople's census
# has them), whose residents are not one family; a full name shared by more is a common
# name, whose namesakes an unrelated birthday cannot tell apart anyway.
SMALL_BLOCK = 20
RULE_MAX_BLOCK = {
    "street+postcode_or_city": SMALL_BLOCK,
    "two_of_street_number+street_name+postcode": SMALL_BLOCK,
    "last_name+street": SMALL_BLOCK,
    "first_and_last_name": SMALL_BLOCK,
}

Pairs = tuple[Codes, Codes]


def _blocks(rows: Codes, keys: Codes) -> tuple[Codes, Codes, Codes]:
    """Rows ordered by block (in no particular block order), then the blocks' starts and sizes."""
    order = np.argsort(keys)
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    sizes = np.diff(np.append(starts, len(keys)))
    return rows[order], starts, sizes


def _blocks_in_scan_order(rows: Codes, keys: Codes) -> tuple[Codes, Codes, Codes]:
    """:func:`_blocks` in the order a scan over the records meets them, rows ascending."""
    distinct, first_at, inverse, sizes = np.unique(
        keys, return_index=True, return_inverse=True, return_counts=True
    )
    block_rank = np.empty(len(distinct), dtype=np.int64)
    block_rank[np.argsort(rows[first_at], kind="stable")] = np.arange(len(distinct))
    order = np.lexsort((rows, block_rank[inverse.reshape(-1)]))
    sizes = sizes[np.argsort(block_rank)]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    return rows[order], starts, sizes


def _within(
    ordered: Codes,
    starts: Codes,
    sizes: Codes,
    is_open: NDArray[np.bool_] | None = None,
    max_block: int = MAX_BLOCK,
) -> Pairs:
    """Every pair inside each block, block by block, each as (earlier row, later row).

    ``is_open`` (per row): only pairs with an open row, whose blocks must list their open
    rows first (see :func:`_open_first`).
    """
    keep = (sizes >= 2) & (sizes <= max_block)
    starts, sizes = starts[keep], sizes[keep]
    # Position p of a block [s, s + k) pairs with the k - 1 - (p - s) positions after it.
    positions = np.repeat(starts, sizes) + _counting(sizes)
    partners = np.repeat(starts + sizes, sizes) - positions - 1
    if is_open is not None:  # an open row pairs with all after it, the others with none
        partners = np.where(is_open[ordered[positions]], partners, 0)
    left = np.repeat(positions, partners)
    return ordered[left], ordered[left + 1 + _counting(partners)]


def _open_first(rows: Codes, keys: Codes, is_open: NDArray[np.bool_]) -> tuple[Codes, Codes, Codes]:
    """:func:`_blocks`, with each block's open rows before the others."""
    order = np.lexsort((~is_open[rows], keys))
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    sizes = np.diff(np.append(starts, len(keys)))
    return rows[order], starts, sizes


def _counting(sizes: Codes) -> Codes:
    """0, 1, ..., k - 1 for each k in ``sizes``, concatenated."""
    ends = np.cumsum(sizes)
    return np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - sizes, sizes)


def _rule_pairs(table: FeatureTable, rule: str) -> Pairs:
    """The pairs within each of the rule's blocks."""
    rows, keys = RULES[rule](table)
    if not len(rows):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if rule in OPEN:
        is_open = OPEN[rule](table)
        return _within(*_open_first(rows, keys, is_open), is_open)
    return _within(*_blocks(rows, keys), max_block=RULE_MAX_BLOCK.get(rule, MAX_BLOCK))


def _distinct_pairs(parts: list[Pairs], size: int) -> Pairs:
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes = np.sort(np.concatenate([i * size + j for i, j in parts]))
    codes = codes[np.concatenate([[True], codes[1:] != codes[:-1]])] if len(codes) else codes
    return codes // size, codes % size


def dedupe_pairs(table: FeatureTable, rules: Sequence[str] = PREDICTION_RULES) -> Pairs:
    """Distinct row pairs (i < j) sharing at least one rule's key."""
    parts = []
    for rule in rules:
        i, j = _rule_pairs(table, rule)
        parts.append((np.minimum(i, j), np.maximum(i, j)))
    return _distinct_pairs(parts, len(table))


def link_pairs(table: FeatureTable, split: int, rules: Sequence[str] = PREDICTION_RULES) -> Pairs:
    """Distinct (left row, right row) pairs sharing a key; rows from ``split`` on are right."""
    parts = []
    for rule in rules:
        rows, keys = RULES[rule](table)
        is_left = rows < split
        left_keys, left_counts = np.unique(keys[is_left], return_counts=True)
        right_keys, right_counts = np.unique(keys[~is_left], return_counts=True)
        shared, at_left, at_right = np.intersect1d(
            left_keys, right_keys, assume_unique=True, return_indices=True
        )
        left_count, right_count = left_counts[at_left], right_counts[at_right]
        if rule in RULE_MAX_BLOCK:  # the records sharing the key, as in a dedupe run
            small = left_count + right_count <= RULE_MAX_BLOCK[rule]
        else:
            small = left_count * right_count <= MAX_BLOCK * MAX_BLOCK // 2
        if rule in OPEN:  # an open left row against every right row, then the other way
            is_open = OPEN[rule](table)[rows]
            for part in (is_open | ~is_left, is_open & ~is_left | ~is_open & is_left):
                parts.append(_across(rows[part], keys[part], is_left[part], shared[small]))
        else:
            parts.append(_across(rows, keys, is_left, shared[small]))
    return _distinct_pairs(parts, len(table))


def _across(rows: Codes, keys: Codes, is_left: np.ndarray, shared: Codes) -> Pairs:
    """Every (left, right) pair of rows with the same key, for keys in ``shared``."""
    wanted = np.isin(keys, shared)
    left_rows, left_keys = rows[wanted & is_left], keys[wanted & is_left]
    right_rows, right_keys = rows[wanted & ~is_left], keys[wanted & ~is_left]
    order = np.argsort(right_keys, kind="stable")
    right_rows, right_keys = right_rows[order], right_keys[order]
    first = np.searchsorted(right_keys, left_keys, side="left")
    count = np.searchsorted(right_keys, left_keys, side="right") - first
    return np.repeat(left_rows, count), right_rows[np.repeat(first, count) + _counting(count)]


def rule_pairs(table: FeatureTable, rule: str, limit: int) -> Pairs:
    """The first ``limit`` pairs of one single-key rule: the sample for one EM session.

    "First" in the order of a scan over the records: blocks by their first record, pairs
    within a block by row. The sample is deterministic and independent of the other rules.
    """
    if rule in OPEN:
        raise ValueError(f"{rule}: a rule with open rows has no scan order")
    rows, keys = RULES[rule](table)
    if not len(rows) or limit <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ordered, starts, sizes = _blocks_in_scan_order(rows, keys)
    # Only the blocks up to the one that reaches the limit (not a rule's millions of pairs).
    cap = RULE_MAX_BLOCK.get(rule, MAX_BLOCK)
    kept = (sizes >= 2) & (sizes <= cap)
    reached = np.cumsum(np.where(kept, sizes * (sizes - 1) // 2, 0))
    blocks = int(np.searchsorted(reached, limit)) + 1
    i, j = _within(ordered, starts[:blocks], sizes[:blocks], max_block=cap)
    return i[:limit], j[:limit]


def block_pairs(table: FeatureTable, rule: str) -> int:
    """How many pairs one rule's blocks hold (what :func:`rule_pairs` draws from)."""
    _, keys = RULES[rule](table)
    sizes = np.unique(keys, return_counts=True)[1]
    sizes = sizes[(sizes >= 2) & (sizes <= RULE_MAX_BLOCK.get(rule, MAX_BLOCK))]
    return int((sizes * (sizes - 1) // 2).sum())

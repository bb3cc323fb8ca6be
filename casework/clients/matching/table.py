"""Columnar features and whole-column comparisons: how bulk runs stay fast.

Comparing pairs one at a time in Python costs about 10 microseconds a pair. Bulk runs
(``casework match``, the duplicates queue) instead hold every normalized field as a numpy
array of integer codes into a vocabulary of distinct values, and compute the gamma matrix of
many pairs at once: equality levels are array comparisons, and the string measures (edit
distance, Jaro-Winkler) run once per distinct pair of values, in rapidfuzz's C++.

The levels are exactly those of :mod:`casework.clients.matching.compare`, which stays the
reference (and the path of single-pair scoring at intake); the tests check the two agree.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.process import cpdist

from casework.clients.matching import records
from casework.clients.matching.compare import (
    ADDRESS,
    DOB,
    FIRST_NAME,
    JW_TYPO,
    LAST_NAME,
    SSN,
    Gamma,
    by_name,
    nickname_groups,
)
from casework.clients.matching.records import Features, PeopleColumns, Person

Codes = NDArray[np.int64]
H = TypeVar("H", bound=Hashable)
# A missing level in the gamma matrix (None in a scalar gamma vector).
MISSING = -1


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector during a bulk step (a context manager or decorator).

    Bulk steps allocate hundreds of thousands of short-lived containers (CSV rows, pair
    tuples) and no reference cycles. Each allocation counts toward the collector's
    thresholds, and every full collection walks all live objects again: about a quarter of
    a 100,000-record run, measured. Reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Vocabulary:
    """Distinct values and their integer codes; code 0 is always '' (missing)."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {"": 0}

    @property
    def values(self) -> list[str]:
        return list(self.codes)  # codes are given in insertion order

    def encode(self, values: Sequence[str]) -> Codes:
        codes = self.codes
        for value in dict.fromkeys(values):
            codes.setdefault(value, len(codes))
        return np.fromiter(map(codes.__getitem__, values), dtype=np.int64, count=len(values))

    def encode_raw(self, raws: Sequence[H], normalize: Callable[[list[H]], list[str]]) -> Codes:
        """Codes of normalized raw values; ``normalize`` maps a list of distinct raw values."""
        codes = self.codes
        distinct = list(dict.fromkeys(raws))
        lookup = {
            raw: codes.setdefault(value, len(codes))
            for raw, value in zip(distinct, normalize(distinct), strict=True)
        }
        return np.fromiter(map(lookup.__getitem__, raws), dtype=np.int64, count=len(raws))

    def encode_streets(self, numbers: Sequence[str], lines: Sequence[str]) -> Codes:
        """:meth:`encode_raw` of the streets (numbers[k], lines[k]) (records.street_value).

        Each column is coded on its own (strings keep their hash; a tuple does not), the
        distinct pairs of codes are found with one integer sort, and each distinct number
        and line is normalized once.
        """
        number_values, number_codes = _raw_codes(numbers)
        line_values, line_codes = _raw_codes(lines)
        size = len(line_values)
        distinct, inverse = np.unique(number_codes * size + line_codes, return_inverse=True)
        number_at, line_at = np.divmod(distinct, size)
        pairs = zip(number_at.tolist(), line_at.tolist(), strict=True)
        codes = self.codes
        coded = [
            codes.setdefault(value, len(codes))
            for value in records.streets_of_parts(number_values, line_values, pairs)
        ]
        return np.array(coded, dtype=np.int64)[inverse.reshape(-1)]

    def array(self) -> NDArray[np.object_]:
        out = np.empty(len(self.codes), dtype=object)
        out[:] = self.values
        return out


@dataclass
class FeatureTable:
    """The comparison-ready fields of n records as code arrays (0 = missing).

    ``names`` holds first and last names together, so that a swap (first name of one record
    against the last name of the other) compares codes of one vocabulary.
    """

    ids: list[str]
    names: Vocabulary
    first: Codes
    last: Codes
    dobs: Vocabulary
    dob: Codes
    ymd: NDArray[np.int64]  # (n, 3): year, month, day; zeros when missing
    sex: Codes
    ssns: Vocabulary
    ssn: Codes
    phone: Codes  # code of the last seven digits
    streets: Vocabulary
    street: Codes
    postcode: Codes
    city: Codes
    state: Codes
    _frequencies: dict[str, NDArray[np.float64]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_people(cls, people: Sequence[Person]) -> FeatureTable:
        """Normalize like :func:`records.features`, once per distinct raw value."""
        text = [name for name in records.FIELDS if name != "dob"]
        columns = {name: [getattr(p, name) for p in people] for name in text}
        return cls.from_columns(PeopleColumns(columns, [p.dob for p in people]))

    @classmethod
    @cyclic_gc_paused()
    def from_columns(cls, people: PeopleColumns) -> FeatureTable:
        """From raw columns, as read from a CSV file (absent columns count as empty)."""
        dates = people.dates
        names, dobs, ssns, streets, others = (Vocabulary() for _ in range(5))
        blank = [""] * len(dates)
        column = {name: people.columns.get(name, blank) for name in records.FIELDS}
        return cls(
            ids=list(column["id"]),
            names=names,
            first=names.encode_raw(column["first_name"], records.normalize_texts),
            last=names.encode_raw(column["last_name"], records.normalize_texts),
            dobs=dobs,
            dob=dobs.encode_raw(dates, _dob_values),
            ymd=_ymd(dates),
            sex=others.encode_raw(column["sex"], records.sex_values),
            ssns=ssns,
            ssn=ssns.encode_raw(column["ssn"], records.ssn_values),
            phone=_phone7_codes(column["phone"]),
            streets=streets,
            street=streets.encode_streets(column["street_number"], column["address_1"]),
            postcode=others.encode_raw(column["postcode"], records.postcode_values),
            city=others.encode_raw(column["city"], records.normalize_texts),
            state=others.encode_raw(column["state"], records.normalize_texts),
        )

    @classmethod
    @cyclic_gc_paused()
    def from_features(cls, rows: Sequence[Features]) -> FeatureTable:
        """The same table from already normalized records (the duplicates page's path)."""
        names, dobs, ssns, streets, others = (Vocabulary() for _ in range(5))
        return cls(
            ids=[f.id for f in rows],
            names=names,
            first=names.encode([f.first for f in rows]),
            last=names.encode([f.last for f in rows]),
            dobs=dobs,
            dob=dobs.encode([f.dob for f in rows]),
            ymd=np.array([f.dob_ymd or (0, 0, 0) for f in rows], dtype=np.int64).reshape(-1, 3),
            sex=others.encode([f.sex for f in rows]),
            ssns=ssns,
            ssn=ssns.encode([f.ssn for f in rows]),
            phone=others.encode([f.phone[-7:] for f in rows]),
            streets=streets,
            street=streets.encode([f.street for f in rows]),
            postcode=others.encode([f.postcode for f in rows]),
            city=others.encode([f.city for f in rows]),
            state=others.encode([f.state for f in rows]),
        )

    @cached_property
    def name_info(self) -> NameInfo:
        return NameInfo.of(self.names.values)

    def name_frequency(self, column: str) -> NDArray[np.float64]:
        """Per name code: its share of the non-empty values of ``column`` ("first"/"last")."""
        found = self._frequencies.get(column)
        if found is None:
            codes = self.first if column == "first" else self.last
            counts = np.bincount(codes, minlength=len(self.names.codes)).astype(np.float64)
            counts[0] = 0.0
            found = counts / max(counts.sum(), 1.0)
            found[found == 0] = 1.0  # never looked up: keeps log2 finite
            self._frequencies[column] = found
        return found

    @cached_property
    def street_strings(self) -> NDArray[np.object_]:
        """The street vocabulary's values, indexed by code."""
        return self.streets.array()

    @cached_property
    def street_parts(self) -> tuple[Codes, Codes]:
        """Per row: codes of the street's house number and of its name, 0 where missing.

        The number is the street value's first word when it holds a digit ("12", "12a");
        the name is the rest with its spaces dropped, so that "bayly pl" and "bay ly pl"
        agree. A street without a number ("tubb pl") has a name only.
        """
        numbers, names = Vocabulary(), Vocabulary()
        number_of, name_of = [], []
        for value in self.streets.values:
            head, _, rest = value.partition(" ")
            numbered = bool(rest) and any(ch.isdigit() for ch in head)
            number_of.append(head if numbered else "")
            name_of.append((rest if numbered else value).replace(" ", ""))
        number = numbers.encode(number_of)[self.street]
        name = names.encode(name_of)[self.street]
        return number, name

    @cached_property
    def dob_digits(self) -> NDArray[np.int8]:
        """The eight digits of YYYYMMDD per row (meaningful for years 1000 to 9999)."""
        year, month, day = self.ymd.T
        number = year * 10_000 + month * 100 + day
        return ((number[:, None] // 10 ** np.arange(7, -1, -1)) % 10).astype(np.int8)


def _raw_codes(values: Sequence[str]) -> tuple[list[str], Codes]:
    """The distinct values (in first-seen order) and each value's index among them."""
    distinct = list(dict.fromkeys(values))
    index = {value: k for k, value in enumerate(distinct)}
    return distinct, np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))


# Phone numbers up to this long are normalized as one array of characters.
_PHONE_WIDTH = 40


def _phone7_codes(raws: Sequence[str]) -> Codes:
    """A code per phone: 0 if missing, else 1 + the last seven digits of its phone value
    (records.phone_value: the last ten digits; none if fewer than seven or all one digit).

    Equal codes mean equal values, as with a vocabulary; computed on a character array.
    """
    lengths = _lengths(raws)
    short = np.flatnonzero(lengths <= _PHONE_WIDTH)
    out = np.zeros(len(raws), dtype=np.int64)
    for row in np.flatnonzero(lengths > _PHONE_WIDTH).tolist():
        phone = records.phone_value(raws[row])[-7:]
        out[row] = int(phone) + 1 if phone else 0
    if not len(short) or not lengths[short].max():
        return out
    text = np.array(raws if len(short) == len(raws) else [raws[k] for k in short.tolist()])
    chars = text.view(np.uint32).reshape(len(short), -1).astype(np.int64)
    is_digit = (chars >= ord("0")) & (chars <= ord("9"))
    digit = np.where(is_digit, chars - ord("0"), 0)
    # Rank of each digit from the right (1 = the last digit); 0 for other characters.
    rank = np.cumsum(is_digit[:, ::-1], axis=1)[:, ::-1] * is_digit
    last_seven = (rank >= 1) & (rank <= 7)
    value = (digit * 10 ** np.where(last_seven, rank - 1, 0) * last_seven).sum(axis=1)
    last_digit = (digit * (rank == 1)).sum(axis=1)
    in_last_ten = (rank >= 1) & (rank <= 10)
    one_digit = ~(in_last_ten & (digit != last_digit[:, None])).any(axis=1)
    valid = (is_digit.sum(axis=1) >= 7) & ~one_digit
    out[short] = np.where(valid, value + 1, 0)
    return out


def _dob_values(dates: list[dt.date | None]) -> list[str]:
    return list(map(records.dob_value, dates))


def _ymd(dates: Sequence[dt.date | None]) -> NDArray[np.int64]:
    flat = [part for d in dates for part in ((d.year, d.month, d.day) if d else (0, 0, 0))]
    return np.array(flat, dtype=np.int64).reshape(-1, 3)


@dataclass(frozen=True)
class NameInfo:
    """Per-name facts the name levels need, indexed by name code."""

    strings: NDArray[np.object_]
    initial: Codes  # code point of the first letter (0 for '')
    length: Codes
    several_parts: NDArray[np.bool_]
    nysiis: Codes  # codes of the NYSIIS and metaphone strings ('' compares equal to '')
    metaphone: Codes
    nicknames: Codes  # pair keys (a * size + b) of names linked as nicknames
    has_nicknames: NDArray[np.bool_]
    nysiis_count: int

    @classmethod
    def of(cls, values: list[str]) -> NameInfo:
        size = len(values)
        codes = {value: code for code, value in enumerate(values)}
        sounds, metas = Vocabulary(), Vocabulary()
        groups = nickname_groups()
        nicknames = [
            a * size + codes[other]
            for a, value in enumerate(values)
            for other in groups.get(value, ())
            if other in codes
        ]
        strings = np.empty(size, dtype=object)
        strings[:] = values
        return cls(
            strings=strings,
            initial=np.array([ord(v[0]) if v else 0 for v in values], dtype=np.int64),
            length=np.array([len(v) for v in values], dtype=np.int64),
            several_parts=np.array([len(v.split()) > 1 for v in values], dtype=bool),
            nysiis=sounds.encode([records.phonetic(v) for v in values]),
            metaphone=metas.encode([records.metaphone(v) for v in values]),
            nicknames=np.sort(np.array(nicknames, dtype=np.int64)),
            has_nicknames=np.array([value in groups for value in values], dtype=bool),
            nysiis_count=len(sounds.codes),
        )


def _distinct(a: Codes, b: Codes, size: int) -> tuple[Codes, Codes, Codes]:
    """Distinct (a, b) code pairs and, per input pair, the index of its distinct pair."""
    keys, inverse = np.unique(a * size + b, return_inverse=True)
    return keys // size, keys % size, inverse.reshape(-1)


def _strings(values: NDArray[np.object_], codes: Codes) -> list[str]:
    return values[codes].tolist()


def _one_edit(
    a: list[str], b: list[str], lengths: tuple[Codes, Codes] | None = None
) -> NDArray[np.bool_]:
    """compare.one_edit over two equal-length lists (``lengths``: their strings' lengths)."""
    len_a, len_b = lengths or (_lengths(a), _lengths(b))
    distance = cpdist(a, b, scorer=OSA.distance, score_cutoff=1, dtype=np.int64)
    return (np.abs(len_a - len_b) <= 1) & (distance <= 1)


def _lengths(values: Sequence[str]) -> Codes:
    return np.fromiter(map(len, values), dtype=np.int64, count=len(values))


def _jaro_winkler_typo(a: list[str], b: list[str]) -> NDArray[np.bool_]:
    similarity = cpdist(a, b, scorer=JaroWinkler.similarity, dtype=np.float64)
    return similarity >= JW_TYPO


def _name_typo(info: NameInfo, a: Codes, b: Codes) -> NDArray[np.bool_]:
    """compare.is_typo of name codes."""
    sa, sb = _strings(info.strings, a), _strings(info.strings, b)
    len_a, len_b = info.length[a], info.length[b]
    one_edit = (np.minimum(len_a, len_b) >= 3) & _one_edit(sa, sb, (len_a, len_b))
    return one_edit | _jaro_winkler_typo(sa, sb)


def _select(conditions: list[NDArray[np.bool_]], default: int) -> Codes:
    """The index of the first condition that holds (levels are listed best first)."""
    return np.select(conditions, list(range(len(conditions))), default).astype(np.int64)


class _NamePairs:
    """Name levels of distinct name-code pairs."""

    def __init__(self, info: NameInfo, a: Codes, b: Codes) -> None:
        self.info, self.a, self.b = info, a, b
        size = len(info.strings)
        self.nickname = np.isin(a * size + b, info.nicknames)
        self.typo = _name_typo(info, a, b)

    def shares_part(self) -> NDArray[np.bool_]:
        info = self.info
        several = info.several_parts[self.a] | info.several_parts[self.b]
        out = np.zeros(len(self.a), dtype=bool)
        for k in np.flatnonzero(several).tolist():
            a, b = info.strings[self.a[k]], info.strings[self.b[k]]
            out[k] = bool(set(a.split()) & set(b.split()))
        return out

    def sounds_alike(self) -> NDArray[np.bool_]:
        info = self.info
        same_nysiis = info.nysiis[self.a] == info.nysiis[self.b]
        return same_nysiis | (info.metaphone[self.a] == info.metaphone[self.b])

    def first_levels(self) -> Codes:
        """compare._first_level; "swapped" (1) is decided per record pair, not here."""
        info, equal = self.info, self.a == self.b
        initial = ((info.length[self.a] == 1) | (info.length[self.b] == 1)) & (
            info.initial[self.a] == info.initial[self.b]
        )
        conditions = [equal, self.nickname, self.shares_part(), self.typo]
        levels = _select([*conditions, self.sounds_alike(), initial], default=6)
        return np.where(levels == 0, 0, levels + 1)  # 0, then 2 onwards: 1 is "swapped"

    def last_levels(self) -> Codes:
        conditions = [self.a == self.b, self.shares_part(), self.typo, self.sounds_alike()]
        levels = _select(conditions, default=4)
        return np.where(levels == 0, 0, levels + 1)


def _name_pairs(info: NameInfo, a: Codes, b: Codes) -> tuple[_NamePairs, Codes]:
    da, db, inverse = _distinct(a, b, len(info.strings))
    return _NamePairs(info, da, db), inverse


def _names(table: FeatureTable, i: Codes, j: Codes) -> tuple[Codes, Codes]:
    """compare.compare_names for every pair: first- and last-name levels (-1 missing)."""
    info = table.name_info
    fa, la, fb, lb = table.first[i], table.last[i], table.first[j], table.last[j]
    first = np.full(len(i), MISSING, dtype=np.int64)
    last = np.full(len(i), MISSING, dtype=np.int64)
    both = (fa > 0) & (fb > 0)
    if both.any():
        pairs, inverse = _name_pairs(info, fa[both], fb[both])
        first[both] = pairs.first_levels()[inverse]
    both = (la > 0) & (lb > 0)
    if both.any():
        pairs, inverse = _name_pairs(info, la[both], lb[both])
        last[both] = pairs.last_levels()[inverse]
    swapped = _swapped(info, fa, la, fb, lb)
    first[swapped] = FIRST_NAME.levels.index("swapped")
    last[swapped] = LAST_NAME.levels.index("swapped")
    return first, last


def _swapped(info: NameInfo, fa: Codes, la: Codes, fb: Codes, lb: Codes) -> NDArray[np.bool_]:
    """compare._swapped: each first name may be the other record's last name."""
    out = (fa > 0) & (la > 0) & (fb > 0) & (lb > 0) & (fa != fb)
    for x, y in ((fa, lb), (la, fb)):
        rows = np.flatnonzero(out)
        out[rows] = _maybe_same(info, x[rows], y[rows])
    return out


def _maybe_same(info: NameInfo, x: Codes, y: Codes) -> NDArray[np.bool_]:
    """compare._maybe_same, deciding the cheap cases (most pairs) without string measures.

    It is (same initial and (equal or a typo)) or a nickname.
    """
    size = len(info.strings)
    out = np.zeros(len(x), dtype=bool)
    may_be_nickname = np.flatnonzero(info.has_nicknames[x])
    out[may_be_nickname] = np.isin(x[may_be_nickname] * size + y[may_be_nickname], info.nicknames)
    same_initial = np.flatnonzero(~out & (info.initial[x] == info.initial[y]))
    if len(same_initial):
        a, b, inverse = _distinct(x[same_initial], y[same_initial], size)
        same = (a == b) | _name_typo(info, a, b)
        out[same_initial] = same[inverse]
    return out


def _distinct_strings(
    values: NDArray[np.object_], a: Codes, b: Codes
) -> tuple[list[str], list[str], Codes]:
    da, db, inverse = _distinct(a, b, len(values))
    return _strings(values, da), _strings(values, db), inverse


def _dob(table: FeatureTable, i: Codes, j: Codes) -> Codes:
    a, b = table.dob[i], table.dob[j]
    (ay, am, ad), (by, bm, bd) = table.ymd[i].T, table.ymd[j].T
    one_edit = np.zeros(len(i), dtype=bool)
    differ = np.flatnonzero((a > 0) & (b > 0) & (a != b))
    four_digit_years = (ay[differ] >= 1000) & (by[differ] >= 1000)
    digits = differ[four_digit_years]  # YYYYMMDD: eight digits on both sides
    one_edit[digits] = _one_edit_of_digits(table.dob_digits[i[digits]], table.dob_digits[j[digits]])
    other = differ[~four_digit_years]
    if len(other):
        sa, sb, inverse = _distinct_strings(table.dobs.array(), a[other], b[other])
        one_edit[other] = _one_edit(sa, sb)[inverse]
    levels = _select(
        [a == b, (ay == by) & (am == bd) & (ad == bm), one_edit, (ay == by) & (am == bm)],
        default=DOB.levels.index("different"),
    )
    return np.where((a > 0) & (b > 0), levels, MISSING)


def _one_edit_of_digits(da: NDArray[np.int8], db: NDArray[np.int8]) -> NDArray[np.bool_]:
    """compare.one_edit of equal-length digit strings (one per row), digit by digit.

    With equal lengths one edit is one substituted digit or two neighbours swapped.
    """
    differs = da != db
    count = differs.sum(axis=1)
    swapped = (
        differs[:, :-1] & differs[:, 1:] & (da[:, :-1] == db[:, 1:]) & (da[:, 1:] == db[:, :-1])
    ).any(axis=1)
    return (count <= 1) | ((count == 2) & swapped)


def _sex(table: FeatureTable, i: Codes, j: Codes) -> Codes:
    return _equal_or_not(table.sex[i], table.sex[j])


def _phone(table: FeatureTable, i: Codes, j: Codes) -> Codes:
    return _equal_or_not(table.phone[i], table.phone[j])


def _equal_or_not(a: Codes, b: Codes) -> Codes:
    return np.where((a > 0) & (b > 0), (a != b).astype(np.int64), MISSING)


def _ssn(table: FeatureTable, i: Codes, j: Codes) -> Codes:
    a, b = table.ssn[i], table.ssn[j]
    one_edit = np.zeros(len(i), dtype=bool)
    differ = np.flatnonzero((a > 0) & (b > 0) & (a != b))
    if len(differ):
        sa, sb, inverse = _distinct_strings(table.ssns.array(), a[differ], b[differ])
        one_edit[differ] = _one_edit(sa, sb)[inverse]
    levels = _select([a == b, one_edit], default=SSN.levels.index("different"))
    return np.where((a > 0) & (b > 0), levels, MISSING)


def _address(table: FeatureTable, i: Codes, j: Codes) -> Codes:
    sa, sb = table.street[i], table.street[j]
    pa, pb = table.postcode[i], table.postcode[j]
    ca, cb = table.city[i], table.city[j]
    similar = np.zeros(len(i), dtype=bool)
    both = np.flatnonzero((sa > 0) & (sb > 0))
    if len(both):
        # Nearly every pair has its own two streets: no search for repeated pairs.
        values = table.street_strings
        similar[both] = _jaro_winkler_typo(_strings(values, sa[both]), _strings(values, sb[both]))
    levels = _select(
        [
            (sa > 0) & (sa == sb) & ((pa == pb) | (ca == cb)),
            similar,
            (pa > 0) & (pa == pb),
            (ca > 0) & (ca == cb) & (table.state[i] == table.state[j]),
        ],
        default=ADDRESS.levels.index("different"),
    )
    present = ((sa > 0) | (pa > 0) | (ca > 0)) & ((sb > 0) | (pb > 0) | (cb > 0))
    return np.where(present, levels, MISSING)


_SINGLE: dict[str, Callable[[FeatureTable, Codes, Codes], Codes]] = {
    "dob": _dob,
    "sex": _sex,
    "ssn": _ssn,
    "phone": _phone,
    "address": _address,
}


def gamma_matrix(table: FeatureTable, names: Sequence[str], i: Codes, j: Codes) -> Codes:
    """The gamma vectors of pairs (i[k], j[k]) as rows; MISSING where a side lacks the field."""
    by_name(names)  # unknown names fail here, as in compare.comparator
    out = np.empty((len(i), len(names)), dtype=np.int64)
    if "first_name" in names or "last_name" in names:
        first, last = _names(table, i, j)
        if "first_name" in names:
            out[:, names.index("first_name")] = first
        if "last_name" in names:
            out[:, names.index("last_name")] = last
    for at, name in enumerate(names):
        if name in _SINGLE:
            out[:, at] = _SINGLE[name](table, i, j)
    return out


@dataclass(frozen=True)
class Patterns:
    """The distinct gamma vectors of a set of pairs, and which one each pair has."""

    gammas: list[Gamma]  # in order of first occurrence among the pairs
    counts: list[int]
    of_pair: Codes  # index into ``gammas`` per pair

    @classmethod
    def of(cls, matrix: Codes) -> Patterns:
        if not len(matrix):
            return cls([], [], np.zeros(0, dtype=np.int64))
        if not matrix.shape[1]:  # no comparisons: every pair has the empty vector
            return cls([()], [len(matrix)], np.zeros(len(matrix), dtype=np.int64))
        # One integer per row (levels + 1 in mixed radix), so that one 1-D sort finds them.
        shifted = matrix + 1
        radix = shifted.max(axis=0) + 1
        places = np.concatenate([[1], np.cumprod(radix[::-1])[:-1]])[::-1].astype(np.int64)
        _, first, inverse, counts = np.unique(
            shifted @ places, return_index=True, return_inverse=True, return_counts=True
        )
        order = np.argsort(first, kind="stable")
        position = np.empty_like(order)
        position[order] = np.arange(len(order))
        gammas = [
            tuple(None if level == MISSING else level for level in row)
            for row in matrix[first[order]].tolist()
        ]
        return cls(gammas, counts[order].tolist(), position[inverse.reshape(-1)])

    @classmethod
    def of_pairs(
        cls, table: FeatureTable, names: Sequence[str], i: Codes, j: Codes, chunk: int
    ) -> Patterns:
        """:meth:`of` the gamma matrix of pairs (i[k], j[k]), built ``chunk`` pairs at a time.

        Only one chunk's gamma matrix (and its comparisons' working arrays) is held at once.
        """
        index: dict[Gamma, int] = {}
        counts: list[int] = []
        of_pair = np.empty(len(i), dtype=np.int64)
        for start in range(0, len(i), chunk):
            part = cls.of(
                gamma_matrix(table, names, i[start : start + chunk], j[start : start + chunk])
            )
            remap = np.empty(len(part.gammas), dtype=np.int64)
            for k, (gamma, count) in enumerate(zip(part.gammas, part.counts, strict=True)):
                at = index.setdefault(gamma, len(index))
                if at == len(counts):
                    counts.append(0)
                counts[at] += count
                remap[k] = at
            of_pair[start : start + len(part.of_pair)] = remap[part.of_pair]
        return cls(list(index), counts, of_pair)

"""Estimating the model from unlabelled data (the approach splink also takes).

- u (how often a level occurs among non-matches): from random pairs, which are almost all
  non-matches. For the "exact" level the sampled rate is replaced by the exact value-
  frequency sum ``sum(f_v * g_v)``, because exact agreement on a date of birth is too rare
  (about 1 in 30,000) for a sample to measure.
- m (how often a level occurs among matches): by expectation-maximisation on blocked pairs,
  with u held fixed, one session per training blocking rule. A session cannot learn the
  comparisons its own rule fixes (every pair blocked on date of birth agrees on it), so each
  comparison's m is the mean over the sessions that could learn it. A session left with a
  single comparison to learn is skipped: it cannot tell m from the block's match share.
- the prior (the share of all pairs that match): from the dob session, the matches found in
  the block divided by the share of matches the block captures.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from casework.clients.matching import blocking
from casework.clients.matching.compare import DOB, FIRST_NAME, Gamma, by_name
from casework.clients.matching.model import HOUSEHOLD_FIELDS, HOUSEHOLDS, Model
from casework.clients.matching.records import Features
from casework.clients.matching.table import Codes, FeatureTable, Patterns, gamma_matrix

U_SAMPLE = 15_000
EM_MAX_ITERATIONS = 100
EM_TOLERANCE = 1e-5
EM_STARTS = (0.05, 0.3, 0.7)
EM_PROBE_ITERATIONS = 15
# EM learns m from a sample of each training block; more pairs barely move the estimates.
SESSION_PAIRS = 60_000
# (training rule, comparisons that rule fixes; the first is the field it blocks on). Sex is
# fixed in the name session too: a shared first name nearly implies a shared sex, so in that
# block sex agreement is no evidence, and EM would otherwise mistake "same sex" for "same
# person".
SESSIONS = (
    ("dob", ("dob",)),
    ("first_and_last_name_sound", ("first_name", "last_name", "sex")),
)
# With u fixed, one comparison of k levels shows k - 1 free frequencies in a block, while m
# and the block's match share are k unknowns: every split of the block fits it exactly, and
# EM stops wherever its start leaves it. With names and date of birth only, the name session
# has just date of birth left to learn; among a million records its block holds many
# namesakes, and EM called them matches whose birthdays differ (m(dob exact) 0.03, truth
# about 0.8): the block captured a share of matches 26 times too small, and the prior came
# out 34 times too high. Two comparisons of k1 and k2 levels show k1 * k2 - 1 joint
# frequencies for k1 + k2 - 1 unknowns: how often the two agree together pins the split.
MIN_LEARNED = 2
# Floors keep every weight finite: a level never seen among matches is still possible.
FLOOR = 1e-6
# m is floored higher: a level the training data never shows among matches (say, an
# initial for a first name) must still count as mild evidence, not as a disagreement.
M_FLOOR = 1e-4

_EXACT_KEY: dict[str, Callable[[Features], str]] = {
    "first_name": lambda f: f.first,
    "last_name": lambda f: f.last,
    "dob": lambda f: f.dob,
    "sex": lambda f: f.sex,
    "ssn": lambda f: f.ssn,
    "phone": lambda f: f.phone[-7:],
    "address": lambda f: f.street,
}


def present_comparisons(records: Iterable[Features], names: Sequence[str]) -> tuple[str, ...]:
    """The comparisons for which at least some records have a value."""
    present = set()
    for record in records:
        for name in names:
            if name not in present and _EXACT_KEY[name](record):
                present.add(name)
        if len(present) == len(names):
            break
    return tuple(name for name in names if name in present)


_CODES: dict[str, Callable[[FeatureTable], Codes]] = {
    "first_name": lambda t: t.first,
    "last_name": lambda t: t.last,
    "dob": lambda t: t.dob,
    "sex": lambda t: t.sex,
    "ssn": lambda t: t.ssn,
    "phone": lambda t: t.phone,
    "address": lambda t: t.street,
}


def present_in_table(
    table: FeatureTable, names: Sequence[str], split: int | None = None
) -> tuple[str, ...]:
    """:func:`present_comparisons` of a whole table.

    ``split``: a link run's table (rows from ``split`` on are the right-hand list), where a
    comparison needs values on both sides: a field one list never has compares nothing (W-2
    forms carry no birth date or sex, a census does).
    """

    def present(name: str) -> bool:
        has = _CODES[name](table) > 0
        if split is None:
            return bool(has.any())
        return bool(has[:split].any()) and bool(has[split:].any())

    return tuple(name for name in names if present(name))


def _sides(table: FeatureTable, split: int | None) -> tuple[range, range]:
    """Row ranges of the left and right lists (the same range in a dedupe run)."""
    if split is None:
        return range(len(table)), range(len(table))
    return range(split), range(split, len(table))


def _random_pairs(
    table: FeatureTable, split: int | None, size: int, seed: int
) -> tuple[Codes, Codes]:
    rng = random.Random(seed)  # noqa: S311  # statistical sampling, not security
    left, right = _sides(table, split)
    if len(left) < 1 or len(right) < 1 or (split is None and len(left) < 2):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    firsts = np.array(rng.choices(left, k=size), dtype=np.int64)
    seconds = np.array(rng.choices(right, k=size), dtype=np.int64)
    if split is None:
        distinct = firsts != seconds
        return firsts[distinct], seconds[distinct]
    return firsts, seconds


def _exact_rate(name: str, table: FeatureTable, split: int | None) -> float:
    """The chance two random records agree exactly: sum over values of f_left * f_right.

    In a dedupe run the two records are two different rows of one list: sum c(c - 1) over
    n(n - 1), not sum (c / n)^2, which counts each row paired with itself and so adds 1/n
    (at 5,000 records, more than the chance that two people share a birthday).
    """
    codes = _CODES[name](table)
    left, right = _sides(table, split)
    size = int(codes.max(initial=0)) + 1
    a = np.bincount(codes[left.start : left.stop], minlength=size)[1:]
    b = np.bincount(codes[right.start : right.stop], minlength=size)[1:]
    na, nb = int(a.sum()), int(b.sum())
    if split is None:  # distinct pairs only: a record agreeing with itself is no evidence
        pairs = na * (na - 1)
        return int((a * (a - 1)).sum()) / pairs if pairs else 0.0
    if not na or not nb:
        return 0.0
    return int((a * b).sum()) / (na * nb)


def estimate_u(
    names: Sequence[str],
    table: FeatureTable,
    split: int | None = None,
    sample: int = U_SAMPLE,
    seed: int = 0,
) -> dict[str, list[float]]:
    specs = by_name(names)
    i, j = _random_pairs(table, split, sample, seed)
    matrix = gamma_matrix(table, names, i, j)
    u: dict[str, list[float]] = {}
    for at, spec in enumerate(specs):
        levels = matrix[:, at]
        row = np.bincount(levels[levels >= 0], minlength=len(spec.levels)).tolist()
        exact = max(_exact_rate(spec.name, table, split), FLOOR)
        rest = [count + 0.5 for count in row[1:]]  # +0.5: Jeffreys-style smoothing
        scale = (1 - exact) / sum(rest)
        u[spec.name] = [exact] + [max(value * scale, FLOOR) for value in rest]
        if spec.name in ("first_name", "last_name"):
            swapped = spec.levels.index("swapped")
            u[spec.name][swapped] = max(u[spec.name][swapped], _cross_rate(table))
    return u


def _cross_rate(table: FeatureTable) -> float:
    """The chance a random record's first name is another's last name: sum f_first * f_last.

    A sample of 15,000 random pairs sees almost no swaps, and its smoothed rate made a
    swap worth 22 bits, more than a birthday 40 years off could undo: namesakes such as
    "Ryan Lee" and "Lee Ryan" were paired. A swap is at least as common as this.
    """
    size = len(table.names.codes)
    first = np.bincount(table.first, minlength=size)[1:].astype(np.float64)
    last = np.bincount(table.last, minlength=size)[1:].astype(np.float64)
    if not first.sum() or not last.sum():
        return FLOOR
    return max(float((first / first.sum() * (last / last.sum())).sum()), FLOOR)


def _initial_m(levels: int) -> list[float]:
    raw = [0.9] + [0.1 / (levels - 1)] * (levels - 1)
    return raw


def em(
    patterns: Counter[Gamma],
    u: Sequence[Sequence[float]],
    learn: Sequence[int],
    m_start: Sequence[Sequence[float]],
    prior_start: float = 0.1,
    max_iterations: int = EM_MAX_ITERATIONS,
) -> tuple[list[list[float]], float, int]:
    """EM for m and the in-block prior over comparison positions ``learn``; u is fixed."""
    m = [list(row) for row in m_start]
    prior = prior_start
    total = sum(patterns.values())
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007  # reported to the caller
        sums = [[0.0] * len(row) for row in m]
        matched = 0.0
        for pattern, count in patterns.items():
            pm, pu = prior, 1 - prior
            for i in learn:
                level = pattern[i]
                if level is not None:
                    pm *= m[i][level]
                    pu *= u[i][level]
            share = count * pm / (pm + pu)
            matched += share
            for i in learn:
                level = pattern[i]
                if level is not None:
                    sums[i][level] += share
        change = 0.0
        for i in learn:
            seen = sum(sums[i])
            if seen > 0:
                row = [max(value / seen, M_FLOOR) for value in sums[i]]
                change = max(change, *(abs(a - b) for a, b in zip(row, m[i], strict=True)))
                m[i] = row
        new_prior = min(max(matched / total, FLOOR), 1 - FLOOR)
        change = max(change, abs(new_prior - prior))
        prior = new_prior
        if change < EM_TOLERANCE:
            break
    return m, prior, iteration


def log_likelihood(
    patterns: Counter[Gamma],
    m: Sequence[Sequence[float]],
    u: Sequence[Sequence[float]],
    learn: Sequence[int],
    prior: float,
) -> float:
    total = 0.0
    for pattern, count in patterns.items():
        pm, pu = prior, 1 - prior
        for i in learn:
            level = pattern[i]
            if level is not None:
                pm *= m[i][level]
                pu *= u[i][level]
        total += count * math.log(pm + pu)
    return total


def em_best(
    patterns: Counter[Gamma],
    u: Sequence[Sequence[float]],
    learn: Sequence[int],
    m_start: Sequence[Sequence[float]],
) -> tuple[list[list[float]], float, int]:
    """EM from a few starting priors; the fit with the highest likelihood wins.

    With few informative fields (names and date of birth only) EM has local optima, e.g.
    one where "match" just means "same sex"; restarting is the standard remedy.
    """
    best: tuple[float, tuple[list[list[float]], float, int]] | None = None
    for start in EM_STARTS:
        # A short run from each start is enough to see which basin it falls into.
        fit = em(patterns, u, learn, m_start, start, EM_PROBE_ITERATIONS)
        score = log_likelihood(patterns, fit[0], u, learn, fit[1])
        if best is None or score > best[0]:
            best = (score, fit)
    assert best is not None  # EM_STARTS is not empty
    m, prior, probed = best[1]
    m, prior, iterations = em(patterns, u, learn, m, prior)
    return m, prior, probed + iterations


def _session_patterns(
    names: Sequence[str], table: FeatureTable, rule: str, limit: int
) -> Counter[Gamma]:
    """Gamma vectors of the rule's first ``limit`` pairs, counted (in first-seen order)."""
    i, j = blocking.rule_pairs(table, rule, limit)
    patterns = Patterns.of(gamma_matrix(table, names, i, j))
    return Counter(dict(zip(patterns.gammas, patterns.counts, strict=True)))


def _without_household_echo(names: Sequence[str], patterns: Counter[Gamma]) -> Counter[Gamma]:
    """Blank the household fields of pairs whose first names are unrelated, for EM.

    Scoring ignores their agreement then (see model.HOUSEHOLD_FIELDS); EM must too, or it
    explains twins and siblings (same surname, home, phone and sometimes birthday) as one
    person with a "different first name", and learns that this is common among matches.
    """
    if "first_name" not in names:
        return patterns
    first = names.index("first_name")
    different = by_name(["first_name"])[0].levels.index("different")
    household = [i for i, name in enumerate(names) if name in HOUSEHOLD_FIELDS]
    out: Counter[Gamma] = Counter()
    for pattern, count in patterns.items():
        if pattern[first] == different:
            pattern = tuple(None if i in household else v for i, v in enumerate(pattern))
        out[pattern] += count
    return out


# A data set "shows households" when records that share a street address and a surname but
# have unrelated first names and different birthdays (parents, children, spouses) number at
# least this many per record with an address: about 0.4 in the project's generator and
# pseudopeople's census, 0.001 or less in FEBRL 1, 2 and 4 (docs/benchmarks-matching.md).
HOUSEHOLD_PAIRS_PER_RECORD = 0.02
HOUSEHOLD_SAMPLE = 200_000


def households_seen(table: FeatureTable) -> bool | None:
    """Whether the data holds households (None: no street addresses to tell by)."""
    with_street = int((table.street > 0).sum())
    if with_street < 2:
        return None
    i, j = blocking.rule_pairs(table, "street+postcode_or_city", HOUSEHOLD_SAMPLE)
    names = ("first_name", "last_name", "dob")
    matrix = gamma_matrix(table, names, i, j)
    first, last, dob = matrix.T
    family = (
        (first == FIRST_NAME.levels.index("different"))
        & (last == 0)
        & ((dob < 0) | (dob >= DOB.levels.index("year_month")))
    )
    # rule_pairs may stop early on a big file: scale the count to the whole block.
    share = int(family.sum()) / max(len(i), 1)
    total = blocking.block_pairs(table, "street+postcode_or_city")
    return share * total / with_street >= HOUSEHOLD_PAIRS_PER_RECORD


U_FROM_DATA = "u_from_data"


def with_u_from_data(
    model: Model, table: FeatureTable, split: int | None = None, *, seed: int = 0
) -> Model:
    """``model``'s m and prior, with u and the households check taken from ``table``.

    For data with too few matches for EM to learn m from: u (how often each level occurs
    between different people) needs no matches, only random pairs of the data at hand,
    and what is common or rare there (a city everyone shares, a family name that is
    everybody's) is a property of that data, not of the data the model was trained on.
    """
    u = estimate_u(model.comparisons, table, split, seed=seed)
    info = {**model.info, U_FROM_DATA: True, HOUSEHOLDS: bool(households_seen(table))}
    return Model(model.comparisons, model.m, u, model.prior, info)


def _total_pairs(table: FeatureTable, split: int | None) -> int:
    if split is None:
        return len(table) * (len(table) - 1) // 2
    return split * (len(table) - split)


def train(
    names: Sequence[str],
    table: FeatureTable,
    split: int | None = None,
    *,
    fallback: Model | None = None,
    seed: int = 0,
    session_limit: int = SESSION_PAIRS,
) -> Model:
    """Estimate u, then m and the prior by EM; ``fallback`` fills what the data cannot.

    ``split`` makes a link run: rows before it are the left list, the rest the right one.
    EM learns from within-table pairs: in a link run both lists are pooled for it.
    """
    names = tuple(names)
    specs = by_name(names)
    u = estimate_u(names, table, split, seed=seed)
    u_rows = [u[name] for name in names]
    start = [
        list(fallback.m[n]) if fallback and n in fallback.m else _initial_m(len(s.levels))
        for n, s in zip(names, specs, strict=True)
    ]
    learned: dict[str, list[list[float]]] = {name: [] for name in names}
    seen = households_seen(table)
    households = bool(seen)
    info: dict[str, object] = {"records": len(table), "sessions": {}, HOUSEHOLDS: households}
    dob_block: tuple[float, int] | None = None
    for rule, fixed in SESSIONS:
        learn = [i for i, name in enumerate(names) if name not in fixed]
        if len(learn) < MIN_LEARNED or fixed[0] not in names:
            # A rule on a field the run does not compare (a link to W-2 forms, which carry
            # no birth date) blocks only one list's own pairs: relatives and namesakes.
            continue
        patterns = _session_patterns(names, table, rule, session_limit)
        if seen is not False:  # households, or no addresses to tell: EM stays cautious
            patterns = _without_household_echo(names, patterns)
        if sum(patterns.values()) < 50:
            continue
        m, block_prior, iterations = em_best(patterns, u_rows, learn, start)
        info["sessions"][rule] = {  # type: ignore[index]  # built just above
            "pairs": sum(patterns.values()),
            "iterations": iterations,
            "block_match_share": block_prior,
        }
        for i in learn:
            learned[names[i]].append(m[i])
        if rule == "dob":
            dob_block = (block_prior, blocking.block_pairs(table, rule))
    m_final: dict[str, list[float]] = {}
    for name, first in zip(names, start, strict=True):
        rows = learned[name]
        m_final[name] = (
            [sum(col) / len(rows) for col in zip(*rows, strict=True)] if rows else list(first)
        )
    if dob_block is not None and "dob" in names:
        prior = _prior_from_dob_block(dob_block, sum(m_final["dob"][:2]), table, split)
    elif fallback is not None:
        # The shipped prior, moved from the records it was trained on to these (as
        # pipeline.rescaled does): the share of pairs that match falls as 1 / n.
        trained_on = int(fallback.info.get("records", 0) or 0)  # type: ignore[call-overload]  # JSON
        prior = fallback.prior
        if trained_on:
            prior = min(prior * trained_on / max(len(table), 1), 0.5)
    else:
        left = len(table) if split is None else split
        prior = 1 / max(left, 2)
    info["prior_from"] = "dob block" if dob_block is not None else "fallback"
    return Model(names, m_final, u, prior, info)


def _prior_from_dob_block(
    dob_block: tuple[float, int], m_dob_blocked: float, table: FeatureTable, split: int | None
) -> float:
    """All matches = matches in the dob block / the share of matches that block captures.

    The block captures the matches whose dates of birth are both present and equal:
    m(dob exact or day/month swapped) (learned in the other session) times the chance
    both are present.
    """
    block_prior, block_pairs = dob_block
    have_dob = int((table.dob > 0).sum()) / max(len(table), 1)
    captured = max(m_dob_blocked * have_dob * have_dob, 1e-3)
    matches = block_prior * block_pairs / captured
    # In a link run the pooled block's matches are mostly cross-file ones (the point of
    # linking two lists); within-file duplicates, if any, make this a slight overestimate.
    return min(max(matches / max(_total_pairs(table, split), 1), 1e-12), 0.5)

"""Whole runs: features, training (unless a model is given), blocking, scoring.

Runs work on a :class:`~table.FeatureTable` (whole columns at once); lists of
:class:`~records.Features` are accepted and converted.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple, TextIO

import numpy as np
from numpy.typing import NDArray

from casework.clients.matching import blocking, estimate
from casework.clients.matching.compare import ALL_COMPARISONS, Gamma
from casework.clients.matching.estimate import present_in_table
from casework.clients.matching.model import Model, default_model
from casework.clients.matching.records import Features, Person, features
from casework.clients.matching.table import (
    Codes,
    FeatureTable,
    Patterns,
    cyclic_gc_paused,
    gamma_matrix,
)

if TYPE_CHECKING:  # multiprocessing is imported where a run forks: most never do
    from multiprocessing.connection import Connection

# Reported pairs are those the model finds more likely than not to be one person (the
# Bayes decision at equal costs); on the development seed it was within 0.01 of the best
# F1 threshold for both field sets (docs/benchmarks-matching.md). A review queue that
# wants more recall can pass a lower --threshold.
DEFAULT_THRESHOLD = 0.5
PROGRESS_MIN_RECORDS = 20_000
# Pairs scored at once (about 100 MB of working arrays).
SCORE_CHUNK = 1_000_000
# From this many candidate pairs (about 300,000 records) chunks are scored in parallel
# processes, at most MAX_WORKERS (see scoring_workers).
PARALLEL_MIN_PAIRS = 3 * SCORE_CHUNK
MAX_WORKERS = 4
# Below this many records EM has too few pairs to learn from; the shipped parameters
# (casework/clients/matching/data/default-model.json) are used instead.
MIN_TRAINING_RECORDS = 1_000


class ScoredPair(NamedTuple):
    """One reported pair (a named tuple: runs make hundreds of thousands of them)."""

    id_a: str
    id_b: str
    score: float


def to_features(people: Iterable[Person], progress: TextIO | None = None) -> list[Features]:
    items = list(people)
    if progress is None or len(items) < PROGRESS_MIN_RECORDS:
        return [features(person) for person in items]
    from tqdm import tqdm  # here: 18 ms of start-up that a file run mostly does not need

    class Progress(tqdm):
        """tqdm without its monitor thread, which would keep scoring from forking."""

        monitor_interval = 0

    bar = Progress(items, desc="normalizing", file=progress, unit="rec")
    return [features(person) for person in bar]


Records = Sequence[Features] | FeatureTable


def as_table(records: Records) -> FeatureTable:
    return records if isinstance(records, FeatureTable) else FeatureTable.from_features(records)


@cyclic_gc_paused()
def fit(records: Records, *, split: int | None = None, seed: int = 0) -> Model:
    """Estimate a model over the comparisons the data has values for.

    ``split``: a link run's table, whose rows from ``split`` on are the right-hand list.
    """
    table = as_table(records)
    names = present_in_table(table, tuple(c.name for c in ALL_COMPARISONS), split)
    fallback = default_model()
    if fallback is not None and len(table) < MIN_TRAINING_RECORDS:
        return rescaled(fallback.restricted(names), len(table))
    if fallback is not None and split is not None and min_side(table, split) < MIN_TRAINING_RECORDS:
        model = rescaled(fallback.restricted(names), len(table))
        return estimate.with_u_from_data(model, table, split, seed=seed)
    return estimate.train(names, table, split, fallback=fallback, seed=seed)


def min_side(table: FeatureTable, split: int) -> int:
    """The shorter list of a link run: a bound on how many matches EM could learn from.

    Linking 10,000 census records with 88 survey records, EM's blocks hold ten thousand
    pairs within the census (relatives, namesakes) for every possible link, and it learned
    that a household is one person (m(first name differs) 0.35, m(birthday differs) 0.24).
    """
    return min(split, len(table) - split)


def rescaled(model: Model, records: int) -> Model:
    """The stored parameters with the prior moved to a list of ``records`` people.

    The share of pairs that match falls as 1/n (each person has a few duplicates but n
    possible partners), so the prior scales by (records trained on) / (records here).
    """
    trained_on = int(model.info.get("records", 0) or 0)  # type: ignore[call-overload]  # JSON
    prior = model.prior
    if trained_on and records:
        prior = min(prior * trained_on / records, 0.5)
    info = {**model.info, "estimated": False, "records": records}
    return Model(model.comparisons, model.m, model.u, prior, info)


def score_pairs(
    model: Model, table: FeatureTable, i: Codes, j: Codes, *, workers: int | None = None
) -> NDArray[np.float64]:
    """Match probabilities of pairs (i[k], j[k]): one model evaluation per distinct gamma.

    Pairs go in chunks, which bounds the memory of the gamma matrix at any size of run.
    ``workers``: processes scoring chunks at once (None: :func:`scoring_workers`). Each
    chunk is scored alone, the same way in any process, so the scores do not depend on it.
    """
    return _scores(model, table, i, j, None, workers)[0]


def link_scores(
    model: Model,
    table: FeatureTable,
    i: Codes,
    j: Codes,
    family: FamilyAgreement,
    *,
    workers: int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """:func:`score_pairs`, and the same pairs scored for the one-match reading.

    The second scores weigh family agreement by ``family`` (see :class:`FamilyAgreement`)
    where the first set it aside.
    """
    both = _scores(model, table, i, j, family, workers)
    return both[0], both[1]


def _scores(
    model: Model,
    table: FeatureTable,
    i: Codes,
    j: Codes,
    family: FamilyAgreement | None,
    workers: int | None,
) -> NDArray[np.float64]:
    """Rows of scores: pair by pair, and with ``family`` also for the one-match reading."""
    scores = np.zeros((1 if family is None else 2, len(i)), dtype=np.float64)
    starts = range(0, len(i), SCORE_CHUNK)
    workers = scoring_workers(len(i)) if workers is None else min(workers, len(starts))
    if workers <= 1:
        for start in starts:
            scores[:, start : start + SCORE_CHUNK] = _chunk_scores(
                model, table, i, j, start, family
            )
        return scores
    # Forked children share the table read by this process; each takes every workers-th
    # chunk, this process the first share, and the children send their scores back.
    import multiprocessing

    context = multiprocessing.get_context("fork")
    table.name_info, table.dob_digits, table.street_strings  # noqa: B018  # once, before forking
    table.name_frequency("first"), table.name_frequency("last")
    children = []
    for k in range(1, workers):
        receive, send = context.Pipe(duplex=False)
        share = starts[k::workers]
        child = context.Process(
            target=_score_share, args=(model, table, i, j, share, family, send), daemon=True
        )
        child.start()
        send.close()
        children.append((child, receive, share))
    try:
        for start in starts[::workers]:
            scores[:, start : start + SCORE_CHUNK] = _chunk_scores(
                model, table, i, j, start, family
            )
        for _, receive, share in children:
            status, payload = receive.recv()
            if status != "ok":
                raise RuntimeError(f"a scoring process failed: {payload}")
            for start, part in zip(share, payload, strict=True):
                scores[:, start : start + SCORE_CHUNK] = part
    finally:
        for child, receive, _ in children:
            receive.close()
            child.join()  # reaped, so its CPU time counts in RUSAGE_CHILDREN
    return scores


def scoring_workers(pairs: int) -> int:
    """Processes for scoring ``pairs`` pairs: more than one only for big runs.

    Forking is safe only from a process with a single thread (a forked child gets one
    thread, and a lock another thread held stays held): the command line, not a threaded
    web server. Below PARALLEL_MIN_PAIRS a process costs more to start than it saves.
    """
    if pairs < PARALLEL_MIN_PAIRS or threading.active_count() > 1:
        return 1
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0))))


def _chunk_scores(
    model: Model,
    table: FeatureTable,
    i: Codes,
    j: Codes,
    start: int,
    family: FamilyAgreement | None = None,
) -> NDArray[np.float64]:
    chunk = slice(start, start + SCORE_CHUNK)
    patterns = Patterns.of(gamma_matrix(table, model.comparisons, i[chunk], j[chunk]))
    return _pattern_scores(model, table, i[chunk], patterns, family)


# A name's own frequency moves its exact-agreement weight by at most this many bits.
MAX_NAME_FREQUENCY_BITS = 8.0


def _name_frequency_weights(
    model: Model, table: FeatureTable, i: Codes, patterns: Patterns
) -> NDArray[np.float64]:
    """Per pair: the term-frequency adjustment of exactly agreeing first and last names.

    The model's "exact" weight uses u = the chance two random records share *a* name
    (the sum of squared name frequencies). Sharing a rare name is stronger evidence than
    that, and sharing "Smith" weaker: for a name of frequency f the weight is log2(m / f),
    so log2(u / f) is added (splink's term-frequency adjustment, Winkler 1989). Not where
    the family correction has set the last name's weight aside.
    """
    out = np.zeros(len(i), dtype=np.float64)
    for name, column in (("first_name", "first"), ("last_name", "last")):
        if name not in model.comparisons:
            continue
        at = model.comparisons.index(name)
        applies = np.array(
            [g[at] == 0 and model.contributions(g)[at] > 0 for g in patterns.gammas], dtype=bool
        )
        rows = np.flatnonzero(applies[patterns.of_pair])
        if not len(rows):
            continue
        codes = table.first if column == "first" else table.last
        frequency = table.name_frequency(column)[codes[i[rows]]]
        bits = np.log2(model.u[name][0] / frequency)
        out[rows] += np.clip(bits, -MAX_NAME_FREQUENCY_BITS, MAX_NAME_FREQUENCY_BITS)
    return out


def _score_share(
    model: Model,
    table: FeatureTable,
    i: Codes,
    j: Codes,
    starts: range,
    family: FamilyAgreement | None,
    send: Connection,
) -> None:
    """A child's share of :func:`_scores`: its chunks' scores, or why it failed."""
    try:
        send.send(("ok", [_chunk_scores(model, table, i, j, start, family) for start in starts]))
    except BaseException as error:  # the parent raises; a child only reports
        send.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        send.close()


def _scored(
    model: Model,
    table: FeatureTable,
    pairs: tuple[Codes, Codes],
    threshold: float,
    ordered_ids: bool,
    progress: TextIO | None,
) -> list[ScoredPair]:
    """Pairs at or above ``threshold``, best first, then by ids; ``ordered_ids``: id_a <= id_b."""
    i, j = pairs
    if progress is not None and len(table) >= PROGRESS_MIN_RECORDS:
        progress.write(f"comparing {len(i):,} pairs\n")
    return _kept(table, pairs, score_pairs(model, table, i, j), threshold, ordered_ids)


def _kept(
    table: FeatureTable,
    pairs: tuple[Codes, Codes],
    scores: NDArray[np.float64],
    threshold: float,
    ordered_ids: bool,
) -> list[ScoredPair]:
    """Pairs at or above ``threshold``, best first, then by ids; ``ordered_ids``: id_a <= id_b."""
    i, j = pairs
    kept = np.flatnonzero(scores >= threshold)
    a, b, scores = i[kept], j[kept], scores[kept]
    rank = _id_ranks(table.ids)
    if ordered_ids:
        swap = rank[b] < rank[a]
        a, b = np.where(swap, b, a), np.where(swap, a, b)
    order = np.lexsort((rank[b], rank[a], -scores))
    ids = table.ids
    return [
        ScoredPair(ids[x], ids[y], score)
        for x, y, score in zip(
            a[order].tolist(), b[order].tolist(), scores[order].tolist(), strict=True
        )
    ]


def _id_ranks(ids: list[str]) -> Codes:
    """Each row's place in the sorted ids: ordering rows by it orders them by id."""
    rank = np.empty(len(ids), dtype=np.int64)
    rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    return rank


@cyclic_gc_paused()
def dedupe(
    records: Records,
    *,
    model: Model | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    progress: TextIO | None = None,
) -> tuple[list[ScoredPair], Model]:
    """Likely duplicate pairs within one list, best first."""
    table = as_table(records)
    model = model or fit(table)
    if ONE_MATCH_SHARE in model.info:  # a saved link run's model: that reading was not made here
        info = {k: v for k, v in model.info.items() if k != ONE_MATCH_SHARE}
        model = Model(model.comparisons, model.m, model.u, model.prior, info)
    pairs = blocking.dedupe_pairs(table)
    return _scored(model, table, pairs, threshold, True, progress), model


def link(
    left: Sequence[Features],
    right: Sequence[Features],
    *,
    model: Model | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    progress: TextIO | None = None,
) -> tuple[list[ScoredPair], Model]:
    """Likely same-person pairs between two lists (``id_a`` from ``left``), best first."""
    table = FeatureTable.from_features([*left, *right])
    return link_table(table, len(left), model=model, threshold=threshold, progress=progress)


@cyclic_gc_paused()
def link_table(
    table: FeatureTable,
    split: int,
    *,
    model: Model | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    progress: TextIO | None = None,
) -> tuple[list[ScoredPair], Model]:
    """:func:`link` of a table whose rows from ``split`` on are the right-hand list."""
    learn_here = model is None
    model = model or fit(table, split=split)
    pairs = blocking.link_pairs(table, split)
    i, j = pairs
    if progress is not None and len(table) >= PROGRESS_MIN_RECORDS:
        progress.write(f"comparing {len(i):,} pairs\n")
    family = FamilyAgreement(table, split)
    if learn_here and model.info.get("sessions") == {}:
        model, scores, one, share = m_from_one_match(model, table, split, pairs, family)
    else:
        scores, family_scores = link_scores(model, table, i, j, family)
        one, share = one_match_scores(family_scores, i, j, split, len(table), model.prior)
    info = {**model.info, ONE_MATCH_SHARE: round(share, 4)}
    model = Model(model.comparisons, model.m, model.u, model.prior, info)
    found = _kept(table, pairs, np.maximum(scores, one), threshold, False)
    return found, model


# Where a saved model's info records the one-match reading of the run that produced it.
ONE_MATCH_SHARE = "one_match_share"
# EM for the share of the shorter list's records that have a match starts here and stops
# when the share moves by less than ONE_MATCH_TOLERANCE (it took 3-11 iterations on the
# public sets of docs/benchmarks-matching.md).
ONE_MATCH_START = 0.5
ONE_MATCH_TOLERANCE = 1e-9
ONE_MATCH_ITERATIONS = 500
# Odds at which a probability of 1.0 is read (weights are clipped to +-60 bits).
_MAX_ODDS = 2.0**60


# Rounds of m_from_one_match: it stops when no m moves by more than ONE_MATCH_M_TOLERANCE
# (census vs W-2 forms: 3 rounds, docs/benchmarks-matching.md).
ONE_MATCH_ROUNDS = 6
ONE_MATCH_M_TOLERANCE = 1e-3
# Where a model's info records that m was learned that way, and in how many rounds.
M_FROM_ONE_MATCH = "m_from_one_match_rounds"


def m_from_one_match(
    model: Model,
    table: FeatureTable,
    split: int,
    pairs: tuple[Codes, Codes],
    family: FamilyAgreement,
) -> tuple[Model, NDArray[np.float64], NDArray[np.float64], float]:
    """m learned from the run's own pairs, where no training block could (EM's M step).

    EM learns m in blocks that leave comparisons to learn: a birth date block learns the
    names, a name block the birth date. A link to a list without birth dates (W-2 tax
    forms) leaves neither, and the shipped m (learned on the project's generator, where
    duplicates rarely move house) then weighs a different address as strong evidence
    against. Here each pair counts towards m with its probability under the larger of the
    two readings (pair by pair, one match per record), and the pairs are scored again, until
    m settles. u and the prior stay as estimated.

    Returns the model, its pair-by-pair and one-match probabilities, and the share of the
    shorter list's records with a match.
    """
    i, j = pairs
    patterns = Patterns.of_pairs(table, model.comparisons, i, j, SCORE_CHUNK)
    for rounds in range(1, ONE_MATCH_ROUNDS + 1):
        scores, family_scores = _pattern_scores(model, table, i, patterns, family)
        one, _ = one_match_scores(family_scores, i, j, split, len(table), model.prior)
        weights = np.bincount(
            patterns.of_pair, weights=np.maximum(scores, one), minlength=len(patterns.gammas)
        )
        m = {}
        for at, name in enumerate(model.comparisons):
            tally = np.zeros(len(model.m[name]))
            for gamma, weight in zip(patterns.gammas, weights.tolist(), strict=True):
                if gamma[at] is not None:
                    tally[gamma[at]] += weight
            if tally.sum() <= 0:
                m[name] = list(model.m[name])
                continue
            rates = np.maximum(tally / tally.sum(), estimate.M_FLOOR)
            m[name] = (rates / rates.sum()).tolist()
        moved = max(
            (abs(new - old) for name in m for new, old in zip(m[name], model.m[name], strict=True)),
            default=0.0,
        )
        info = {**model.info, M_FROM_ONE_MATCH: rounds}
        model = Model(model.comparisons, m, model.u, model.prior, info)
        if moved < ONE_MATCH_M_TOLERANCE:
            break
    scores, family_scores = _pattern_scores(model, table, i, patterns, family)
    one, share = one_match_scores(family_scores, i, j, split, len(table), model.prior)
    return model, scores, one, share


def _pattern_scores(
    model: Model,
    table: FeatureTable,
    i: Codes,
    patterns: Patterns,
    family: FamilyAgreement | None = None,
) -> NDArray[np.float64]:
    """Probabilities of pairs whose gamma patterns are known: one row, or two with ``family``.

    The second row is the one-match reading's (see :class:`FamilyAgreement`).
    """
    weights = np.array([model.weight(g) for g in patterns.gammas], dtype=np.float64)
    weight = weights[patterns.of_pair] + _name_frequency_weights(model, table, i, patterns)
    rows = [weight]
    if family is not None:
        bits = np.array([family.bits(model, g) for g in patterns.gammas], dtype=np.float64)
        rows.append(weight + bits[patterns.of_pair])
    return 1.0 / (1.0 + np.exp2(-np.clip(np.array(rows), -60.0, 60.0)))


# The comparisons whose agreement the family correction sets aside: model.HOUSEHOLD_FIELDS
# and the birth date.
FAMILY_FIELDS = ("last_name", "address", "phone", "dob")


def _pairs_agreeing(columns: list[Codes]) -> float:
    """How many pairs of rows have the same values in all of ``columns``."""
    # One code per distinct combination so far, column by column (a 1-D sort each; a sort
    # of rows, np.unique(axis=0), took 5x as long).
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        combined = key * (int(column.max(initial=0)) + 1) + column
        key = np.unique(combined, return_inverse=True)[1].reshape(-1)
    counts = np.bincount(key).astype(np.float64)
    return float((counts * (counts - 1) / 2).sum())


class FamilyAgreement:
    """How often different people of the longer list agree exactly on family fields together.

    Pair by pair, agreement on the family name, the home, the phone and sometimes the
    birthday is set aside for a pair whose first names are unrelated, or (in data with
    households) whose first name is missing on a side while the birthdays differ or one
    is unknown (model.HOUSEHOLD_FIELDS): relatives share them, and multiplying their
    agreement rates as if independent would count one family several times over. The
    one-match reading instead weighs them at their measured joint rate: for the fields K
    a pair agrees on exactly, log2(the product of m over K / u_K), where u_K is the share
    of pairs of records of the longer list that agree on all of K at once (relatives, and
    any person listed twice, which only makes u_K larger). Fellegi and Sunter (1969, "A
    theory for record linkage", JASA 64(328)) define u on the whole agreement pattern; the
    product of per-field rates is their simplification for independent fields, which
    family fields are not. m stays the product: one person's records are corrupted field
    by field. A twin with an unrelated first name then weighs m(first name differs) x
    m(family fields) against how often the longer list's own twins agree that way, and
    so loses to the person's own record, which has the first name as well
    (docs/decisions/0114).
    """

    def __init__(self, table: FeatureTable, split: int) -> None:
        size = len(table)
        # The longer list, as in one_match_scores (the left one when they are equal).
        self._rows = slice(0, split) if split >= size - split else slice(split, size)
        self._table = table
        self._joint: dict[tuple[str, ...], float | None] = {}

    def u(self, names: tuple[str, ...], model: Model) -> float | None:
        """The share of the longer list's pairs that agree exactly on all of ``names``.

        Counted among the records that have all of them; at least one pair (no infinite
        weight where the list holds none), and never below ``model``'s independent rates
        multiplied. None where fewer than two records have them all: nothing to count.
        """
        if names not in self._joint:
            self._joint[names] = self._count(names)
        joint = self._joint[names]
        if joint is None:
            return None
        return max(joint, float(np.prod([model.u[name][0] for name in names])))

    def _count(self, names: tuple[str, ...]) -> float | None:
        table, rows = self._table, self._rows
        present = np.ones(rows.stop - rows.start, dtype=bool)
        columns = []
        for name in names:
            if name == "address":
                present &= table.street[rows] > 0
            else:
                code = {"last_name": table.last, "dob": table.dob, "phone": table.phone}[name]
                present &= code[rows] > 0
                columns.append(code[rows])
        records = int(present.sum())
        if records < 2:
            return None
        columns = [column[present] for column in columns]
        if "address" in names:
            # The address comparison's exact level: the same street, and the same postcode
            # or the same city (either may be missing on both). Pairs of the one, plus the
            # other, less those counted twice.
            street, postcode, city = (
                column[rows][present] for column in (table.street, table.postcode, table.city)
            )
            pairs = (
                _pairs_agreeing([*columns, street, postcode])
                + _pairs_agreeing([*columns, street, city])
                - _pairs_agreeing([*columns, street, postcode, city])
            )
        else:
            pairs = _pairs_agreeing(columns)
        return max(pairs, 1.0) / (records * (records - 1) / 2)

    def bits(self, model: Model, gamma: Gamma) -> float:
        """The weight the one-match reading gives back to fields the pair-by-pair one set aside.

        Never negative: at worst the fields stay set aside, as pair by pair. They stay
        so where the longer list has too few records with all of them to count.
        """
        exact = tuple(
            model.comparisons[at]
            for at in model.set_aside(gamma)
            if gamma[at] == 0 and model.comparisons[at] in FAMILY_FIELDS
        )
        u = self.u(exact, model) if exact else None
        if u is None:
            return 0.0
        m = float(np.prod([model.m[name][0] for name in exact]))
        return max(0.0, float(np.log2(m / u)))


def one_match_scores(
    scores: NDArray[np.float64], i: Codes, j: Codes, split: int, size: int, prior: float
) -> tuple[NDArray[np.float64], float]:
    """Each link pair's probability if a record of the shorter list matches at most one record.

    Scored pair by pair (``scores``), a record that is the only plausible partner of a
    survey record gets the prior of any pair, about 1 / (records in the longer list). But
    when nearly every record of the shorter list is somebody in the longer one (a survey
    drawn from a census, two extracts of one caseload), a record's best candidate is
    likely its match: with M_r the longer list's record that record r matches (or none),
    P(M_r = k) = pi / n, and the posterior of pair (r, k) is
    q_k / ((1 - pi) + sum of q over r's candidates), q_k = (pi / n) x likelihood ratio_k
    (the bipartite model of Sadinle 2017, Bayesian estimation of bipartite matchings for
    record linkage, JASA 112(518), without its constraint on the longer list). pi, the
    share of the shorter list's records that have a match, is estimated by EM on the run
    itself, with a Beta(2, 2) prior so that it stays strictly between 0 and 1.

    Returns the probabilities (aligned with ``scores``) and pi. The caller keeps the
    larger of the two readings: alone, this one would split a person listed twice in the
    longer list between the two records (census vs ACS: 2 of 88 survey people).
    """
    left, right = split, size - split
    if not len(scores) or min(left, right) == 0:
        return np.zeros_like(scores), 0.0
    if right <= left:
        record, n_short, n_long = j - split, right, left
    else:
        record, n_short, n_long = i, left, right
    with np.errstate(divide="ignore"):
        odds = np.where(scores < 1.0, scores / (1.0 - scores), _MAX_ODDS)
    odds_sum = np.bincount(record, weights=odds, minlength=n_short)
    per_pair = 1.0 / (prior / (1.0 - prior)) / n_long  # q_k / odds_k is pi x this
    share = ONE_MATCH_START
    for _ in range(ONE_MATCH_ITERATIONS):
        q_sum = share * per_pair * odds_sum
        expected = float(np.sum(q_sum / ((1.0 - share) + q_sum)))
        updated = (expected + 1.0) / (n_short + 2.0)
        if abs(updated - share) < ONE_MATCH_TOLERANCE:
            share = updated
            break
        share = updated
    q = share * per_pair * odds
    return q / ((1.0 - share) + share * per_pair * odds_sum[record]), share

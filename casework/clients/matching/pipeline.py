"""Whole runs: features, training (unless a model is given), blocking, scoring."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from tqdm import tqdm

from casework.clients.matching import blocking
from casework.clients.matching.compare import ALL_COMPARISONS, Gamma, comparator
from casework.clients.matching.estimate import present_comparisons, train
from casework.clients.matching.model import Model, default_model
from casework.clients.matching.records import Features, Person, features

# Reported pairs are those the model finds more likely than not to be one person (the
# Bayes decision at equal costs); on the development seed it was within 0.01 of the best
# F1 threshold for both field sets (docs/benchmarks-matching.md). A review queue that
# wants more recall can pass a lower --threshold.
DEFAULT_THRESHOLD = 0.5
PROGRESS_MIN_RECORDS = 20_000
# Below this many records EM has too few pairs to learn from; the shipped parameters
# (casework/clients/matching/data/default-model.json) are used instead.
MIN_TRAINING_RECORDS = 1_000


@dataclass(frozen=True, slots=True)
class ScoredPair:
    id_a: str
    id_b: str
    score: float


def to_features(people: Iterable[Person], progress: TextIO | None = None) -> list[Features]:
    items = list(people)
    show = progress is not None and len(items) >= PROGRESS_MIN_RECORDS
    iterable = tqdm(items, desc="normalizing", file=progress, disable=not show, unit="rec")
    return [features(person) for person in iterable]


def fit(
    left: Sequence[Features],
    right: Sequence[Features] | None = None,
    seed: int = 0,
    gammas: dict[tuple[int, int], Gamma] | None = None,
) -> Model:
    """Estimate a model over the comparisons the data has values for."""
    every = tuple(c.name for c in ALL_COMPARISONS)
    pool = list(left) + list(right or ())
    names = present_comparisons(pool, every)
    fallback = default_model()
    if fallback is not None and len(pool) < MIN_TRAINING_RECORDS:
        return rescaled(fallback.restricted(names), len(pool))
    return train(names, left, right, fallback=fallback, seed=seed, gammas=gammas)


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


def _scored(
    model: Model,
    pairs: Iterator[tuple[int, int]],
    left: Sequence[Features],
    right: Sequence[Features],
    threshold: float,
    progress: TextIO | None,
    known: dict[tuple[int, int], Gamma] | None = None,
) -> list[ScoredPair]:
    gamma = comparator(model.comparisons)
    known = known or {}
    # Work in weights: probability is monotone in weight, so compare once per pattern.
    cache: dict[tuple[int | None, ...], float] = {}
    out: list[ScoredPair] = []
    size = len(left) + (len(right) if right is not left else 0)
    show = progress is not None and size >= PROGRESS_MIN_RECORDS
    for i, j in tqdm(pairs, desc="comparing", file=progress, disable=not show, unit="pair"):
        g = known.get((i, j)) or gamma(left[i], right[j])
        score = cache.get(g)
        if score is None:
            score = cache[g] = model.probability(g)
        if score >= threshold:
            a, b = left[i].id, right[j].id
            out.append(
                ScoredPair(a, b, score) if a <= b or left is not right else ScoredPair(b, a, score)
            )
    out.sort(key=lambda p: (-p.score, p.id_a, p.id_b))
    return out


def dedupe(
    records: Sequence[Features],
    *,
    model: Model | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    progress: TextIO | None = None,
) -> tuple[list[ScoredPair], Model]:
    """Likely duplicate pairs within one list, best first."""
    gammas: dict[tuple[int, int], Gamma] = {}
    model = model or fit(records, gammas=gammas)
    pairs = blocking.dedupe_pairs(records)
    return _scored(model, pairs, records, records, threshold, progress, gammas), model


def link(
    left: Sequence[Features],
    right: Sequence[Features],
    *,
    model: Model | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    progress: TextIO | None = None,
) -> tuple[list[ScoredPair], Model]:
    """Likely same-person pairs between two lists (``id_a`` from ``left``), best first."""
    model = model or fit(left, right)
    pairs = blocking.link_pairs(left, right)
    return _scored(model, pairs, left, right, threshold, progress), model

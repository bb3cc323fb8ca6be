"""Whole runs: features, training (unless a model is given), blocking, scoring."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from tqdm import tqdm

from casework.clients.matching import blocking
from casework.clients.matching.compare import ALL_COMPARISONS, comparator
from casework.clients.matching.estimate import present_comparisons, train
from casework.clients.matching.model import Model, default_model
from casework.clients.matching.records import Features, Person, features

# Reported pairs are those the model finds more likely than not to be one person (the
# Bayes decision at equal costs); on the development seed it was within 0.01 of the best
# F1 threshold for both field sets (docs/benchmarks-matching.md). A review queue that
# wants more recall can pass a lower --threshold.
DEFAULT_THRESHOLD = 0.5
PROGRESS_MIN_RECORDS = 20_000


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


def fit(left: Sequence[Features], right: Sequence[Features] | None = None, seed: int = 0) -> Model:
    """Estimate a model over the comparisons the data has values for."""
    every = tuple(c.name for c in ALL_COMPARISONS)
    pool = list(left) + list(right or ())
    names = present_comparisons(pool, every)
    return train(names, left, right, fallback=default_model(), seed=seed)


def _scored(
    model: Model,
    pairs: Iterator[tuple[int, int]],
    left: Sequence[Features],
    right: Sequence[Features],
    threshold: float,
    progress: TextIO | None,
) -> list[ScoredPair]:
    gamma = comparator(model.comparisons)
    # Work in weights: probability is monotone in weight, so compare once per pattern.
    cache: dict[tuple[int | None, ...], float] = {}
    out: list[ScoredPair] = []
    show = progress is not None and len(left) + len(right) >= PROGRESS_MIN_RECORDS
    for i, j in tqdm(pairs, desc="comparing", file=progress, disable=not show, unit="pair"):
        g = gamma(left[i], right[j])
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
    model = model or fit(records)
    pairs = blocking.dedupe_pairs(records)
    return _scored(model, pairs, records, records, threshold, progress), model


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


def stderr() -> TextIO:
    return sys.stderr

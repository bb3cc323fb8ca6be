"""The Fellegi-Sunter model: m/u probabilities per comparison level, weights, probabilities.

A pair's match weight is ``log2(prior odds) + sum(log2(m[level] / u[level]))`` over the
comparisons that are present on both sides (a missing field adds 0: neutral), and its
match probability is ``2**w / (1 + 2**w)`` (Fellegi and Sunter 1969; Winkler 1988).
Estimation lives in :mod:`casework.clients.matching.estimate`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from casework.clients.matching.compare import Gamma, by_name

FORMAT = "casework-fellegi-sunter/1"
DEFAULT_MODEL = Path(__file__).parent / "data" / "default-model.json"

# Fields a family shares. When the first names are unrelated (no nickname, typo, sound,
# initial or part in common), agreement on these is what twins and siblings living together
# look like, not evidence of one person: Fellegi-Sunter's independence assumption would
# count it several times over. So in that case their positive weights are not added; and
# if any of them does agree, a shared birthday is what twins look like, so neither is it.
HOUSEHOLD_FIELDS = ("last_name", "address", "phone")
RELATIVE_REASON = "first names differ while family details match: likely a relative"
# Whether the data holds households is a property of the data, not of people in general:
# a fitted model says so in ``info["households"]`` (estimate.households_seen). Without
# households (FEBRL-style lists of unrelated people, where a duplicate's first name is
# sometimes replaced outright) the family correction would discard true duplicates; then
# only the twin signature is corrected, and only when both records say the same sex (a
# twin pair is the one family pair no other field can tell apart). Models without the
# key (the shipped one, stored ones) assume households.
HOUSEHOLDS = "households"


@dataclass
class Model:
    """Trained parameters; ``m[c][l]``/``u[c][l]`` for comparison ``c`` at level ``l``."""

    comparisons: tuple[str, ...]
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    prior: float
    info: dict[str, object] = field(default_factory=dict)
    _weights: list[list[float]] = field(default_factory=list, init=False, repr=False)
    _cache: dict[Gamma, float] = field(default_factory=dict, init=False, repr=False)
    _subsets: dict[tuple[str, ...], Model] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._weights = [
            [math.log2(m / u) for m, u in zip(self.m[name], self.u[name], strict=True)]
            for name in self.comparisons
        ]
        self._first_different = self._index_of("first_name", "different")
        self._household = [i for i, name in enumerate(self.comparisons) if name in HOUSEHOLD_FIELDS]
        self._dob = [i for i, name in enumerate(self.comparisons) if name == "dob"]
        self._households = bool(self.info.get(HOUSEHOLDS, True))
        # Seen in the data by a fitted model (not assumed, as by the shipped one, which
        # intake uses: its ranking stays as benchmarked).
        self._households_seen = self.info.get(HOUSEHOLDS) is True
        self._dob_typo = by_name(["dob"])[0].levels.index("typo")
        self._twin_checks = [self._index_of(name, "exact") for name in ("last_name", "dob", "sex")]

    def _index_of(self, comparison: str, level: str) -> tuple[int, int] | None:
        if comparison not in self.comparisons:
            return None
        spec = by_name([comparison])[0]
        return self.comparisons.index(comparison), spec.levels.index(level)

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def contributions(self, gamma: Gamma) -> list[float]:
        """Each comparison's weight for this pair (0 for missing)."""
        out = [0.0 if level is None else self._weights[i][level] for i, level in enumerate(gamma)]
        if self.looks_like_relative(gamma, out):
            for i in [*self._household, *self._dob]:
                out[i] = min(out[i], 0.0)
        elif self._households and (
            self._first_unrelated(gamma)
            or (self._households_seen and self._first_unknown_and_born_apart(gamma))
        ):
            for i in self._household:
                out[i] = min(out[i], 0.0)
        return out

    def set_aside(self, gamma: Gamma) -> list[int]:
        """The comparisons whose agreement the family correction set aside for this pair."""
        capped = self.contributions(gamma)
        return [
            at
            for at, level in enumerate(gamma)
            if level is not None and capped[at] < self._weights[at][level]
        ]

    def _first_unrelated(self, gamma: Gamma) -> bool:
        marker = self._first_different
        return marker is not None and gamma[marker[0]] == marker[1]

    def _first_unknown_and_born_apart(self, gamma: Gamma) -> bool:
        """A first name missing on a side, and birthdays not the same or one typo apart.

        In data with households, a shared surname and home then say "a relative" as much
        as "the same person" (pseudopeople's census: 165 such false pairs in 10,000).
        """
        first = self._first_different
        if first is None or gamma[first[0]] is not None:
            return False
        level = gamma[self._dob[0]] if self._dob else None
        return level is None or level > self._dob_typo

    def _twin_signature(self, gamma: Gamma) -> bool:
        """Surname, birthday and sex all the same (the only family check without households)."""
        return all(at is not None and gamma[at[0]] == at[1] for at in self._twin_checks)

    def looks_like_relative(self, gamma: Gamma, weights: Sequence[float] | None = None) -> bool:
        """Unrelated first names, and a surname, home or phone in common.

        Where the data shows no households, only the twin signature counts.
        """
        if not self._first_unrelated(gamma):
            return False
        if not self._households:
            return self._twin_signature(gamma)
        if weights is None:
            weights = [0.0 if lv is None else self._weights[i][lv] for i, lv in enumerate(gamma)]
        return any(weights[i] > 0 for i in self._household)

    def weight(self, gamma: Gamma) -> float:
        cached = self._cache.get(gamma)
        if cached is None:
            cached = self.prior_weight + sum(self.contributions(gamma))
            self._cache[gamma] = cached
        return cached

    def probability(self, gamma: Gamma) -> float:
        return probability(self.weight(gamma))

    def reasons(self, gamma: Gamma) -> list[str]:
        """Plain-words reasons, strongest evidence first (agreements, then disagreements)."""
        scored = []
        for name, level, weight in zip(
            self.comparisons, gamma, self.contributions(gamma), strict=True
        ):
            if level is not None and abs(weight) >= 0.5:
                scored.append((weight, by_name([name])[0].reasons[level]))
        positives = sorted((item for item in scored if item[0] > 0), reverse=True)
        negatives = sorted(item for item in scored if item[0] < 0)
        reasons = [reason for _, reason in positives + negatives]
        return [*reasons, RELATIVE_REASON] if self.looks_like_relative(gamma) else reasons

    def to_json(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "comparisons": list(self.comparisons),
            "levels": {name: list(by_name([name])[0].levels) for name in self.comparisons},
            "prior": self.prior,
            "m": {name: list(values) for name, values in self.m.items()},
            "u": {name: list(values) for name, values in self.u.items()},
            "info": dict(self.info),
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Model:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model file")
        comparisons = tuple(str(name) for name in data["comparisons"])  # type: ignore[attr-defined]  # validated below
        specs = by_name(comparisons)
        m = {k: [float(x) for x in v] for k, v in data["m"].items()}  # type: ignore[attr-defined]  # JSON object
        u = {k: [float(x) for x in v] for k, v in data["u"].items()}  # type: ignore[attr-defined]  # JSON object
        for spec in specs:
            for table in (m, u):
                values = table.get(spec.name)
                if values is None or len(values) != len(spec.levels):
                    raise ValueError(f"model has no or wrong-sized parameters for {spec.name}")
                if any(not 0 < value <= 1 for value in values):
                    raise ValueError(f"model parameters for {spec.name} must be in (0, 1]")
        prior = float(data["prior"])  # type: ignore[arg-type]  # JSON number
        if not 0 < prior < 1:
            raise ValueError("model prior must be in (0, 1)")
        return cls(comparisons, m, u, prior, dict(data.get("info") or {}))  # type: ignore[call-overload]  # JSON object

    @classmethod
    def load(cls, path: str | Path) -> Model:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))

    def restricted(self, names: Sequence[str]) -> Model:
        """The same parameters over a subset of comparisons (for data lacking some fields)."""
        keep = tuple(name for name in self.comparisons if name in names)
        if keep == self.comparisons:
            return self
        if keep in self._subsets:
            return self._subsets[keep]
        self._subsets[keep] = Model(
            keep,
            {k: self.m[k] for k in keep},
            {k: self.u[k] for k in keep},
            self.prior,
            dict(self.info),
        )
        return self._subsets[keep]


def probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    odds = 2.0**weight
    return odds / (1 + odds)


@cache
def default_model() -> Model | None:
    """The shipped parameters (trained on synthetic data), or None if the file is absent."""
    if not DEFAULT_MODEL.exists():
        return None
    return Model.load(DEFAULT_MODEL)

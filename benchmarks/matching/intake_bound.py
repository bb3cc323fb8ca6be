"""How high can a names-only intake search go on FEBRL 4? An upper bound, from the data.

    .venv/bin/python benchmarks/matching/intake_bound.py

The scenario of ``intake.py --source febrl`` (``public_data.febrl_scenario``, seed 5): 4,000
clients, 4,000 returning arrivals searched by their names alone. For each arrival, every
client gets an edit distance per name (optimal string alignment, 0, 1, 2 or "3 or more";
a missing name counts as 3), with the names as typed and swapped. The true client is given
the benefit of the doubt: a nickname or a same-sounding name counts as one edit.

A client **outranks** the true one under every ranking that is monotone in these per-name
distances when, for each way round of the true client's names, one way round of the
client's is at least as close on both names, and not the reverse; it **ties** when each
is at least as close as the other. With d clients outranking it and t tying, the true client
is in the top 5 with probability at most min(1, (5 - d) / (t + 1)) (0 when d >= 5), ties
broken at random. Averaged over the arrivals, this bounds the top-5 recall of any search
that ranks by how close the names are, whatever its blocking, model or name frequencies:
clients that tie share the same name (so the same frequency) or are equally far from it.

Also printed: the kinds of name corruption among the true pairs, and how many true pairs
have no name that any index can find (neither name exact, one edit, a nickname or a sound-
alike, either way round).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")

import public_data  # noqa: E402

from casework.clients.matching.compare import nickname_groups  # noqa: E402
from casework.clients.matching.records import features, phonetic  # noqa: E402

FAR = 3  # "three edits or more", and a missing name


def distances(typed: list[str], stored: list[str]) -> np.ndarray:
    found = cdist(typed, stored, scorer=OSA.distance, workers=1).astype(np.int16)
    found = np.minimum(found, FAR)
    found[np.array([not name for name in typed]), :] = FAR
    found[:, np.array([not name for name in stored])] = FAR
    return found


def near(typed: str, stored: str, distance: int) -> bool:
    """Any index key in common: exact, one edit, a nickname or the same sound."""
    return bool(typed and stored) and (
        distance <= 1
        or stored in nickname_groups().get(typed, ())
        or phonetic(typed) == phonetic(stored)
    )


def kind(typed: str, stored: str, distance: int) -> str:
    if not typed or not stored:
        return "missing"
    if typed == stored:
        return "exact"
    if near(typed, stored, distance):
        return "one edit, nickname or sound"
    return "two edits" if distance == 2 else "different"


def main() -> None:
    scenario = public_data.febrl_scenario(seed=5)
    clients = [features(p) for p in scenario.existing]
    row_of = {p.id.split("#")[0]: k for k, p in enumerate(scenario.existing)}
    arrivals = [
        (features(p), row_of[key]) for p in scenario.incoming if (key := scenario.answer[p.id])
    ]
    firsts, lasts = [c.first for c in clients], [c.last for c in clients]
    typed_first, typed_last = [a.first for a, _ in arrivals], [a.last for a, _ in arrivals]
    first_first, last_last = distances(typed_first, firsts), distances(typed_last, lasts)
    first_last, last_first = distances(typed_first, lasts), distances(typed_last, firsts)
    expected, keyless, kinds = 0.0, 0, Counter[tuple[str, str]]()
    for n, (person, truth) in enumerate(arrivals):
        true_client = clients[truth]
        ways = [  # (typed, stored, distance) per name, straight then swapped
            ((person.first, true_client.first, first_first[n, truth]),
             (person.last, true_client.last, last_last[n, truth])),
            ((person.first, true_client.last, first_last[n, truth]),
             (person.last, true_client.first, last_first[n, truth])),
        ]  # fmt: skip
        kinds[(kind(*ways[0][0]), kind(*ways[0][1]))] += 1
        if not any(near(*name) for way in ways for name in way):
            keyless += 1
        true_ways = [tuple(min(d, 1) if near(t, s, d) else d for t, s, d in way) for way in ways]
        client_ways = [(first_first[n], last_last[n]), (first_last[n], last_first[n])]
        beats = np.ones(len(clients), dtype=bool)
        for tf, tl in true_ways:
            beats &= np.logical_or.reduce([(cf <= tf) & (cl <= tl) for cf, cl in client_ways])
        beaten = np.ones(len(clients), dtype=bool)
        for cf, cl in client_ways:
            beaten &= np.logical_or.reduce([(tf <= cf) & (tl <= cl) for tf, tl in true_ways])
        beats[truth] = beaten[truth] = False
        ahead, ties = int((beats & ~beaten).sum()), int((beats & beaten).sum())
        expected += 0.0 if ahead >= 5 else min(1.0, (5 - ahead) / (ties + 1))
    total = len(arrivals)
    print(f"FEBRL 4, names only: {total} returning arrivals, {len(clients)} clients")
    print(f"upper bound on top-5 recall: {expected / total:.2%}")
    print(f"no name any index can reach (either way round): {keyless} ({keyless / total:.2%})")
    print("first name / last name of the arrival against the true client, straight:")
    for (first, last), count in kinds.most_common():
        print(f"  {first:28s} {last:28s} {count:5d}  {count / total:6.2%}")


if __name__ == "__main__":
    main()

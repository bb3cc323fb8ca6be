"""Re-estimate the shipped default model (casework/clients/matching/data/default-model.json).

    python benchmarks/matching/train_default_model.py

Unsupervised (EM), on 100,000 synthetic records (seed 1) with every field, so that intake
search has sensible parameters before an agency trains its own with
`casework match --save-model FILE`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")

from casework.clients.matching import estimate
from casework.clients.matching.compare import ALL_COMPARISONS
from casework.clients.matching.model import DEFAULT_MODEL
from casework.clients.matching.synth import generate
from casework.clients.matching.table import FeatureTable


def main() -> None:
    table = FeatureTable.from_people(generate(100_000, seed=1).people)
    names = tuple(c.name for c in ALL_COMPARISONS)
    model = estimate.train(names, table, seed=1)
    model.info = {**model.info, "trained_on": "synth.generate(100000, seed=1), all fields"}
    model.save(DEFAULT_MODEL)
    print(f"wrote {DEFAULT_MODEL}")


if __name__ == "__main__":
    main()

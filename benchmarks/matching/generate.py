"""Write synthetic person records with known duplicates: PEOPLE.csv plus a truth file.

    python benchmarks/matching/generate.py --records 100000 --seed 1 --out var/bench/people.csv

The truth file (``<out>.truth.csv``) maps each record id to the real person (entity) and
says whether that person is a plain record, a relative or a twin (relatives and twins are
different people who share a surname, address and sometimes a birthday).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")

from casework.clients.matching.csvio import write_people
from casework.clients.matching.synth import Synthetic, generate

ADDRESS_FIELDS = (
    "ssn",
    "phone",
    "street_number",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
)


def names_dob_only(data: Synthetic) -> Synthetic:
    """The same people with only names, date of birth and sex (the 'no SSN, no address' set)."""
    blank: dict[str, Any] = dict.fromkeys(ADDRESS_FIELDS, "")
    return Synthetic([replace(p, **blank) for p in data.people], data.entity, data.kind)


def without_ssn(data: Synthetic) -> Synthetic:
    return Synthetic([replace(p, ssn="") for p in data.people], data.entity, data.kind)


def write_truth(path: Path, data: Synthetic) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "entity", "kind"])
        for person in data.people:
            entity = data.entity[person.id]
            writer.writerow([person.id, entity, data.kind[entity]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fields", choices=("all", "no-ssn", "names-dob"), default="all")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    data = generate(args.records, seed=args.seed)
    if args.fields == "no-ssn":
        data = without_ssn(data)
    elif args.fields == "names-dob":
        data = names_dob_only(data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_people(args.out, data.people)
    write_truth(args.out.with_suffix(".truth.csv"), data)
    print(
        f"{len(data.people)} records, {len(data.true_pairs())} true duplicate pairs -> {args.out}"
    )


if __name__ == "__main__":
    main()

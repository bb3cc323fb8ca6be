"""Linkage quality and speed: Casework's matcher against splink, same data, same run.

    python benchmarks/matching/linkage.py --records 10000 100000 --runs 3 --seed 7

For each size and each field set ("names+dob+address": names, dob, sex, phone, address;
"names+dob": names, dob, sex), it generates records with known duplicates
(casework.clients.matching.synth), then times, end to end from the CSV file to scored pairs:

- casework: read the CSV, estimate the model (EM, no labels), block, score; pairs at the
  default threshold. The same code path as `casework match FILE.csv`.
- splink (DuckDB backend): read the same CSV, splink's out-of-the-box comparisons for these
  fields (NameComparison with term-frequency adjustments, DateOfBirthComparison, exact
  matches), u by random sampling, m by EM on two
  blocking rules, prediction with the same kinds of blocking keys as Casework's. Its F1 is
  reported at its BEST threshold over a sweep (chosen with the truth: an upper bound).

Each side's timing ends when its scored pairs are Python objects (Casework's list of pairs,
splink's records read back from DuckDB); turning them into the tuples the scoring below
needs is not timed, for either. Wall and CPU time are medians of --runs runs;
precision/recall/F1 are deterministic. Results are printed as JSON lines, one per size and
field set.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")

from benchmarks.matching.generate import names_dob_only, without_ssn, write_truth
from casework.clients.matching import pipeline
from casework.clients.matching.compare import clear_caches
from casework.clients.matching.csvio import read_file, write_people
from casework.clients.matching.records import features
from casework.clients.matching.synth import generate
from casework.clients.matching.table import FeatureTable

Pairs = set[tuple[str, str]]
Scored = tuple[str, str, float]


def prf(predicted: Pairs, truth: Pairs) -> dict[str, float]:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def run_casework(path: Path) -> list[pipeline.ScoredPair]:
    """The timed part: CSV file to scored pairs (down to 0.01, for the threshold sweep)."""
    clear_caches()  # each run starts cold, like a fresh `casework match`
    table = FeatureTable.from_columns(read_file(path).people)  # lenient, as the command
    pairs, _ = pipeline.dedupe(table, threshold=0.01)
    return pairs


def casework_results(pairs: list[pipeline.ScoredPair]) -> tuple[Pairs, list[Scored]]:
    """(pairs at the default threshold, every scored pair): untimed bookkeeping."""
    scored = [(p.id_a, p.id_b, p.score) for p in pairs]
    default = {(a, b) for a, b, s in scored if s >= pipeline.DEFAULT_THRESHOLD}
    return default, scored


def _splink_rows(path: Path) -> list[dict[str, object]]:
    # The same normalisation Casework applies (lower case, accents and punctuation off), so
    # that splink is not penalised for "O'Brien" vs "obrien".
    rows: list[dict[str, object]] = []
    for person in read_file(path).people.people():
        f = features(person)
        rows.append(
            {
                "unique_id": person.id,
                "first_name": f.first or None,
                "surname": f.last or None,
                "dob": (f.dob and f"{f.dob[:4]}-{f.dob[4:6]}-{f.dob[6:]}") or None,
                "sex": f.sex or None,
                "phone": f.phone[-7:] or None,
                # One address value: three separate exact matches on street, postcode and
                # city would count one shared home three times (measured: F1 0.70).
                "address": f"{f.street}|{f.postcode}" if f.street else None,
                "postcode": f.postcode or None,
                "birth_year": f.dob[:4] or None,
            }
        )
    return rows


def run_splink(path: Path, with_address: bool) -> list[dict[str, Any]]:
    """The timed part: CSV file to splink's scored pairs, read back into Python."""
    import duckdb
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    rows = _splink_rows(path)
    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    table = pa.Table.from_pylist(rows)
    df = db_api.register(table, table_name="people")
    comparisons: list[Any] = [
        cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("dob", input_is_string=True),
        cl.ExactMatch("sex"),
    ]
    rules: list[Any] = [
        block_on("dob"),
        block_on("surname", "birth_year"),
        block_on("first_name", "surname"),
    ]
    if with_address:
        comparisons += [cl.ExactMatch("phone"), cl.ExactMatch("address")]
        rules += [block_on("first_name", "postcode"), block_on("phone")]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(df, settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    # Ranked by match weight: at these sizes many probabilities round to exactly 1.0.
    return linker.inference.predict(threshold_match_weight=-10).as_record_list()


def splink_results(rows: list[dict[str, Any]]) -> list[Scored]:
    """splink's predictions as (id, id, match weight): untimed bookkeeping."""
    out = []
    for row in rows:
        a, b = sorted((str(row["unique_id_l"]), str(row["unique_id_r"])))
        out.append((a, b, float(row["match_weight"])))
    return out


def best_threshold(scored: list[Scored], truth: Pairs) -> dict[str, float]:
    """The F1-best cut over every distinct score (uses the truth: an upper bound)."""
    ranked = sorted(scored, key=lambda item: -item[2])
    best: dict[str, float] = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "threshold": 1.0}
    hits = 0
    for rank, (a, b, score) in enumerate(ranked, start=1):
        hits += (a, b) in truth
        if rank < len(ranked) and ranked[rank][2] == score:
            continue  # cut only between distinct scores
        precision, recall = hits / rank, hits / max(len(truth), 1)
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        if f1 > best["f1"]:
            best = {
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "f1": round(f1, 4),
                "threshold": round(score, 6),
            }
    return best


def cpu_seconds() -> float:
    """CPU time of this process (all its threads: DuckDB's too) and of its reaped children
    (Casework's scoring processes)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(fn: Callable[[], object], runs: int) -> tuple[object, dict[str, object]]:
    """Median wall and CPU seconds over ``runs`` runs.

    CPU time (:func:`cpu_seconds`) is reported beside wall time because the benchmark
    machine is shared: under a load average of 15 on 2 CPUs the wall time of a
    single-threaded run mostly measures the other jobs.
    """
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), cpu_seconds()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
    return result, {
        "wall": round(statistics.median(walls), 2),
        "cpu": round(statistics.median(cpus), 2),
        "wall_runs": [round(t, 2) for t in walls],
        "cpu_runs": [round(t, 2) for t in cpus],
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def prepare(records: int, seed: int, fieldset: str, workdir: Path) -> tuple[Path, Pairs]:
    """The data set's CSV file and true pairs, generated unless ``workdir`` has them.

    Generating a million records takes minutes; with --data the files are kept, so that
    a timed run (which may have to wait for a shared machine) does not generate them.
    """
    path = workdir / f"people-{records}-seed{seed}-{fieldset}.csv"
    truth_path = path.with_suffix(".truth.csv")
    if not (path.exists() and truth_path.exists()):
        data = generate(records, seed=seed)
        data = without_ssn(data) if fieldset == "names+dob+address" else names_dob_only(data)
        write_people(path, data.people)
        write_truth(truth_path, data)
    with truth_path.open(encoding="utf-8", newline="") as handle:
        entity = {row["id"]: row["entity"] for row in csv.DictReader(handle)}
    by_entity: dict[str, list[str]] = {}
    for record_id, person in entity.items():
        by_entity.setdefault(person, []).append(record_id)
    truth = set()
    for ids in by_entity.values():
        ids.sort()
        truth.update((a, b) for x, a in enumerate(ids) for b in ids[x + 1 :])
    return path, truth


def bench(records: int, seed: int, fieldset: str, runs: int, workdir: Path) -> dict[str, object]:
    path, truth = prepare(records, seed, fieldset, workdir)
    ours, ours_time = timed(lambda: run_casework(path), runs)
    default, scored = casework_results(ours)  # type: ignore[arg-type]  # run_casework's list
    theirs, splink_time = timed(lambda: run_splink(path, fieldset == "names+dob+address"), runs)
    splink_scored = splink_results(theirs)  # type: ignore[arg-type]  # run_splink's list
    return {
        "records": records,
        "seed": seed,
        "fields": fieldset,
        "true_pairs": len(truth),
        "casework_default": {**prf(default, truth), "threshold": pipeline.DEFAULT_THRESHOLD},
        "casework_best": best_threshold(scored, truth),
        "casework_seconds": ours_time,
        "splink_best": best_threshold(splink_scored, truth),
        "splink_seconds": splink_time,
    }


def machine() -> str:
    import splink

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (
        f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"splink {splink.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--fields",
        nargs="+",
        default=["names+dob+address", "names+dob"],
        choices=["names+dob+address", "names+dob"],
    )
    parser.add_argument(
        "--data", type=Path, help="keep the generated files here and reuse them (default: none)"
    )
    parser.add_argument(
        "--prepare", action="store_true", help="only generate the files in --data; time nothing"
    )
    args = parser.parse_args()
    if args.prepare and not args.data:
        parser.error("--prepare needs --data")
    with contextlib.ExitStack() as stack:
        workdir = args.data or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        workdir.mkdir(parents=True, exist_ok=True)
        if args.prepare:
            for records in args.records:
                for fieldset in args.fields:
                    print(prepare(records, args.seed, fieldset, workdir)[0], flush=True)
            return
        print(f"# {machine()}", flush=True)
        for records in args.records:
            for fieldset in args.fields:
                print(
                    json.dumps(bench(records, args.seed, fieldset, args.runs, workdir)),
                    flush=True,
                )


if __name__ == "__main__":
    main()

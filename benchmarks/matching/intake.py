"""Intake search: right person in the top 5, false alerts for new people, latency.

    python benchmarks/matching/intake.py --clients 100000 --incoming 1000 --database sqlite
    python benchmarks/matching/intake.py --clients 100000 --incoming 1000 --database postgres
    python benchmarks/matching/intake.py --source pseudopeople --incoming-dataset ssa \
        --base-seed 1 --incoming-seed 2 --incoming 1000
    python benchmarks/matching/intake.py --source febrl

``--source generator`` (the default) is the project's own generator, described next; the
public-data sources (``pseudopeople``, ``febrl``: see ``public_data.py``, installed by
``make bench-setup``) are searched twice, with the incoming date of birth and without it.

Names + date of birth only (sex, phone, address and SSN blank on both sides). The database
holds one client per synthetic person; of the incoming people a fifth are not on file
(drawn from the same households, so relatives and twins of clients are among them) and the
rest arrive as a duplicate record with intake errors. Every incoming person is searched
with ``find_candidates`` (the service-layer call intake makes), timed per call in wall and
CPU milliseconds (CPU of this process: on PostgreSQL the server's share is not in it).
``--runs`` passes are made over the same arrivals, one JSON line each, then their medians
with the 1-minute load average.

The database is a file under var/bench/ (SQLite) or the database ``casework_bench_matching``
(PostgreSQL at 127.0.0.1, created if absent); it is filled once per size and reused.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casework.clients.matching.records import Person

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "casework_bench_matching"
LOAD_BATCH = 20_000
BLANK: dict[str, Any] = {
    "sex": "",
    "ssn": "",
    "phone": "",
    "street_number": "",
    "address_1": "",
    "address_2": "",
    "city": "",
    "state": "",
    "postcode": "",
}


def configure(database: str, clients: int, slug: str = "") -> None:
    if database == "sqlite":
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{ROOT / 'var' / 'bench' / f'intake-{slug or clients}.sqlite3'}"
    else:
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_NAME],
            check=False,
            capture_output=True,
        )
        url = f"{PG_SERVER}/{PG_NAME}"
        os.environ["CASEWORK_DB_POOL"] = "false"
    os.environ["CASEWORK_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
    import django

    django.setup()


def load(existing: list[Person], clients: int, name: str = "") -> int:
    """The benchmark organization holding ``existing``, loaded unless already complete.

    Plain rows through the demo loader's writer (``COPY`` on PostgreSQL, ``executemany``
    on SQLite, a transaction per batch) with the search keys ``Client.save()`` would
    store: model instances and ``bulk_create`` made a million clients take 41 minutes.
    """
    from django.core.management import call_command
    from django.db import connection, transaction

    from casework.accounts.models import Organization
    from casework.clients.demo import RowWriter
    from casework.clients.models import Client

    call_command("migrate", verbosity=0)
    name = name or f"Matching benchmark {clients}"
    org = Organization.objects.filter(name=name).first()
    if org is not None and Client.objects.filter(organization=org).count() == clients:
        return org.pk
    Client.objects.filter(organization__name=name).delete()
    org = org or Organization.objects.create(name=name, state="NY")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")  # a throwaway database, this process only
            cursor.execute("PRAGMA cache_size=-500000")
    writer = RowWriter(Client)
    for start in range(0, len(existing), LOAD_BATCH):
        batch = existing[start : start + LOAD_BATCH]
        with transaction.atomic():
            ids = writer.reserve_ids(len(batch))
            writer.write([client_row(p, i, org.pk) for p, i in zip(batch, ids, strict=True)])
    return org.pk


def client_row(person: Person, client_id: int, org_id: int) -> dict[str, object]:
    from casework.clients.models import Sex
    from casework.clients.models.client import search_keys

    given, family = person.first_name or "Unknown", person.last_name or "Unknown"
    return {
        "id": client_id,
        "organization_id": org_id,
        "given_name": given,
        "family_name": family,
        "date_of_birth": person.dob,
        "sex": Sex.NOT_COLLECTED,
        # The truth key (the person, not the record), to score the answers; not matched on.
        "middle_name": person.id.split("#")[0],
        **search_keys(given, family, ""),
    }


def analyze() -> None:
    """Fresh planner statistics on PostgreSQL, as autovacuum keeps them in production.

    Straight after a bulk load the planner believes the table is tiny and picks a plan that
    scans the tenant (1.4 s a search at 100,000 clients). SQLite is left as a default
    install leaves it: without statistics.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE clients_client")
            cursor.execute("ANALYZE accounts_organization")


def measure(scenario, org_id: int, clients: int, misses: list | None = None) -> dict[str, float]:
    """One pass over the arrivals: quality, and wall and CPU milliseconds per search.

    A returning person counts as found when any record of theirs on file is in the top 5.
    ``misses``, when given, collects the people not found with the top answer, and the new
    people falsely alerted (with no records on file).
    """
    from casework.clients.intake_search import find_candidates
    from casework.clients.models import Client

    queryset = Client.objects.filter(organization_id=org_id, is_active=True)
    original: dict[str, set[int]] = {}
    for key, pk in queryset.values_list("middle_name", "pk").iterator(chunk_size=20000):
        original.setdefault(key, set()).add(pk)
    wall, cpu, top5, alerts_new, returning, new = [], [], 0, 0, 0, 0
    dated, dated_top5 = 0, 0  # returning people who arrive with a date of birth
    for warm in scenario.incoming[:20]:
        find_candidates(warm, clients=queryset, population=clients)
    for person in scenario.incoming:
        started, started_cpu = time.perf_counter(), time.process_time()
        found = find_candidates(person, clients=queryset, population=clients)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        truth = scenario.answer[person.id]
        if truth is None:
            new += 1
            alerted = bool(found and found[0].possible_duplicate)
            alerts_new += alerted
            if alerted and misses is not None:
                misses.append((person, [], found[:1]))
        else:
            returning += 1
            hit = bool(original[truth] & {c.client_id for c in found[:5]})
            top5 += hit
            if person.dob is not None:
                dated += 1
                dated_top5 += hit
            if not hit and misses is not None:
                misses.append((person, sorted(original[truth]), found[:1]))
    return {
        "top5_hit_rate": round(top5 / returning, 4),
        **(
            {
                "top5_hit_rate_arriving_with_dob": round(dated_top5 / dated, 4),
                "returning_with_dob": dated,
            }
            if dated
            else {}
        ),
        "new_person_false_alert_rate": round(alerts_new / new, 4),
        "returning": returning,
        "new": new,
        **percentiles("latency_ms", wall),
        **percentiles("cpu_ms", cpu),
        "loadavg_1m": os.getloadavg()[0],
    }


def percentiles(name: str, values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        f"{name}_p50": round(statistics.median(ordered), 2),
        f"{name}_p95": round(ordered[int(len(ordered) * 0.95) - 1], 2),
        f"{name}_max": round(ordered[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", choices=("generator", "pseudopeople", "febrl"), default="generator"
    )
    parser.add_argument("--clients", type=int, default=100_000, help="Generator only.")
    parser.add_argument("--incoming", type=int, default=1000, help="Arrivals (0: all).")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, default=3, help="Generator, or the sample's seed.")
    parser.add_argument(
        "--incoming-dataset", default="ssa", help="pseudopeople: ssa, wic+acs+cps..."
    )
    parser.add_argument("--base-seed", type=int, default=1, help="pseudopeople census noise.")
    parser.add_argument("--incoming-seed", type=int, default=2, help="pseudopeople noise.")
    parser.add_argument("--runs", type=int, default=3, help="Passes; each prints a line.")
    parser.add_argument(
        "--show-misses", type=int, default=0, help="Print this many misses and false alerts."
    )
    args = parser.parse_args()
    if args.source == "generator":
        configure(args.database, args.clients)
        scenario, label = generated(args), f"generator seed {args.seed}"
        passes = {"with date of birth": scenario}
    else:
        scenario, label = public(args)
        configure(args.database, len(scenario.existing), slug=_slug(label))
        args.clients = len(scenario.existing)
        no_dob = copy.copy(scenario)
        no_dob.incoming = [replace(p, dob=None) for p in scenario.incoming]
        passes = {"with date of birth": scenario, "names only": no_dob}
    started = time.perf_counter()
    org_id = load(scenario.existing, args.clients, name=f"Intake benchmark {_slug(label)}"[:150])
    loaded = time.perf_counter() - started
    analyze()
    for kind, searched in passes.items():
        runs = []
        for run in range(1, args.runs + 1):
            misses: list = []
            runs.append(measure(searched, org_id, args.clients, misses))
            extra = {"data": label, "searched": kind, "run": run, "load_seconds": round(loaded, 1)}
            report(args, {**extra, **runs[-1]})
        if args.runs > 1:
            medians = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            report(
                args, {"data": label, "searched": kind, "run": f"median of {args.runs}", **medians}
            )
        show_misses(misses[: args.show_misses])


def generated(args: argparse.Namespace) -> Any:
    from casework.clients.matching.synth import intake_scenario

    scenario = intake_scenario(args.clients, args.incoming, seed=args.seed)
    scenario.existing = [replace(p, **BLANK) for p in scenario.existing]
    scenario.incoming = [replace(p, **BLANK) for p in scenario.incoming]
    return scenario


def public(args: argparse.Namespace) -> tuple[Any, str]:
    sys.path.insert(0, str(Path(__file__).parent))
    import public_data

    if args.source == "febrl":
        scenario = public_data.febrl_scenario(seed=args.seed)
    else:
        scenario = public_data.pseudopeople_scenario(
            args.incoming_dataset,
            base_seed=args.base_seed,
            incoming_seed=args.incoming_seed,
            sample=args.incoming,
            sample_seed=args.seed,
        )
    return scenario, scenario.label


def _slug(label: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in label.lower())[:80].strip("-")


def show_misses(misses: list) -> None:
    from casework.clients.models import Client

    for person, truth, top in misses:
        if not truth:  # a new person flagged as a possible duplicate
            flagged = list(
                Client.objects.filter(pk=top[0].client_id).values_list(
                    "given_name", "family_name", "date_of_birth"
                )
            )
            print(
                f"  FALSE ALERT {person.first_name!r} {person.last_name!r} {person.dob}"
                f" -> {flagged}; {top}",
                file=sys.stderr,
            )
            continue
        stored = list(
            Client.objects.filter(pk__in=truth).values_list(
                "given_name", "family_name", "date_of_birth"
            )
        )
        print(
            f"  MISS {person.first_name!r} {person.last_name!r} {person.dob}"
            f" -> on file {stored}; top {top}",
            file=sys.stderr,
        )


def report(args: argparse.Namespace, result: dict[str, object]) -> None:
    fields = {"database": args.database, "clients": args.clients, "incoming": args.incoming}
    print(json.dumps({**fields, "seed": args.seed, **result}), flush=True)


if __name__ == "__main__":
    main()

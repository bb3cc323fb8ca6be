"""Intake search: right person in the top 5, false alerts for new people, latency.

    python benchmarks/matching/intake.py --clients 100000 --incoming 1000 --database sqlite
    python benchmarks/matching/intake.py --clients 100000 --incoming 1000 --database postgres

Names + date of birth only (sex, phone, address and SSN blank on both sides). The database
holds one client per synthetic person; of the incoming people a fifth are not on file
(drawn from the same households, so relatives and twins of clients are among them) and the
rest arrive as a duplicate record with intake errors. Every incoming person is searched
with ``find_candidates`` (the service-layer call intake makes), timed per call.

The database is a file under var/bench/ (SQLite) or the database ``casework_bench_matching``
(PostgreSQL at 127.0.0.1, created if absent); it is filled once per size and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "casework_bench_matching"
BLANK = {
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


def configure(database: str, clients: int) -> None:
    if database == "sqlite":
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{ROOT / 'var' / 'bench' / f'intake-{clients}.sqlite3'}"
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


def load(existing: list, clients: int) -> int:
    from django.core.management import call_command

    from casework.accounts.models import Organization
    from casework.clients.models import Client, Sex

    call_command("migrate", verbosity=0)
    name = f"Matching benchmark {clients}"
    org = Organization.objects.filter(name=name).first()
    if org is not None and Client.objects.filter(organization=org).count() == clients:
        return org.pk
    Client.objects.filter(organization__name=name).delete()
    org = org or Organization.objects.create(name=name, state="NY")
    batch = []
    for person in existing:
        client = Client(
            organization=org,
            given_name=person.first_name or "Unknown",
            family_name=person.last_name or "Unknown",
            date_of_birth=person.dob,
            sex=Sex.NOT_COLLECTED,
            middle_name=person.id,  # the synthetic id, to score the answers (not matched on)
        )
        client.refresh_search_keys()
        batch.append(client)
        if len(batch) == 5000:
            Client.objects.bulk_create(batch)
            batch = []
    Client.objects.bulk_create(batch)
    return org.pk


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


def measure(scenario, org_id: int, clients: int) -> dict[str, object]:
    from casework.clients.matching.intake import find_candidates
    from casework.clients.models import Client

    queryset = Client.objects.filter(organization_id=org_id, is_active=True)
    original = dict(queryset.values_list("middle_name", "pk").iterator(chunk_size=20000))
    latencies, top5, alerts_new, returning, new = [], 0, 0, 0, 0
    for warm in scenario.incoming[:20]:
        find_candidates(warm, clients=queryset, population=clients)
    for person in scenario.incoming:
        start = time.perf_counter()
        found = find_candidates(person, clients=queryset, population=clients)
        latencies.append((time.perf_counter() - start) * 1000)
        truth = scenario.answer[person.id]
        if truth is None:
            new += 1
            alerts_new += bool(found and found[0].possible_duplicate)
        else:
            returning += 1
            top5 += original[truth] in {c.client_id for c in found[:5]}
    latencies.sort()
    return {
        "top5_hit_rate": round(top5 / returning, 4),
        "new_person_false_alert_rate": round(alerts_new / new, 4),
        "returning": returning,
        "new": new,
        "latency_ms_p50": round(statistics.median(latencies), 2),
        "latency_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1], 2),
        "latency_ms_max": round(latencies[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--incoming", type=int, default=1000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    configure(args.database, args.clients)
    from casework.clients.matching.synth import intake_scenario

    scenario = intake_scenario(args.clients, args.incoming, seed=args.seed)
    scenario.existing = [replace(p, **BLANK) for p in scenario.existing]
    scenario.incoming = [replace(p, **BLANK) for p in scenario.incoming]
    started = time.perf_counter()
    org_id = load(scenario.existing, args.clients)
    loaded = time.perf_counter() - started
    analyze()
    result = measure(scenario, org_id, args.clients)
    print(
        json.dumps(
            {
                "database": args.database,
                "clients": args.clients,
                "incoming": args.incoming,
                "seed": args.seed,
                "load_seconds": round(loaded, 1),
                **result,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()

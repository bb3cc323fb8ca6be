"""Resource directory and referral benchmarks (issue 14).

Targets: importing an HSDS package of 20,000 services and 30,000 locations under 60 s;
service search with category + distance + open now p95 under 100 ms; with 100,000
referrals, the partner inbox page p95 under 75 ms. On SQLite and PostgreSQL.

    .venv/bin/python benchmarks/directory.py --engine sqlite
    .venv/bin/python benchmarks/directory.py --engine postgres
    .venv/bin/python benchmarks/directory.py --engine postgres --search-again 3  # search only

Each engine gets its own database (``var/bench/directory.sqlite3``, PostgreSQL
``casework_bench_directory``), rebuilt on every run (``--search-again`` reuses the last
one). Results print as JSON; copy them into ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "casework_bench_directory"
CATEGORIES = [
    "food-insecurity", "housing-instability", "homelessness", "transportation-insecurity",
    "financial-insecurity", "utility-insecurity", "employment-status",
    "health-insurance-coverage-status", "intimate-partner-violence", "stress",
]  # fmt: skip
# Upstate New York, roughly Albany to Syracuse: a dense regional directory.
LAT, LON = (42.0, 43.5), (-76.5, -73.5)
DAYS = ["MO,TU,WE,TH,FR", "MO,WE,FR", "TU,TH", "SA", "MO,TU,WE,TH,FR,SA"]


def uid(kind: int, n: int) -> str:
    return f"{kind:08x}-0000-4000-8000-{n:012x}"


def _write(folder: Path, name: str, header: list[str], rows: list[list[Any]]) -> None:
    with (folder / name).open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def make_package(folder: Path, services: int, locations: int, seed: int = 14) -> None:
    """An HSDS 3.0 tabular package of the given size (valid against the schemas)."""
    rng = random.Random(seed)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    from casework.interop.hsds_schema import DATA_DIR

    shutil.copy(DATA_DIR / "datapackage.json", folder / "datapackage.json")
    orgs = services // 10
    _write(
        folder,
        "organizations.csv",
        ["id", "name", "description"],
        [[uid(1, i), f"Organization {i}", "Community services"] for i in range(orgs)],
    )
    _write(
        folder,
        "taxonomy_terms.csv",
        ["id", "code", "name", "description"],
        [[uid(2, i), c, c.replace("-", " ").title(), c] for i, c in enumerate(CATEGORIES)],
    )
    _write(
        folder,
        "services.csv",
        ["id", "organization_id", "name", "description", "status", "minimum_age", "maximum_age"],
        [
            [
                uid(3, i),
                uid(1, i % orgs),
                f"Service {i} {rng.choice(CATEGORIES)}",
                "Help for residents",
                "active",
                rng.choice(["", "18"]),
                rng.choice(["", "64", ""]),
            ]
            for i in range(services)
        ],
    )
    _write(
        folder,
        "attributes.csv",
        ["id", "link_id", "taxonomy_term_id", "link_entity"],
        [[uid(4, i), uid(3, i), uid(2, i % len(CATEGORIES)), "service"] for i in range(services)],
    )
    _write(
        folder,
        "locations.csv",
        ["id", "location_type", "name", "latitude", "longitude"],
        [
            [
                uid(5, i),
                "physical",
                f"Site {i}",
                round(rng.uniform(*LAT), 5),
                round(rng.uniform(*LON), 5),
            ]
            for i in range(locations)
        ],
    )
    _write(
        folder,
        "service_at_location.csv",
        ["id", "service_id", "location_id"],
        [[uid(6, i), uid(3, i % services), uid(5, i)] for i in range(locations)],
    )
    _write(
        folder,
        "addresses.csv",
        [
            "id",
            "location_id",
            "address_1",
            "city",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ],
        [
            [uid(7, i), uid(5, i), f"{i} Main St", "Albany", "NY", "12207", "US", "physical"]
            for i in range(locations)
        ],
    )
    _write(folder, "schedules.csv", ["id", "service_id", "freq", "byday", "opens_at", "closes_at"],
           [[uid(8, i), uid(3, i), "WEEKLY", rng.choice(DAYS), "09:00", "17:00"]
            for i in range(services)])  # fmt: skip


def configure(engine: str, *, rebuild: bool = True) -> str:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        path = BENCH_DIR / "directory.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if rebuild:
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        if rebuild:
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists",
                            PG_DATABASE], check=True)  # fmt: skip
            subprocess.run(
                ["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE], check=True
            )
        url = f"{PG_SERVER}/{PG_DATABASE}"
    os.environ.update(
        {
            "CASEWORK_DATABASE_URL": url,
            "CASEWORK_VAR_DIR": str(BENCH_DIR / "var"),
            "CASEWORK_TASK_BACKEND": "immediate",
            "DJANGO_SETTINGS_MODULE": "casework.settings",
            "CASEWORK_DB_POOL": "false",
        }
    )
    os.environ.pop("CASEWORK_PROFILE", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    if rebuild:
        call_command("migrate", verbosity=0)
    return url


def step(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def bench_import(folder: Path) -> dict[str, Any]:
    from casework.interop.hsds import import_path

    start = time.perf_counter()
    result = import_path(folder)
    seconds = time.perf_counter() - start
    assert result.ok, result.problems[:5]
    return {"seconds": round(seconds, 1), "rows": sum(result.counts.values())}


def bench_search(runs: int) -> dict[str, Any]:
    from zoneinfo import ZoneInfo

    from casework.resources.search import Point, Query, search

    rng = random.Random(7)
    when = datetime.datetime(2026, 12, 9, 11, 0, tzinfo=ZoneInfo("America/New_York"))
    timings, sizes = [], []
    for _ in range(runs):
        query = Query(
            category=rng.choice(CATEGORIES),
            near=Point(rng.uniform(*LAT), rng.uniform(*LON)),
            radius_km=10,
            when=when,
        )
        start = time.perf_counter()
        hits = search(query)
        timings.append((time.perf_counter() - start) * 1000)
        sizes.append(len(hits))
    return _stats(timings) | {"median_results": statistics.median(sizes)}


def _stats(timings: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "runs": len(timings),
    }


def seed_referrals(count: int) -> Any:
    """``count`` referrals from one agency to 50 partner organizations; returns a partner."""
    from casework.accounts import services as accounts
    from casework.accounts.models import Organization, Role
    from casework.clients.models import Client
    from casework.referrals.models import Referral, Status
    from casework.resources.models import Organization as Listed
    from casework.resources.models import Service

    rng = random.Random(3)
    agency = accounts.organization_create(actor=None, name="Bench Agency", state="NY")
    program = accounts.program_create(
        actor=None, organization=agency, name="Bench Program", practice_area="social_services"
    )
    worker = accounts.user_create(
        actor=None, email="w@bench.example.org", full_name="W", password="x" * 20
    )
    partners, partner_users = [], []
    for i in range(50):
        org = accounts.organization_create(
            actor=None, name=f"Partner {i}", kind=Organization.Kind.PARTNER
        )
        user = accounts.user_create(actor=None, email=f"p{i}@bench.example.org", full_name=f"P{i}",
                                    password="x" * 20)  # fmt: skip
        accounts.membership_grant(actor=None, user=user, role=Role.PARTNER, organization=org)
        Listed.objects.filter(pk=uid(1, i)).update(casework_organization=org)
        partners.append(org)
        partner_users.append(user)
    clients = Client.objects.bulk_create(
        Client(organization=agency, given_name=f"G{i}", family_name=f"F{i}") for i in range(2000)
    )
    service_ids = list(Service.objects.filter(organization_id__in=[uid(1, i) for i in range(50)])
                       .values_list("pk", "organization_id"))  # fmt: skip
    by_org = {uid(1, i): partners[i] for i in range(50)}
    statuses = [Status.REQUESTED, Status.ACCEPTED, Status.COMPLETED, Status.IN_PROGRESS]
    now = datetime.datetime.now(datetime.UTC)
    batch = []
    for n in range(count):
        service_id, org_id = rng.choice(service_ids)
        status = rng.choice(statuses)
        batch.append(Referral(
            client=rng.choice(clients), organization=agency, referring_program=program,
            referred_by=worker, service_id=service_id, recipient_organization=by_org[org_id],
            reason="bench", status=status, requested_at=now - datetime.timedelta(minutes=n),
        ))  # fmt: skip
        if len(batch) == 5000:
            Referral.objects.bulk_create(batch)
            batch = []
    Referral.objects.bulk_create(batch)
    return partner_users[0]


def bench_inbox(partner: Any, runs: int) -> dict[str, Any]:
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(partner, backend="django.contrib.auth.backends.ModelBackend")
    timings = []
    for i in range(runs):
        url = "/partner/" if i % 2 else "/partner/?show=open"
        start = time.perf_counter()
        response = http.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return _stats(timings[5:])


def search_again(engine: str, rounds: int, runs: int) -> None:
    """Rounds of the search on the database of the last full run, each with the load average."""
    configure(engine, rebuild=False)
    results = []
    for _ in range(rounds):
        load = os.getloadavg()[0]
        found = bench_search(runs)
        results.append(found | {"load_1min_before": round(load, 2)})
        step(f"search: {results[-1]}")
    medians = {key: statistics.median(r[key] for r in results) for key in ("p50_ms", "p95_ms")}
    print(json.dumps({"engine": engine, "rounds": results, "median_of_rounds": medians}, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--locations", type=int, default=30_000)
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--search-again",
        type=int,
        default=0,
        metavar="N",
        help="Only time the search, N rounds of --runs, on the database the last full run "
        "built (for a median of several rounds on a busy machine).",
    )
    args = parser.parse_args()
    if args.search_again:
        search_again(args.engine, args.search_again, args.runs)
        return
    configure(args.engine)
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    folder = BENCH_DIR / f"hsds-{args.services}"
    step("writing the HSDS package")
    make_package(folder, args.services, args.locations)
    step("importing")
    results: dict[str, Any] = {
        "engine": args.engine,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "services": args.services,
        "locations": args.locations,
        "import": bench_import(folder),
    }
    step(f"import done: {results['import']}; searching")
    results["search_category_distance_open_now"] = bench_search(args.runs)
    step(f"search: {results['search_category_distance_open_now']}; seeding referrals")
    partner = seed_referrals(args.referrals)
    step("partner inbox")
    results["referrals"] = args.referrals
    results["partner_inbox_page"] = bench_inbox(partner, args.runs)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

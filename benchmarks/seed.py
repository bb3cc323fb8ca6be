"""Seed a benchmark database with N clients (staff, programs and enrollments included).

    .venv/bin/python benchmarks/seed.py --engine sqlite --clients 1000000
    .venv/bin/python benchmarks/seed.py --engine postgres --clients 100000

The database (``var/bench/casework-<N>.sqlite3`` or PostgreSQL ``casework_bench_<N>``)
is dropped and created again, migrated, and filled by the same generator as
``casework seed-demo`` (``casework.clients.demo``): one agency, a program per practice
area, the demo accounts, filler case managers so caseloads are 30-80, and the named case
manager ``cm.healthcare@example.org`` with exactly 80 open clients. Then ``ANALYZE`` so
the planners know the table sizes (PostgreSQL's autovacuum would do it within minutes).

SQLite only: ``PRAGMA synchronous=OFF`` and a large page cache for this loading process,
which is safe for a throwaway database and never used by the app itself.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench


def recreate(engine: str, clients: int) -> None:
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{_bench.sqlite_file(clients)}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = _bench.pg_database(clients)
    with psycopg.connect(f"{_bench.PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--if-needed", action="store_true", help="Skip if already this size.")
    args = parser.parse_args()
    marker = _bench.seeded_marker(args.engine, args.clients)
    if args.if_needed and marker.exists():
        print(f"{args.engine}: already seeded with {args.clients} clients")
        return
    marker.unlink(missing_ok=True)
    recreate(args.engine, args.clients)
    _bench.configure(args.engine, args.clients)

    from django.core.management import call_command
    from django.db import connection
    from tqdm import tqdm

    from casework.clients import demo

    with _bench.stopwatch("migrate"):
        call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-500000")  # 500 MB, this process only
    with (
        _bench.stopwatch(f"seed {args.clients} clients on {args.engine}"),
        tqdm(total=args.clients, unit="client", mininterval=5) as bar,
    ):
        result = demo.seed_demo(
            clients=args.clients,
            seed=args.seed,
            password=_bench.BENCH_PASSWORD,
            batch_size=args.batch_size,
            progress=bar.update,
        )
    with _bench.stopwatch("analyze"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{result.clients} clients, {result.enrollments} enrollments")
    marker.write_text(f"{result.clients} clients, {result.enrollments} enrollments\n")


if __name__ == "__main__":
    main()

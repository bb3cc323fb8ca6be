"""CSV import: parse and check a 20,000-row file (issue 9 target: under 5 s).

Measures ``clients.importing.import_parse`` (decode, CSV parsing, per-row field checks,
set-based duplicate and existence checks) on a fresh database holding 1,000 clients of the
organization, 50 of whom are also in the file. Five runs; prints each and the median.

    python benchmarks/csv_import.py                 # SQLite, in var/bench/
    python benchmarks/csv_import.py --postgres      # PostgreSQL (BENCH_PG_SERVER)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = 20_000
ON_FILE = 1_000
RUNS = 5


def configure(postgres: bool) -> None:
    sys.path.insert(0, str(ROOT))
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    server = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
    url = f"{server}/casework_bench_import" if postgres else f"sqlite:///{bench}/import.sqlite3"
    os.environ.pop("CASEWORK_PROFILE", None)
    os.environ["CASEWORK_DATABASE_URL"] = url
    os.environ.setdefault("CASEWORK_VAR_DIR", str(bench / "var"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "casework.settings"
    import django

    django.setup()


def csv_file() -> bytes:
    lines = ["given_name,family_name,date_of_birth,sex,phone,email,city,state,external_id"]
    for n in range(ROWS):
        lines.append(
            f"Given{n},Family{n % 5000},19{50 + n % 50}-{n % 12 + 1:02d}-{n % 28 + 1:02d},"
            f"{'Female' if n % 2 else 'Male'},555-01{n % 100:02d},p{n}@example.org,Albany,NY,"
            f"EXT-{n}"
        )
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    configure(args.postgres)
    from django.core.management import call_command

    from casework.accounts import services as accounts
    from casework.accounts.models import Program
    from casework.clients.importing import import_parse
    from casework.clients.models import Client

    call_command("migrate", verbosity=0)
    program = Program.objects.filter(name="Import bench").first()
    if program is None:
        org = accounts.organization_create(actor=None, name="Import bench agency")
        program = accounts.program_create(
            actor=None, organization=org, name="Import bench", practice_area="healthcare"
        )
        for n in range(ON_FILE):  # every 20th row of the file is already on file
            k = n * 20
            Client.objects.create(
                organization=org,
                given_name=f"Given{k}",
                family_name=f"Family{k % 5000}",
                date_of_birth=f"19{50 + k % 50}-{k % 12 + 1:02d}-{k % 28 + 1:02d}",
            )
    raw = csv_file()
    times, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        plan = import_parse(raw, program=program, max_bytes=len(raw))
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    engine = "postgres" if args.postgres else "sqlite"
    print(f"engine={engine} rows={len(plan.rows)} bytes={len(raw)}")
    print(f"new={len(plan.to_create)} on_file={len(plan.existing)} errors={len(plan.errors)}")
    print("runs (s): " + ", ".join(f"{t:.2f}" for t in times))
    print("cpu (s):  " + ", ".join(f"{t:.2f}" for t in cpu))
    print(f"median: {statistics.median(times):.2f} s wall (target < 5 s)")
    print(f"median: {statistics.median(cpu):.2f} s of this process's CPU")


if __name__ == "__main__":
    main()

"""Benchmark of the caseload screens: the worklist, a client's notes page, note search.

A case manager with 80 clients in a database of ``--clients`` clients and ``--rows`` notes,
tasks and appointments together (the issue's target is 1M clients and 20M rows; pass
smaller numbers on a small or busy machine and say so with the results). The database is
its own (``var/bench/caseload-<N>.sqlite3`` or ``casework_bench_caseload_<N>``), built
once by ``--seed``. Timings go through the real code: ``build_worklist`` for the worklist,
and the web pages (gate, audit row and template included) through Django's test client.

    .venv/bin/python benchmarks/caseload.py --engine sqlite --clients 20000 --rows 200000 --seed
    .venv/bin/python benchmarks/caseload.py --engine sqlite --clients 20000 --rows 200000
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import _bench, note_text

FOCUS = 80  # the case manager's caseload
BATCH = 5000


def recreate(engine: str, clients: int) -> None:
    """An empty database for a fresh seed (the file removed, or the database made anew)."""
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{_bench.BENCH_DIR / f'caseload-{clients}.sqlite3'}{suffix}").unlink(
                missing_ok=True
            )
        return
    import psycopg

    name = f"casework_bench_caseload_{clients}"
    with psycopg.connect(f"{_bench.PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def configure(engine: str, clients: int) -> None:
    _bench.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    url = (
        f"sqlite:///{_bench.BENCH_DIR / f'caseload-{clients}.sqlite3'}"
        if engine == "sqlite"
        else f"{_bench.PG_SERVER}/casework_bench_caseload_{clients}"
    )
    env = _bench.bench_environ(engine, clients) | {"CASEWORK_DATABASE_URL": url}
    os.environ.update(env)
    import django

    django.setup()


class Inserter:
    """Fast inserts of many rows of one model: every column's value is prepared once from a
    template instance (defaults, ``auto_now_add``), and only the varying columns per row.
    PostgreSQL loads with ``COPY``; SQLite with ``executemany`` in one transaction."""

    def __init__(self, model: Any, varying: list[str], **common: Any) -> None:
        from django.db import connection

        self.connection = connection
        self.model = model
        template = model(**common)
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.columns = [f.column for f in fields]
        self.base = [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields]
        by_name = {f.name: f for f in fields} | {f.attname: f for f in fields}
        # Integers and text go in as they are; dates and JSON through the field's own
        # preparation (time zone, encoding), the one per-value cost that remains.
        plain = {"IntegerField", "BigIntegerField", "CharField", "TextField", "ForeignKey"}
        self.varying = [
            (
                self.columns.index(by_name[n].column),
                None if by_name[n].get_internal_type() in plain else by_name[n],
            )
            for n in varying
        ]

    def row(self, values: tuple[Any, ...]) -> list[Any]:
        out = list(self.base)
        for (index, field), value in zip(self.varying, values, strict=True):
            out[index] = (
                value
                if field is None or value is None
                else field.get_db_prep_save(value, self.connection)
            )
        return out

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        table = self.connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(self.connection.ops.quote_name(c) for c in self.columns)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in rows:
                        copy.write_row(self.row(values))
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    # Names from the model's own metadata, quoted; values are parameters.
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                    [self.row(values) for values in rows],
                )


def seed(clients: int, rows: int) -> None:
    """Create the org, the focus case manager with 80 clients, and everything else.

    Clients, enrollments, notes, tasks and appointments go in through :class:`Inserter`
    (no model instance per row), in batches of ``BATCH`` each in its own transaction;
    SQLite runs with its journal in memory and without syncing while seeding."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from tqdm import tqdm

    from casework.accounts import services as accounts
    from casework.accounts.models import Organization, User
    from casework.casenotes.models import CaseNote
    from casework.casenotes.search import TERMS_FUNCTION
    from casework.clients.models import Client, Enrollment
    from casework.scheduling.models import Appointment, Task

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA journal_mode = MEMORY")
    rng = random.Random(15)
    org = Organization.objects.create(name="Bench Agency")
    program = accounts.program_create(
        actor=None, organization=org, name="Bench Program", practice_area="social_services"
    )
    # One password hash for every worker (hashing is deliberately slow), and their
    # memberships inserted in bulk: the focus case manager signs in, the rest only own rows.
    from django.contrib.auth.hashers import make_password

    from casework.accounts.models import Membership

    password = make_password(_bench.BENCH_PASSWORD)
    count = max(2, clients // FOCUS)
    User.objects.bulk_create(
        [
            User(email=f"cm{i}@bench.example", full_name=f"CM {i}", password=password)
            for i in range(count)
        ],
        batch_size=BATCH,
    )
    workers = list(
        User.objects.filter(email__endswith="@bench.example")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Membership.objects.bulk_create(
        [
            Membership(user_id=uid, organization=org, role="case_manager", program=program)
            for uid in workers
        ],
        batch_size=BATCH,
    )
    now = timezone.now()
    people = Inserter(Client, ["given_name", "family_name"], organization=org)
    for start in range(0, clients, BATCH):
        with transaction.atomic():
            people.insert([(f"G{n}", f"F{n}") for n in range(start, min(clients, start + BATCH))])
    ids = list(Client.objects.values_list("pk", flat=True).order_by("pk"))
    # The focus case manager holds exactly the first FOCUS clients; the rest are spread
    # over the other workers (some 80 each).
    others = workers[1:]
    owner = {cid: workers[0] if i < FOCUS else others[i % len(others)] for i, cid in enumerate(ids)}
    enrolled = Inserter(
        Enrollment, ["client_id", "primary_case_manager_id"], organization=org, program=program
    )
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            enrolled.insert([(cid, owner[cid]) for cid in ids[start : start + BATCH]])
    note = Inserter(
        CaseNote,
        [
            "client_id",
            "author_id",
            "service_at",
            "note_type",
            "sections",
            "search_text",
            "status",
            "signature",
            "signed_at",
        ],
        organization=org,
        program=program,
        contact_method="phone",
        duration_minutes=20,
    )
    task = Inserter(
        Task,
        ["client_id", "assignee_id", "created_by_id", "due_at", "status", "completed_at"],
        organization=org,
        program=program,
        title="Follow up",
    )
    appointment = Inserter(
        Appointment,
        ["client_id", "worker_id", "created_by_id", "starts_at", "ends_at"],
        organization=org,
        program=program,
        mode="phone",
        duration_minutes=30,
        attendance="attended",
    )

    def note_row(cid: int, when: Any) -> tuple[Any, ...]:
        note_type, sections, text = note_text.note(rng)
        if rng.random() < 0.03:  # a few drafts, not yet signed
            return (cid, owner[cid], when, note_type, sections, text, "draft", "", None)
        signed = "Electronically signed"
        return (cid, owner[cid], when, note_type, sections, text, "signed", signed, when)

    def task_row(cid: int, when: Any) -> tuple[Any, ...]:
        done = rng.random() >= 0.3
        due = when + timedelta(days=rng.randint(0, 800))
        return (
            cid,
            owner[cid],
            owner[cid],
            due,
            "done" if done else "open",
            when if done else None,
        )

    def appointment_row(cid: int, when: Any) -> tuple[Any, ...]:
        return (cid, owner[cid], owner[cid], when, when + timedelta(minutes=30))

    print(f"people and enrollments at {time.perf_counter() - started:.1f} s", file=sys.stderr)
    # Clients are not equally active: a weight per client from a log-normal distribution
    # (a few long-served clients have hundreds of notes, most have a handful), and the
    # focus caseload gets its share of the busiest, as a real one would.
    weights = [rng.lognormvariate(0, 1.0) for _ in ids]
    for i in range(min(5, FOCUS)):
        weights[i] = max(weights) * (1 - i / 10)
    cum = list(itertools.accumulate(weights))
    # SQLite: the notes' full-text index is built once after the load ("rebuild"), not row
    # by row through its trigger, which is four times slower for a bulk load.
    fts_trigger = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                ["casenotes_fts_insert"],
            )
            fts_trigger = cursor.fetchone()[0]
            cursor.execute("DROP TRIGGER casenotes_fts_insert")
    kinds = ((note, note_row, 0.6), (task, task_row, 0.25), (appointment, appointment_row, 0.15))
    for inserter, make, share in kinds:
        total = int(rows * share)
        for start in tqdm(range(0, total, BATCH), desc=inserter.model.__name__, unit="batch"):
            batch = []
            size = min(BATCH, total - start)
            for cid in rng.choices(ids, cum_weights=cum, k=size):
                when = now - timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1440))
                batch.append(make(cid, when))
            with transaction.atomic():
                inserter.insert(batch)
    print(f"rows at {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if fts_trigger:
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM casenotes_casenote")
            last = cursor.fetchone()[0]
            step = 200_000
            for low in tqdm(range(0, last + 1, step), desc="note index", unit="batch"):
                cursor.execute(
                    "INSERT INTO casenotes_note_fts(rowid, terms) "  # noqa: S608 - constants
                    f"SELECT id, {TERMS_FUNCTION}(client_id, search_text) "
                    "FROM casenotes_casenote WHERE id >= %s AND id < %s",
                    [low, low + step],
                )
            cursor.execute(fts_trigger)
        print(f"note index at {time.perf_counter() - started:.1f} s", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(runs: int) -> dict[str, Any]:
    from django.test import Client as HttpClient

    from casework.accounts.models import User
    from casework.caseload.worklist import build_worklist
    from casework.clients.models import Enrollment

    cm = User.objects.get(email="cm0@bench.example")
    mine = list(
        Enrollment.objects.filter(primary_case_manager=cm).values_list("client_id", flat=True)
    )
    http = HttpClient()
    http.force_login(cm, backend="django.contrib.auth.backends.ModelBackend")
    rng = random.Random(7)
    build_worklist(cm)  # warm: imports, first queries
    http.get(f"/clients/{mine[0]}/notes/")  # warm: templates
    http.get(f"/clients/{mine[0]}/notes/?q=rent")
    worklist = _bench.timed([lambda: build_worklist(cm) for _ in range(runs)])
    page_urls = [f"/clients/{rng.choice(mine)}/notes/" for _ in range(runs)]
    search_urls = [
        f"{rng.choice(page_urls)}?{urlencode({'q': term})}"
        for term in note_text.search_terms(rng, runs)
    ]
    pages = _bench.timed([lambda u=url: http.get(u) for url in page_urls])
    search = _bench.timed([lambda u=url: http.get(u) for url in search_urls])
    return {
        "caseload": len(mine),
        "worklist": _bench.summarize(worklist),
        "notes_page": _bench.summarize(pages),
        "note_search": _bench.summarize(search),
    }


def median_of(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Per measure, the median over the repeats of each statistic."""
    import statistics

    out: dict[str, Any] = {}
    for key in ("worklist", "notes_page", "note_search"):
        out[key] = {
            stat: round(statistics.median(r[key][stat] for r in results), 2)
            for stat in ("p50_ms", "p95_ms", "max_ms")
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3, help="measure runs (median reported)")
    parser.add_argument("--seed", action="store_true", help="build the database first")
    args = parser.parse_args()
    if args.seed:
        _bench.BENCH_DIR.mkdir(parents=True, exist_ok=True)
        recreate(args.engine, args.clients)
    configure(args.engine, args.clients)
    seed_seconds = None
    if args.seed:
        started = time.perf_counter()
        seed(args.clients, args.rows)
        seed_seconds = round(time.perf_counter() - started, 1)
    repeats = [measure(args.runs) for _ in range(args.repeat)]
    result = {
        "engine": args.engine,
        "clients": args.clients,
        "rows": args.rows,
        "seed_seconds": seed_seconds,
        "machine": _bench.machine(),
        "caseload": repeats[0]["caseload"],
        "median_of_repeats": median_of(repeats),
        "repeats": repeats,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

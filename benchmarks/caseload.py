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
import json
import os
import random
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import _bench

WORDS = [
    "housing",
    "rent",
    "landlord",
    "benefits",
    "medication",
    "sleep",
    "job",
    "interview",
    "school",
    "court",
    "food",
]
FOCUS = 80  # the case manager's caseload
BATCH = 5000


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


def seed(clients: int, rows: int) -> None:
    """Create the org, the focus case manager with 80 clients, and everything else."""
    from django.core.management import call_command
    from django.utils import timezone

    from casework.accounts import services as accounts
    from casework.accounts.models import Organization, User
    from casework.casenotes.models import CaseNote
    from casework.clients.models import Client, Enrollment
    from casework.scheduling.models import Appointment, Task

    call_command("migrate", verbosity=0)
    rng = random.Random(15)
    org = Organization.objects.create(name="Bench Agency")
    program = accounts.program_create(
        actor=None, organization=org, name="Bench Program", practice_area="social_services"
    )
    workers = []
    for i in range(max(2, clients // 80)):
        user = User.objects.create_user(
            f"cm{i}@bench.example", _bench.BENCH_PASSWORD, full_name=f"CM {i}"
        )
        accounts.membership_grant(actor=None, user=user, role="case_manager", program=program)
        workers.append(user)
    now = timezone.now()
    for start in range(0, clients, BATCH):
        batch = [
            Client(organization=org, given_name=f"G{n}", family_name=f"F{n}")
            for n in range(start, min(clients, start + BATCH))
        ]
        Client.objects.bulk_create(batch)
    ids = list(Client.objects.values_list("pk", flat=True).order_by("pk"))
    owner = {
        cid: workers[0] if i < FOCUS else workers[i % len(workers)] for i, cid in enumerate(ids)
    }
    for start in range(0, len(ids), BATCH):
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    organization=org,
                    client_id=cid,
                    program=program,
                    primary_case_manager=owner[cid],
                )
                for cid in ids[start : start + BATCH]
            ]
        )
    kinds = (("note", 0.6), ("task", 0.25), ("appointment", 0.15))
    for kind, share in kinds:
        total = int(rows * share)
        for start in range(0, total, BATCH):
            made = []
            for _ in range(min(BATCH, total - start)):
                cid = rng.choice(ids)
                when = now - timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1440))
                cm = owner[cid]
                if kind == "note":
                    text = " ".join(rng.choices(WORDS, k=12))
                    made.append(
                        CaseNote(
                            organization=org,
                            client_id=cid,
                            program=program,
                            author=cm,
                            note_type="contact",
                            contact_method="phone",
                            service_at=when,
                            duration_minutes=20,
                            sections={"summary": text},
                            search_text=text,
                            status="signed",
                            signed_at=when,
                            signature="Electronically signed",
                        )
                    )
                elif kind == "task":
                    made.append(
                        Task(
                            organization=org,
                            client_id=cid,
                            program=program,
                            title="Follow up",
                            assignee=cm,
                            created_by=cm,
                            due_at=when + timedelta(days=rng.randint(0, 800)),
                            status="open" if rng.random() < 0.3 else "done",
                            completed_at=None if rng.random() < 0.3 else when,
                        )
                    )
                else:
                    made.append(
                        Appointment(
                            organization=org,
                            client_id=cid,
                            program=program,
                            worker=cm,
                            mode="phone",
                            starts_at=when,
                            duration_minutes=30,
                            ends_at=when + timedelta(minutes=30),
                            created_by=cm,
                            attendance="attended",
                        )
                    )
            model = {"note": CaseNote, "task": Task, "appointment": Appointment}[kind]
            for row in made:
                if isinstance(row, Task) and row.status == "done" and row.completed_at is None:
                    row.completed_at = when
                if isinstance(row, Task) and row.status == "open":
                    row.completed_at = None
            model.objects.bulk_create(made)


def measure(runs: int) -> dict[str, object]:
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
    build_worklist(cm)  # warm
    worklist = _bench.timed([lambda: build_worklist(cm) for _ in range(runs)])
    page_urls = [f"/clients/{rng.choice(mine)}/notes/" for _ in range(runs)]
    search_urls = [f"{rng.choice(page_urls)}?q={rng.choice(WORDS)}" for _ in range(runs)]
    pages = _bench.timed([lambda u=url: http.get(u) for url in page_urls])
    search = _bench.timed([lambda u=url: http.get(u) for url in search_urls])
    return {
        "caseload": len(mine),
        "worklist": _bench.summarize(worklist),
        "notes_page": _bench.summarize(pages),
        "note_search": _bench.summarize(search),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", action="store_true", help="build the database first")
    args = parser.parse_args()
    configure(args.engine, args.clients)
    if args.seed:
        seed(args.clients, args.rows)
    result = {
        "engine": args.engine,
        "clients": args.clients,
        "rows": args.rows,
        "machine": _bench.machine(),
        **measure(args.runs),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

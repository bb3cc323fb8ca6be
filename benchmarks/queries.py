"""Time client search, the client page and "my clients" on a seeded benchmark database.

    .venv/bin/python benchmarks/queries.py --engine sqlite --clients 100000 [--runs 3]

Per run:

* search: 200 realistic name prefixes (a family-name prefix of 2-5 letters, or "family
  given" prefixes), through the service layer exactly as the list page and the API call
  it: ``Client.objects.visible_to(user).search_page(text)``, the first page of 25;
  for a case manager (visibility through enrollments) and for the org admin (org-wide);
* client page: the full Django view ``GET /clients/<id>/`` through the test client (gate,
  audit row, enrollments, "who accessed this record", template), 200 random visible
  clients of the case manager;
* my clients: the dashboard ``GET /`` of ``cm.healthcare@example.org``, who has exactly
  80 open clients (the list shows 50 a page), plus the bare query behind it.

Prints p50/p95 per measurement per run and the median over runs; saves JSON under
``benchmarks/results/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench

CASE_MANAGER = "cm.healthcare@example.org"
ADMIN = "admin@example.org"
PAGE = 25


def search_terms(rng: random.Random, count: int) -> list[str]:
    """Prefixes people type: of real clients' names, so most searches find someone."""
    from casework.clients.models import Client

    top = Client.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = [rng.randint(1, top) for _ in range(count * 2)]
    names = list(Client.objects.filter(pk__in=ids).values_list("family_name", "given_name")[:count])
    terms = []
    for family, given in names:
        family = family.split("-")[0]
        if rng.random() < 0.7:
            terms.append(family[: rng.randint(2, min(5, len(family)))])
        else:
            terms.append(f"{family[: rng.randint(2, 4)]} {given[: rng.randint(1, 3)]}")
    return terms


def run_search(user: Any, terms: list[str]) -> list[float]:
    from casework.clients.models import Client

    def one(term: str) -> Any:
        def call() -> list[Any]:
            # What the client list runs: one page, in matched-name order, from the indexes.
            return Client.objects.visible_to(user).search_page(term, limit=PAGE + 1)

        return call

    return _bench.timed([one(t) for t in terms])


def client_page(web: Any, user: Any, rng: random.Random, count: int) -> list[float]:
    from casework.clients.models import Client

    visible = list(Client.objects.visible_to(user).values_list("id", flat=True)[:20000])
    ids = [rng.choice(visible) for _ in range(count)]

    def one(client_id: int) -> Any:
        def call() -> None:
            response = web.get(f"/clients/{client_id}/")
            if response.status_code != 200:
                raise SystemExit(f"/clients/{client_id}/ answered {response.status_code}")

        return call

    return _bench.timed([one(i) for i in ids])


def my_clients(web: Any, user: Any, count: int) -> tuple[list[float], list[float]]:
    from casework.clients.models import Enrollment

    def page() -> None:
        response = web.get("/")
        if response.status_code != 200:
            raise SystemExit(f"/ answered {response.status_code}")

    def query() -> list[Any]:
        mine = Enrollment.objects.open().filter(primary_case_manager=user)
        ordered = mine.select_related("client", "program").order_by(
            "client__family_name", "client__given_name", "id"
        )
        return list(ordered[:50])

    return _bench.timed([page] * count), _bench.timed([query] * count)


def one_run(users: dict[str, Any], web: Any, rng: random.Random, n: int) -> dict[str, Any]:
    terms = search_terms(rng, n)
    run_search(users[CASE_MANAGER], terms[:20])  # warm the caches, as a running server would
    page_ms, query_ms = my_clients(web, users[CASE_MANAGER], n)
    return {
        "search_case_manager": _bench.summarize(run_search(users[CASE_MANAGER], terms)),
        "search_org_admin": _bench.summarize(run_search(users[ADMIN], terms)),
        "client_page": _bench.summarize(client_page(web, users[CASE_MANAGER], rng, n)),
        "my_clients_page": _bench.summarize(page_ms),
        "my_clients_query": _bench.summarize(query_ms),
    }


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        name: {
            key: round(statistics.median(r[name][key] for r in runs), 2)
            for key in ("p50_ms", "p95_ms")
        }
        for name in runs[0]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--clients", type=int, default=100_000, help="which seeded database")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    size = args.clients
    _bench.require_seeded(args.engine, size)
    _bench.configure(args.engine, size)

    from django.test import Client as WebClient

    from casework.accounts.models import User
    from casework.clients.models import Enrollment

    users = {u.email: u for u in User.objects.filter(email__in=[CASE_MANAGER, ADMIN])}
    caseload = Enrollment.objects.open().filter(primary_case_manager=users[CASE_MANAGER]).count()
    web = WebClient()
    web.force_login(users[CASE_MANAGER])
    runs = []
    for number in range(args.runs):
        result = one_run(users, web, random.Random(number), args.queries)
        print(
            f"run {number + 1}: "
            + ", ".join(f"{k} p95 {v['p95_ms']} ms" for k, v in result.items())
        )
        runs.append(result)
    summary = {
        "engine": args.engine,
        "clients": size,
        "case_manager_open_clients": caseload,
        "machine": _bench.machine(),
        "runs": runs,
        "median": median_of(runs),
    }
    print(f"median of {args.runs} runs at {size} clients on {args.engine}:")
    for name, values in summary["median"].items():
        print(f"  {name:<22} p50 {values['p50_ms']:>8} ms   p95 {values['p95_ms']:>8} ms")
    print("saved", _bench.save_result(f"queries-{args.engine}-{size}", summary))


if __name__ == "__main__":
    main()

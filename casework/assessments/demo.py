"""Seed generator for assessments (demo and benchmark data): realistic PHQ-9, GAD-7 and
AUDIT-C administrations spread over two years, scored by the real engine.

Answer sets are drawn from a pool scored once each, then written as plain rows in bulk, so
millions of rows load in minutes; each row still carries its result as the service stores it.
"""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction

from casework.assessments.library import current_instruments
from casework.assessments.models import Assessment
from casework.assessments.scoring import score
from casework.clients.models import Enrollment

CODES = ("phq9", "gad7", "auditc")


def _pool(rng: random.Random, size: int = 200) -> dict[str, list[dict[str, Any]]]:
    instruments = current_instruments(None)
    pool: dict[str, list[dict[str, Any]]] = {}
    for code in CODES:
        spec = instruments[code].definition
        results = []
        for _ in range(size):
            answers: dict[str, Any] = {}
            for item in spec.items:
                options = spec.options_for(item)
                if options and item.required:
                    answers[item.id] = rng.choice(options).code
            results.append(score(spec, answers))
        pool[code] = results
    return pool


def seed_assessments(
    *,
    per_client: int = 3,
    seed: int = 1,
    batch_size: int = 20_000,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Add ``per_client`` assessments to every client with an enrollment; returns the count.

    Rows go in as plain tuples (``RowWriter``: ``executemany`` on SQLite, ``COPY`` on
    PostgreSQL), one transaction per batch, with the answers and results serialised once per
    pooled answer set: 3M assessments load in minutes, where ``bulk_create`` took an hour."""
    from casework.clients.demo import RowWriter

    rng = random.Random(seed)  # noqa: S311 - demo data needs no cryptographic randomness
    pool = _pool(rng)
    instruments = current_instruments(None)
    today = datetime.date.today()
    fallback = Enrollment.objects.exclude(primary_case_manager=None).values_list(
        "primary_case_manager_id", flat=True
    )[:1]
    if not fallback:
        return 0  # no case manager to give the assessments
    default_user: int = fallback[0]
    stored = {
        code: [
            {
                "instrument_id": instruments[code].pk,
                "instrument_code": code,
                "categories": json.dumps(instruments[code].categories),
                "answers": json.dumps(result["answers"]),
                "total": result["total"],
                "band_code": (result["band"] or {}).get("code", ""),
                "band_label": (result["band"] or {}).get("label", ""),
                "result": json.dumps(result),
                "notes": "{}",
            }
            for result in pool[code]
        ]
        for code in CODES
    }
    days = [today - datetime.timedelta(days=n) for n in range(731)]
    writer = RowWriter(Assessment)
    rows = Enrollment.objects.values_list(
        "client_id", "id", "organization_id", "primary_case_manager_id"
    ).order_by("client_id", "id")
    made, batch, last = 0, [], None
    for client_id, enrollment_id, org_id, manager_id in rows.iterator(chunk_size=batch_size):
        if client_id == last:
            continue  # one set per client, on its first enrollment
        last = client_id
        for _ in range(per_client):
            code = rng.choice(CODES)
            batch.append(
                rng.choice(stored[code])
                | {
                    "organization_id": org_id,
                    "client_id": client_id,
                    "enrollment_id": enrollment_id,
                    "administered_on": rng.choice(days),
                    "administered_by_id": manager_id or default_user,
                }
            )
        if len(batch) >= batch_size:
            made += _flush(writer, batch, progress)
    return made + _flush(writer, batch, progress)


def _flush(
    writer: Any, batch: list[dict[str, Any]], progress: Callable[[int], object] | None
) -> int:
    with transaction.atomic():
        for row, pk in zip(batch, writer.reserve_ids(len(batch)), strict=True):
            row["id"] = pk
        writer.write(batch)
    count = len(batch)
    batch.clear()
    if progress is not None:
        progress(count)
    return count

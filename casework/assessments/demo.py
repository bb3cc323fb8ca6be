"""Seed generator for assessments (demo and benchmark data): realistic PHQ-9, GAD-7 and
AUDIT-C administrations spread over two years, scored by the real engine.

Answer sets are drawn from a pool scored once each, then written in bulk, so millions of
rows load in minutes; each row still carries its own result as the service would store it.
"""

from __future__ import annotations

import datetime
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
    batch_size: int = 5000,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Add ``per_client`` assessments to every client with an enrollment; returns the count."""
    rng = random.Random(seed)  # noqa: S311 - demo data needs no cryptographic randomness
    pool = _pool(rng)
    instruments = current_instruments(None)
    today = datetime.date.today()
    rows = Enrollment.objects.values_list(
        "client_id", "id", "organization_id", "primary_case_manager_id"
    ).order_by("client_id")
    fallback = Enrollment.objects.exclude(primary_case_manager=None).values_list(
        "primary_case_manager_id", flat=True
    )[:1]
    if not fallback:
        return 0  # no case manager to give the assessments
    default_user: int = fallback[0]
    made, batch, seen = 0, [], set()
    for client_id, enrollment_id, org_id, manager_id in rows.iterator(chunk_size=batch_size):
        if client_id in seen:
            continue
        seen.add(client_id)
        for _ in range(per_client):
            code = rng.choice(CODES)
            result = rng.choice(pool[code])
            band = result["band"] or {}
            batch.append(
                Assessment(
                    organization_id=org_id,
                    client_id=client_id,
                    enrollment_id=enrollment_id,
                    instrument=instruments[code],
                    instrument_code=code,
                    categories=instruments[code].categories,
                    answers=result["answers"],
                    total=result["total"],
                    band_code=band.get("code", ""),
                    band_label=band.get("label", ""),
                    result=result,
                    administered_on=today - datetime.timedelta(days=rng.randint(0, 730)),
                    administered_by_id=manager_id or default_user,
                )
            )
        if len(batch) >= batch_size:
            made += _flush(batch, progress)
    return made + _flush(batch, progress)


def _flush(batch: list[Assessment], progress: Callable[[int], object] | None) -> int:
    with transaction.atomic():
        Assessment.objects.bulk_create(batch, batch_size=2000)
    count = len(batch)
    batch.clear()
    if progress is not None:
        progress(count)
    return count

"""The benchmark's assessment generator writes plain rows in bulk: they must read back as
the service would have stored them (scored, pinned to the instrument version, dated)."""

from __future__ import annotations

from collections.abc import Callable

from casework.accounts.models import User
from casework.assessments.demo import seed_assessments
from casework.assessments.library import current_instruments
from casework.assessments.models import Assessment
from casework.assessments.scoring import score
from casework.clients.models import Client


def test_seeded_rows_are_scored_and_pinned(
    make_client: Callable[..., Client], cm_health: User
) -> None:
    for n in range(7):
        make_client(actor=cm_health, cm=cm_health, given_name=f"Seed{n}", family_name="Row")
    made = seed_assessments(per_client=3, batch_size=5)
    assert made == 21 == Assessment.objects.count()
    instruments = current_instruments(None)
    for row in Assessment.objects.select_related("instrument"):
        assert row.instrument == instruments[row.instrument_code]
        again = score(row.instrument.definition, row.answers)
        assert (row.total, row.band_code) == (again["total"], (again["band"] or {}).get("code", ""))
        assert row.result["total"] == row.total
        assert row.categories == instruments[row.instrument_code].categories
        assert row.enrollment is not None
        assert row.enrollment.client_id == row.client_id
        assert row.administered_by == cm_health
    assert set(Assessment.objects.values_list("client_id", flat=True).distinct()) == set(
        Client.objects.values_list("pk", flat=True)
    )

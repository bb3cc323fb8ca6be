"""The poverty guideline table: shipped years, the load command, and no silent rewrites."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from casework.audit.models import AuditEvent
from casework.intake.models import PovertyGuideline

pytestmark = pytest.mark.django_db

NEW_YEAR = """
guidelines:
  - year: 2027
    source: "Test figures"
    regions:
      contiguous: {first_person: 16000, per_additional_person: 5800}
      alaska: {first_person: 20000, per_additional_person: 7200}
      hawaii: {first_person: 18500, per_additional_person: 6600}
  - year: 2025
    source: "A wrong reprint"
    regions:
      contiguous: {first_person: 1, per_additional_person: 1}
"""


def amounts(year):
    rows = PovertyGuideline.objects.filter(year=year)
    return {g.region: (g.first_person, g.per_additional_person) for g in rows}


def test_the_shipped_hhs_years_are_loaded_by_the_migration():
    assert amounts(2025) == {
        "contiguous": (15650, 5500),
        "alaska": (19550, 6880),
        "hawaii": (17990, 6330),
    }
    assert amounts(2026) == {
        "contiguous": (15960, 5680),
        "alaska": (19950, 7100),
        "hawaii": (18360, 6530),
    }
    assert "aspe.hhs.gov" in PovertyGuideline.objects.get(year=2025, region="alaska").source


def test_load_command_adds_new_years_and_never_rewrites_a_loaded_one(tmp_path):
    path = tmp_path / "guidelines.yaml"
    path.write_text(NEW_YEAR)
    out = StringIO()
    call_command("load_poverty_guidelines", str(path), stdout=out)
    assert "3 guideline rows added." in out.getvalue()
    assert amounts(2027)["alaska"] == (20000, 7200)
    assert amounts(2025)["contiguous"] == (15650, 5500)
    assert AuditEvent.objects.filter(target_type="poverty_guideline").count() == 3


def test_load_command_dry_run_changes_nothing(tmp_path):
    path = tmp_path / "guidelines.yaml"
    path.write_text(NEW_YEAR)
    out = StringIO()
    call_command("load_poverty_guidelines", str(path), "--dry-run", stdout=out)
    assert "2027 alaska: $20,000" in out.getvalue()
    assert not PovertyGuideline.objects.filter(year=2027).exists()

"""Poverty guidelines apply from the Federal Register notice's effective date (2026: 13 Jan).

Adds ``effective_on`` and fills it for the loaded years from the shipped data file.
"""

from pathlib import Path

import yaml
from django.db import migrations, models

DATA = Path(__file__).resolve().parent.parent / "data" / "federal_poverty_guidelines.yaml"


def fill(apps, schema_editor):
    guideline = apps.get_model("intake", "PovertyGuideline")
    data = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    for entry in data.get("guidelines", []):
        if entry.get("effective_on"):
            guideline.objects.filter(year=int(entry["year"]), effective_on__isnull=True).update(
                effective_on=entry["effective_on"]
            )


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_screening_blank_outcomes")]

    operations = [
        migrations.AddField(
            model_name="povertyguideline",
            name="effective_on",
            field=models.DateField(
                blank=True,
                help_text="The Federal Register notice's effective date; empty reads as 1 January.",
                null=True,
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

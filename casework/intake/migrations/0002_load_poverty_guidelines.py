"""Load the shipped HHS poverty guideline years (data/federal_poverty_guidelines.yaml).

The file is read here directly (not through the app's services) so this migration keeps
working however the app code changes later. Later years are added with
`casework load_poverty_guidelines`, which never rewrites a loaded year.
"""

from pathlib import Path

import yaml
from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "federal_poverty_guidelines.yaml"


def load(apps, schema_editor):
    guideline = apps.get_model("intake", "PovertyGuideline")
    data = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    for entry in data.get("guidelines", []):
        for region, amounts in entry["regions"].items():
            guideline.objects.get_or_create(
                year=int(entry["year"]),
                region=region,
                defaults={
                    "first_person": int(amounts["first_person"]),
                    "per_additional_person": int(amounts["per_additional_person"]),
                    "source": str(entry["source"])[:300],
                    "source_url": str(entry.get("source_url", ""))[:300],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Ship the consent element sets, and give old free-text expiry events a review date.

The federal Part 2 set applies everywhere. The mental-health and HIV sets are examples of
state rules, shipped inactive: an organization's admin adopts one as their own (same key),
edits it to match the state's law, and from then on it is enforced for that organization. Free-text expiry events recorded before events were enforced become
"another event" with a review date 30 days out, so a case manager is asked about each.
"""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

PART2 = [
    "information_description",
    "recipient",
    "purpose",
    "expiry",
    "revocation_right",
    "revocation_instructions",
    "hipaa_redisclosure",
]
STATE_EXAMPLE = [
    "information_description",
    "recipient",
    "purpose",
    "expiry",
    "revocation_right",
    "revocation_instructions",
]
SETS = [
    {
        "key": "part2",
        "name": "Substance use disorder records (federal)",
        "category": "substance_use",
        "elements": PART2,
        "source": "HHS, Confidentiality of Substance Use Disorder Patient Records, "
        "42 CFR 2.31, 2024",
    },
    {
        "key": "mental-health-state-example",
        "name": "Mental health records (example of a state rule; match it to your state's law)",
        "category": "mental_health",
        "elements": STATE_EXAMPLE,
        "source": "Example set; an administrator edits it to the state's mental-health "
        "confidentiality statute",
        "is_active": False,
    },
    {
        "key": "hiv-state-example",
        "name": "HIV-related information (example of a state rule; match it to your state's law)",
        "category": "hiv",
        "elements": [*STATE_EXAMPLE, "expiry_date"],
        "source": "Example set; an administrator edits it to the state's HIV confidentiality "
        "statute (many require a stated expiry date)",
        "is_active": False,
    },
]


def forward(apps, schema_editor):
    element_sets = apps.get_model("clients", "ConsentElementSet")
    for row in SETS:
        element_sets.objects.update_or_create(organization=None, key=row["key"], defaults=row)
    consent_model = apps.get_model("clients", "Consent")
    review = timezone.localdate() + timedelta(days=30)
    consent_model.objects.filter(expiry_trigger="").exclude(expiry_event="").update(
        expiry_trigger="other", review_date=review
    )


def reverse(apps, schema_editor):
    apps.get_model("clients", "ConsentElementSet").objects.filter(organization=None).delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0009_h9_consent_events_and_elements")]
    operations = [migrations.RunPython(forward, reverse)]

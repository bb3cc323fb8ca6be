"""A small fictional directory around Albany, NY (ZIP 12207) for demos and browser tests.

Every need category has a taxonomy term (code = the SDOH category). Services of the
"Capital Region Housing Partners" organization answer referrals as the demo partner
organization. One hotline is open around the clock, the rest keep office hours.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from casework.accounts.models import Organization as CaseworkOrganization
from casework.resources import models as d
from casework.resources.search import NEED_CATEGORIES

NAMESPACE = uuid.UUID("6f1c3d2e-14aa-4c5e-9b1e-2f3a4b5c6d7e")
WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
# (key, organization, name, need, latitude, longitude, street, days, opens, closes, ages, es)
SERVICES = [
    ("hotline", "housing", "Housing crisis hotline and walk-in", "housing-instability",
     42.6530, -73.7570, "40 Eagle St", EVERY_DAY, "00:00", "23:59", None, True),
    ("rent", "housing", "Emergency rent assistance", "housing-instability",
     42.6600, -73.7700, "1 State St", WEEKDAYS, "09:00", "17:00", (18, None), True),
    ("youth", "housing", "Youth housing navigator", "housing-instability",
     42.6550, -73.7550, "3 Lark St", "MO,WE", "12:00", "18:00", (16, 24), False),
    ("shelter", "housing", "Family shelter intake", "homelessness",
     42.6700, -73.7800, "88 Clinton Ave", EVERY_DAY, "08:00", "20:00", None, False),
    ("pantry", "food", "Saturday food pantry", "food-insecurity",
     42.6500, -73.7600, "2 Pearl St", "SA", "10:00", "14:00", None, True),
    ("jobs", "jobs", "Job readiness workshops", "employment-status",
     42.6450, -73.7500, "5 Hudson Ave", WEEKDAYS, "10:00", "16:00", (18, 64), False),
    ("troy", "housing", "Troy tenant help desk", "housing-instability",
     42.7284, -73.6918, "200 Broadway, Troy", WEEKDAYS, "09:00", "17:00", None, False),
]  # fmt: skip
ORGANIZATIONS = {
    "housing": "Capital Region Housing Partners",
    "food": "Harbor Food Bank",
    "jobs": "Hudson Valley Works",
}


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


@transaction.atomic
def seed_directory(*, partner: CaseworkOrganization | None = None) -> int:
    """Create (or refresh) the demo directory; returns the number of services."""
    terms = {}
    for code, label in NEED_CATEGORIES.items():
        terms[code], _ = d.TaxonomyTerm.objects.update_or_create(
            id=_id("term", code), defaults={"code": code, "name": label, "description": label}
        )
    orgs = {}
    for key, name in ORGANIZATIONS.items():
        orgs[key], _ = d.Organization.objects.update_or_create(
            id=_id("org", key),
            defaults={"name": name, "description": f"{name} (demo listing)",
                      "casework_organization": partner},
        )  # fmt: skip
    for key, org, name, need, lat, lon, street, days, opens, closes, ages, es in SERVICES:
        low, high = ages or (None, None)
        service, _ = d.Service.objects.update_or_create(
            id=_id("service", key),
            defaults={"organization": orgs[org], "name": name, "status": "active",
                      "description": f"{name}. Call ahead or walk in.",
                      "minimum_age": low, "maximum_age": high,
                      "eligibility_description": "Residents of the Capital Region."},
        )  # fmt: skip
        location, _ = d.Location.objects.update_or_create(
            id=_id("location", key),
            defaults={"location_type": "physical", "name": name, "latitude": lat,
                      "longitude": lon, "organization": orgs[org]},
        )  # fmt: skip
        d.ServiceAtLocation.objects.update_or_create(
            id=_id("sal", key), defaults={"service": service, "location": location}
        )
        city = "Troy" if "Troy" in street else "Albany"
        d.Address.objects.update_or_create(
            id=_id("address", key),
            defaults={"location": location, "address_1": street.split(",")[0], "city": city,
                      "state_province": "NY", "postal_code": "12207", "country": "US",
                      "address_type": "physical"},
        )  # fmt: skip
        d.Phone.objects.update_or_create(
            id=_id("phone", key), defaults={"service": service, "number": "518-555-0100"}
        )
        d.Schedule.objects.update_or_create(
            id=_id("schedule", key),
            defaults={"service": service, "freq": "WEEKLY", "byday": days,
                      "opens_at": opens, "closes_at": closes},
        )  # fmt: skip
        d.Attribute.objects.update_or_create(
            id=_id("attribute", key),
            defaults={"link_id": service.pk, "link_entity": "service",
                      "taxonomy_term": terms[need]},
        )  # fmt: skip
        if es:
            d.Language.objects.update_or_create(
                id=_id("language", key),
                defaults={"service": service, "name": "Spanish", "code": "es"},
            )
    return len(SERVICES)

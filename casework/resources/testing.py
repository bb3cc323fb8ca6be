"""Test data: a small directory around Albany, NY: a housing service open weekdays, a food
pantry open Saturdays, a youth service (ages 12-24) and a far-away housing service."""

from __future__ import annotations

from casework.resources import models as d

ALBANY = (42.6526, -73.7562)  # ZIP 12207 centroid


def _service(key: str, org: d.Organization, name: str, **fields: object) -> d.Service:
    return d.Service.objects.create(
        id=f"00000000-0000-4000-8000-0000000000{key}", organization=org, name=name,
        status="active", **fields,
    )  # fmt: skip


def _place(key: str, service: d.Service, lat: float, lon: float, street: str) -> d.Location:
    location = d.Location.objects.create(
        id=f"00000000-0000-4000-8000-0000000001{key}", location_type="physical",
        latitude=lat, longitude=lon, name=service.name,
    )  # fmt: skip
    d.ServiceAtLocation.objects.create(
        id=f"00000000-0000-4000-8000-0000000002{key}", service=service, location=location
    )
    d.Address.objects.create(
        id=f"00000000-0000-4000-8000-0000000003{key}", location=location, address_1=street,
        city="Albany", state_province="NY", postal_code="12207", country="US",
        address_type="physical",
    )  # fmt: skip
    return location


def _hours(key: str, service: d.Service, days: str, opens: str, closes: str) -> None:
    d.Schedule.objects.create(
        id=f"00000000-0000-4000-8000-0000000004{key}", service=service, freq="WEEKLY",
        byday=days, opens_at=opens, closes_at=closes,
    )  # fmt: skip


def _tag(key: str, service: d.Service, term: d.TaxonomyTerm) -> None:
    d.Attribute.objects.create(
        id=f"00000000-0000-4000-8000-0000000005{key}", link_id=service.pk,
        link_entity="service", taxonomy_term=term,
    )  # fmt: skip


def make_directory() -> dict[str, d.Service]:
    org = d.Organization.objects.create(
        id="00000000-0000-4000-8000-000000000900", name="Capital Region Aid", description="Aid"
    )
    housing = d.TaxonomyTerm.objects.create(
        id="00000000-0000-4000-8000-000000000801", code="housing-instability", name="Housing",
        description="Housing help",
    )  # fmt: skip
    food = d.TaxonomyTerm.objects.create(
        id="00000000-0000-4000-8000-000000000802", code="food-insecurity", name="Food",
        description="Food help",
    )  # fmt: skip
    rent = _service("01", org, "Emergency rent assistance", description="Help with back rent")
    pantry = _service("02", org, "Saturday food pantry", description="Groceries")
    youth = _service("03", org, "Youth housing navigator", minimum_age=12, maximum_age=24)
    far = _service("04", org, "Buffalo housing help", description="Rent help in Buffalo")
    _place("01", rent, 42.6600, -73.7700, "1 State St")
    _place("02", pantry, 42.6500, -73.7600, "2 Pearl St")
    _place("03", youth, 42.6550, -73.7550, "3 Lark St")
    _place("04", far, 42.8864, -78.8784, "4 Main St")
    _hours("01", rent, "MO,TU,WE,TH,FR", "09:00", "17:00")
    _hours("02", pantry, "SA", "10:00", "14:00")
    _hours("03", youth, "MO,WE", "12:00", "18:00")
    _hours("04", far, "MO,TU,WE,TH,FR", "09:00", "17:00")
    for key, service, term in (("01", rent, housing), ("02", pantry, food),
                               ("03", youth, housing), ("04", far, housing)):  # fmt: skip
        _tag(key, service, term)
    d.Language.objects.create(
        id="00000000-0000-4000-8000-000000000701", service=rent, name="Spanish", code="es"
    )
    return {"rent": rent, "pantry": pantry, "youth": youth, "far": far}

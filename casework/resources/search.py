"""Finding services: need category, typo-tolerant keywords, age, language, open at a time,
and distance from a point, ranked.

The database narrows first (active services; category through HSDS ``attribute`` rows;
age against ``minimum_age``/``maximum_age``; language; a bounding box around the point), then
Python does what SQL cannot do portably: great-circle distance, fuzzy keyword scores
(``rapidfuzz``), opening hours (``hours``) and the ranking. Coordinates come from directory
locations; a ZIP code becomes its centroid from the ``zipcodes`` package. Nothing calls an
online geocoder.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import zipcodes
from django.db.models import Q, QuerySet
from rapidfuzz import fuzz, utils

from casework.resources import hours
from casework.resources.models import (
    Address,
    Attribute,
    Language,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)

# Need categories: the SDOH category codes of the HL7 Gravity Project SDOH Clinical Care IG
# (value set SDOHCC ValueSet SDOH Category, 2024). Directory taxonomy terms carry them as
# ``code`` so a client's need finds its services.
NEED_CATEGORIES = {
    "food-insecurity": "Food",
    "housing-instability": "Housing",
    "homelessness": "Homelessness",
    "inadequate-housing": "Housing repairs and conditions",
    "transportation-insecurity": "Transportation",
    "financial-insecurity": "Money and benefits",
    "utility-insecurity": "Utilities",
    "employment-status": "Jobs and training",
    "educational-attainment": "Education",
    "health-insurance-coverage-status": "Health insurance",
    "medical-cost-burden": "Medical bills",
    "intimate-partner-violence": "Safety from violence",
    "elder-abuse": "Elder abuse",
    "social-connection": "Social connection",
    "stress": "Stress and mental health",
    "digital-access": "Internet and devices",
    "digital-literacy": "Digital skills",
    "language-access": "Language help",
    "veteran-status": "Veterans",
    "incarceration-status": "Re-entry after incarceration",
    "material-hardship": "Clothing and household goods",
    "personal-health-literacy": "Health information",
}
KM_PER_DEGREE = 111.32
KEYWORD_THRESHOLD = 70
MAX_RESULTS = 50


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    label: str = ""


def zip_point(code: str) -> Point | None:
    """The centroid of a US ZIP code (``zipcodes`` package), or None if unknown."""
    code = (code or "").strip()[:5]
    if len(code) != 5 or not code.isdigit():
        return None
    try:
        found = zipcodes.matching(code)
    except (TypeError, ValueError):
        return None
    if not found:
        return None
    return Point(float(found[0]["lat"]), float(found[0]["long"]), f"ZIP {code}")


def distance_km(a: Point, lat: float, lon: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    p1, p2 = math.radians(a.latitude), math.radians(lat)
    dp, dl = p2 - p1, math.radians(lon - a.longitude)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Query:
    """A search. ``when`` is an aware time to be open at (None: any time)."""

    category: str = ""
    keywords: str = ""
    age: int | None = None
    language: str = ""
    when: datetime.datetime | None = None
    near: Point | None = None
    radius_km: float | None = None
    limit: int = MAX_RESULTS


@dataclass
class Hit:
    """One ranked result: the service, its nearest location and what the worker needs."""

    service: Service
    location: Location | None = None
    address: str = ""
    distance_km: float | None = None
    today: str = ""
    open_now: bool | None = None
    eligibility: str = ""
    fits_age: bool | None = None
    languages: list[str] = field(default_factory=list)
    keyword_score: float = 0.0
    score: float = 0.0


def _category_ids(category: str) -> list[str]:
    """Term ids for a category code, name or id, with their direct children."""
    terms = list(
        TaxonomyTerm.objects.filter(
            Q(pk=category) | Q(code=category) | Q(name__iexact=category)
        ).values_list("pk", flat=True)
    )
    if terms:
        terms += list(TaxonomyTerm.objects.filter(parent_id__in=terms).values_list("pk", flat=True))
    return terms


def _services(query: Query, within: list[str] | None = None) -> QuerySet[Service]:
    """Active services passing the category, age and language filters; ``within`` (the
    services at the locations in the search box) narrows them first.

    With ``within``, the category's attribute rows are read for those services only (the
    ``attr_link`` index) and passed on as a list, not as a subquery: PostgreSQL planned the
    subquery as a nested-loop semi join over every attribute of the category (180 x 1,900
    rows per search at 20,000 services) whenever its statistics were stale.
    """
    services = Service.objects.filter(status=ServiceStatus.ACTIVE)
    if within is not None:
        services = services.filter(pk__in=within)
    if query.category:
        terms = _category_ids(query.category)
        if within is not None:
            linked: Any = list(
                Attribute.objects.filter(
                    link_entity="service", link_id__in=within, taxonomy_term_id__in=terms
                ).values_list("link_id", flat=True)
            )
        else:
            linked = Attribute.objects.filter(
                taxonomy_term_id__in=terms, link_entity="service"
            ).values("link_id")
        services = services.filter(pk__in=linked)
    if query.age is not None:
        services = services.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=query.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=query.age),
        )
    if query.language:
        spoken = Language.objects.filter(
            Q(code__iexact=query.language) | Q(name__iexact=query.language)
        )
        services = services.filter(
            Q(pk__in=spoken.values("service_id"))
            | Q(service_at_locations__location_id__in=spoken.values("location_id"))
        ).distinct()
    return services


def _box(query: Query) -> dict[str, tuple[float, float]]:
    """Locations inside the search box around the point, by id (the lat/lon index)."""
    assert query.near is not None
    assert query.radius_km
    dlat = query.radius_km / KM_PER_DEGREE
    dlon = dlat / max(math.cos(math.radians(query.near.latitude)), 0.01)
    rows = Location.objects.filter(
        latitude__range=(query.near.latitude - dlat, query.near.latitude + dlat),
        longitude__range=(query.near.longitude - dlon, query.near.longitude + dlon),
    ).values_list("pk", "latitude", "longitude")
    return {pk: (lat, lon) for pk, lat, lon in rows if lat is not None and lon is not None}


def _places(
    services: QuerySet[Service] | None, query: Query
) -> dict[str, list[tuple[str, float, float]]]:
    """Per matching service, its locations with coordinates; with a point and radius, only
    those inside the search box: the locations in the box first (their index), then the
    matching services at them, so a dense directory costs no more than the area searched."""
    found: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    if query.near is not None and query.radius_km:
        box = _box(query)
        rows = ServiceAtLocation.objects.filter(location_id__in=list(box)).values_list(
            "service_id", "location_id"
        )
        for service_id, location_id in rows:  # the caller keeps only the matching services
            found[service_id].append((location_id, *box[location_id]))
        return found
    assert services is not None
    coordinates = ServiceAtLocation.objects.filter(
        service_id__in=services.values("pk"),
        location__latitude__isnull=False,
        location__longitude__isnull=False,
    ).values_list("service_id", "location_id", "location__latitude", "location__longitude")
    for service_id, location_id, lat, lon in coordinates:
        if lat is not None and lon is not None:
            found[service_id].append((location_id, lat, lon))
    return found


def _keyword_score(keywords: str, service: Service) -> float:
    text = f"{service.name} {service.alternate_name} {service.description}"
    return float(
        max(
            fuzz.partial_ratio(keywords, text, processor=utils.default_process),
            fuzz.token_set_ratio(keywords, text, processor=utils.default_process),
        )
    )


def _nearest(
    query: Query, places: list[tuple[str, float, float]]
) -> tuple[str | None, float | None]:
    if not places:
        return None, None
    if query.near is None:
        return places[0][0], None
    best = min(places, key=lambda p: distance_km(query.near, p[1], p[2]))  # type: ignore[arg-type]
    return best[0], distance_km(query.near, best[1], best[2])


def _candidates(query: Query) -> list[Hit]:
    """Services passing the database filters, distance and keywords (not yet hours)."""
    if query.near is not None and query.radius_km:
        places = _places(None, query)
        matching = _services(query, within=list(places))
    else:
        matching = _services(query)
        places = _places(matching, query)
    hits = []
    for service in matching.select_related("organization"):
        location_id, km = _nearest(query, places.get(service.pk, []))
        if query.near is not None and query.radius_km and (km is None or km > query.radius_km):
            continue
        hit = Hit(service=service, distance_km=km)
        hit.location = Location(pk=location_id) if location_id else None
        if query.keywords:
            hit.keyword_score = _keyword_score(query.keywords, service)
            if hit.keyword_score < KEYWORD_THRESHOLD:
                continue
        hits.append(hit)
    return hits


def _schedules(hits: list[Hit]) -> dict[str, list[Schedule]]:
    service_ids = [h.service.pk for h in hits]
    location_ids = [h.location.pk for h in hits if h.location]
    by_service: dict[str, list[Schedule]] = defaultdict(list)
    by_location: dict[str, list[Schedule]] = defaultdict(list)
    for schedule in Schedule.objects.filter(
        Q(service_id__in=service_ids) | Q(location_id__in=location_ids, service_id__isnull=True)
    ):
        if schedule.service_id:
            by_service[schedule.service_id].append(schedule)
        elif schedule.location_id:
            by_location[schedule.location_id].append(schedule)
    return {
        h.service.pk: by_service.get(h.service.pk)
        or (by_location.get(h.location.pk, []) if h.location else [])
        for h in hits
    }


def _eligibility(hit: Hit, age: int | None) -> None:
    service = hit.service
    low, high = service.minimum_age, service.maximum_age
    if low is None and high is None:
        hit.eligibility = service.eligibility_description or "No age limits listed"
        return
    span = (
        f"Ages {int(low) if low is not None else 0}\u2013{int(high) if high is not None else '∞'}"
    )
    hit.eligibility = f"{span}. {service.eligibility_description}".strip()
    if age is not None:
        hit.fits_age = (low is None or age >= low) and (high is None or age <= high)


def _score(hit: Hit, query: Query) -> float:
    score = hit.keyword_score / 100 if query.keywords else 0.0
    if hit.distance_km is not None:
        score += 1 / (1 + hit.distance_km / 5)
    if hit.open_now:
        score += 0.5
    if hit.fits_age:
        score += 0.25
    return score


def search(query: Query, *, now: datetime.datetime | None = None) -> list[Hit]:
    """Services matching every filter of ``query``, best first (at most ``query.limit``)."""
    hits = _candidates(query)
    schedules = _schedules(hits)
    when = query.when or now or datetime.datetime.now(datetime.UTC)
    from django.utils import timezone

    today = timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
    kept = []
    for hit in hits:
        own = schedules.get(hit.service.pk, [])
        hit.open_now = hours.is_open(own, when) if own else None
        if query.when is not None and not hit.open_now:
            continue
        hit.today = hours.hours_label(own, today)
        _eligibility(hit, query.age)
        hit.score = _score(hit, query)
        kept.append(hit)
    kept.sort(key=lambda h: (-h.score, h.distance_km or 0.0, h.service.name))
    kept = kept[: query.limit]
    _decorate(kept)
    return kept


def _decorate(hits: Iterable[Hit]) -> None:
    """Addresses and languages of the shown results (two queries for the page)."""
    hits = list(hits)
    location_ids = [h.location.pk for h in hits if h.location]
    addresses: dict[str, str] = {}
    for address in Address.objects.filter(location_id__in=location_ids).order_by("address_type"):
        addresses.setdefault(address.location_id or "", address.one_line())
    locations = Location.objects.in_bulk(location_ids)
    spoken: dict[str, list[str]] = defaultdict(list)
    for service_id, name, code in Language.objects.filter(
        service_id__in=[h.service.pk for h in hits]
    ).values_list("service_id", "name", "code"):
        spoken[service_id or ""].append(name or code)
    for hit in hits:
        if hit.location is not None:
            hit.location = locations.get(hit.location.pk, hit.location)
            hit.address = addresses.get(hit.location.pk, "")
        hit.languages = sorted(set(spoken.get(hit.service.pk, [])))


def describe(query: Query) -> dict[str, Any]:
    """The query as audit details (no client identifiers)."""
    return {
        "category": query.category,
        "keywords": query.keywords[:100],
        "age": query.age,
        "language": query.language,
        "when": query.when.isoformat() if query.when else None,
        "radius_km": query.radius_km,
        "near": query.near.label if query.near else None,
    }

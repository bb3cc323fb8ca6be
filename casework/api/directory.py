"""The resource directory over the API: ``GET /services``, the same search as the web page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from casework.api.types import InputSchema, Text30, Text100, Text200
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.core.exceptions import NotFound
from casework.resources.curation import is_directory_reader
from casework.resources.search import Hit, Point, describe, search, zip_point
from casework.resources.search import Query as SearchQuery

router = Router(tags=["directory"])


class ServiceFilters(InputSchema):
    category: Text200 = Field("", description="Need category code, term id or name.")
    q: Text100 = Field("", description="Keywords (typos tolerated).")
    age: int | None = Field(None, ge=0, le=120, description="Client's age, against eligibility.")
    language: Text100 = Field("", max_length=35, description="Language code or name (es, Spanish).")
    open_now: bool = False
    open_at: datetime | None = Field(None, description="Open at this time (ISO 8601).")
    zip: Text30 = Field("", max_length=10, description="Distance from this US ZIP's centroid.")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    radius_km: float | None = Field(None, gt=0, le=1000)
    limit: int = Field(50, ge=1, le=200)


class ServiceHitOut(Schema):
    id: str
    name: str
    organization_id: str | None
    organization_name: str
    status: str
    description: str
    location_id: str | None
    address: str
    distance_km: float | None
    hours_today: str
    open_now: bool | None
    eligibility: str
    fits_age: bool | None
    languages: list[str]
    score: float


def _point(filters: ServiceFilters) -> Point | None:
    if filters.zip:
        point = zip_point(filters.zip)
        if point is None:
            raise ValidationError({"zip": "Not a US ZIP code we know."})
        return point
    if filters.latitude is not None and filters.longitude is not None:
        return Point(filters.latitude, filters.longitude, "coordinates")
    return None


def _hit(hit: Hit) -> dict[str, Any]:
    service = hit.service
    org = service.organization
    return {
        "id": service.pk,
        "name": service.name,
        "organization_id": service.organization_id,
        "organization_name": org.name if org else "",
        "status": service.status,
        "description": service.description,
        "location_id": hit.location.pk if hit.location else None,
        "address": hit.address,
        "distance_km": round(hit.distance_km, 2) if hit.distance_km is not None else None,
        "hours_today": hit.today,
        "open_now": hit.open_now,
        "eligibility": hit.eligibility,
        "fits_age": hit.fits_age,
        "languages": hit.languages,
        "score": round(hit.score, 4),
    }


@router.get("/services", response=list[ServiceHitOut], summary="Search the resource directory")
def services_search(request: HttpRequest, filters: Query[ServiceFilters]) -> list[dict[str, Any]]:
    """Active services matching every filter, best first (distance, open now, age fit,
    keyword match). Agency staff only. ``open_now`` and ``open_at`` use the agency's time
    zone and treat public holidays as closed."""
    if not is_directory_reader(request.user):
        raise NotFound("services")
    from django.utils import timezone

    point = _point(filters)
    when = timezone.now() if filters.open_now else filters.open_at
    query = SearchQuery(
        category=filters.category,
        keywords=filters.q,
        age=filters.age,
        language=filters.language,
        when=when,
        near=point,
        radius_km=filters.radius_km or (10.0 if point else None),
        limit=filters.limit,
    )
    hits = search(query)
    record(
        actor=request.user,
        action=AuditAction.SEARCH,
        target_type="directory",
        details=describe(query) | {"results": len(hits)},
    )
    return [_hit(h) for h in hits]

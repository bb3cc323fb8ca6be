"""The resource directory over the API: ``GET /services``, the same search as the web page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from casework.api.pagination import Page, PageParams, paginate
from casework.api.types import (
    Id,
    InputSchema,
    PatchSchema,
    Text30,
    Text100,
    Text200,
    Text254,
    Text500,
)
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.core.exceptions import NotFound
from casework.resources import editing
from casework.resources.curation import is_curator, is_directory_reader
from casework.resources.models import Location, LocationType, Organization
from casework.resources.search import Hit, Point, describe, search, zip_point
from casework.resources.search import Query as SearchQuery

router = Router(tags=["directory"])
Text64 = Annotated[str, StringConstraints(max_length=64)]
Text2000 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class OrganizationFilters(InputSchema, PageParams):
    q: Text100 = Field("", description="Part of the organization's name.")


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


# --- Curating organizations and locations (curators only; others get the 404 of no route) ---


def _curator(request: HttpRequest) -> None:
    if not is_curator(request.user):
        raise NotFound("directory organization")


class AddressOut(Schema):
    id: str
    address_1: str
    address_2: str
    city: str
    state_province: str
    postal_code: str
    country: str
    address_type: str


class LocationOut(Schema):
    id: str
    organization_id: str | None
    location_type: str
    name: str
    alternate_name: str
    description: str
    transportation: str
    url: str
    latitude: float | None
    longitude: float | None
    external_identifier: str
    external_identifier_type: str
    addresses: list[AddressOut]


class OrganizationOut(Schema):
    id: str
    name: str
    alternate_name: str
    description: str
    email: str
    website: str
    tax_status: str
    tax_id: str
    year_incorporated: int | None
    legal_status: str
    logo: str
    uri: str
    partner_organization_id: int | None = Field(
        description="The Casework partner organization whose users receive its referrals."
    )
    partner_organization_name: str
    locations: list[LocationOut]


class OrganizationIn(PatchSchema):
    """HSDS 3.0 organization fields; on PATCH, only the fields given change."""

    NULLABLE = frozenset({"year_incorporated"})

    name: Text500 | None = None
    alternate_name: Text500 | None = None
    description: Text2000 | None = None
    email: Text254 | None = None
    website: Text500 | None = None
    tax_status: Text200 | None = None
    tax_id: Text100 | None = None
    year_incorporated: int | None = Field(None, ge=1600, le=2100)
    legal_status: Text200 | None = None
    logo: Text500 | None = None
    uri: Text500 | None = None


class LocationIn(PatchSchema):
    """HSDS 3.0 location fields plus its physical address; on PATCH, only those given."""

    NULLABLE = frozenset({"latitude", "longitude"})

    location_type: LocationType | None = None
    name: Text500 | None = None
    alternate_name: Text500 | None = None
    description: Text2000 | None = None
    transportation: Text500 | None = None
    url: Text500 | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    external_identifier: Text200 | None = None
    external_identifier_type: Text200 | None = None
    address_1: Text200 | None = None
    address_2: Text200 | None = None
    city: Text100 | None = None
    state_province: Text100 | None = None
    postal_code: Text30 | None = None
    country: Text30 | None = None


class PartnerIn(InputSchema):
    partner_organization_id: Id | None = Field(
        description="A Casework partner organization, or null to stop routing referrals."
    )


def _location_out(location: Location) -> dict[str, Any]:
    return {
        "id": location.pk,
        "organization_id": location.organization_id,
        **{name: getattr(location, name) for name in editing.LOCATION_FIELDS},
        "addresses": [
            {name: getattr(a, name) for name in AddressOut.model_fields}
            for a in location.addresses.all()
        ],
    }


def _organization_out(org: Organization) -> dict[str, Any]:
    partner = org.casework_organization
    year = org.year_incorporated
    return {
        "id": org.pk,
        **{name: getattr(org, name) for name in editing.ORGANIZATION_FIELDS},
        "year_incorporated": int(year) if year is not None else None,
        "partner_organization_id": partner.pk if partner else None,
        "partner_organization_name": partner.name if partner else "",
        "locations": [
            _location_out(loc)
            for loc in org.locations.prefetch_related("addresses").order_by("name", "pk")
        ],
    }


def _organization(pk: str) -> Organization:
    found = Organization.objects.select_related("casework_organization").filter(pk=pk).first()
    if found is None:
        raise NotFound("directory organization")
    return found


def _given(payload: InputSchema) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


@router.get(
    "/directory/organizations",
    response=Page[OrganizationOut],
    summary="Directory organizations (curators)",
)
def organizations_list(request: HttpRequest, filters: Query[OrganizationFilters]) -> dict[str, Any]:
    _curator(request)
    rows = Organization.objects.select_related("casework_organization").order_by("name", "pk")
    if filters.q:
        rows = rows.filter(name__icontains=filters.q)
    page = paginate(request, rows, filters)
    page["results"] = [_organization_out(o) for o in page["results"]]
    return page


@router.post(
    "/directory/organizations",
    response={201: OrganizationOut},
    summary="Add an organization to the directory",
)
def organization_post(request: HttpRequest, payload: OrganizationIn) -> Status:
    _curator(request)
    org = editing.organization_save(actor=request.user, data=_given(payload))
    return Status(201, _organization_out(_organization(org.pk)))


@router.get(
    "/directory/organizations/{organization_id}",
    response=OrganizationOut,
    summary="Read a directory organization with its locations",
)
def organization_get(request: HttpRequest, organization_id: Text64) -> dict[str, Any]:
    _curator(request)
    return _organization_out(_organization(organization_id))


@router.patch(
    "/directory/organizations/{organization_id}",
    response=OrganizationOut,
    summary="Change a directory organization",
)
def organization_patch(
    request: HttpRequest, organization_id: Text64, payload: OrganizationIn
) -> dict[str, Any]:
    _curator(request)
    org = _organization(organization_id)
    editing.organization_save(actor=request.user, organization=org, data=_given(payload))
    return _organization_out(_organization(org.pk))


@router.put(
    "/directory/organizations/{organization_id}/partner",
    response=OrganizationOut,
    summary="Link a directory organization to the partner that receives its referrals",
)
def organization_partner_put(
    request: HttpRequest, organization_id: Text64, payload: PartnerIn
) -> dict[str, Any]:
    _curator(request)
    org = _organization(organization_id)
    editing.organization_link_partner(
        actor=request.user, organization=org, partner_id=payload.partner_organization_id
    )
    return _organization_out(_organization(org.pk))


@router.post(
    "/directory/organizations/{organization_id}/locations",
    response={201: LocationOut},
    summary="Add a location to a directory organization",
)
def location_post(request: HttpRequest, organization_id: Text64, payload: LocationIn) -> Status:
    _curator(request)
    org = _organization(organization_id)
    location = editing.location_save(actor=request.user, organization=org, data=_given(payload))
    return Status(201, _location_out(location))


@router.patch(
    "/directory/locations/{location_id}",
    response=LocationOut,
    summary="Change a directory location and its address",
)
def location_patch(
    request: HttpRequest, location_id: Text64, payload: LocationIn
) -> dict[str, Any]:
    _curator(request)
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        raise NotFound("directory location")
    editing.location_save(actor=request.user, location=location, data=_given(payload))
    return _location_out(location)

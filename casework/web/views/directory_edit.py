"""Curating the directory's organizations and locations (HSDS 3.0 fields), and linking a
listed organization to the partner organization whose users receive its referrals.

Curators only (organization admins and platform staff); everyone else gets the 404 of a
page that does not exist, as on the other curation pages.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casework.resources import curation, editing
from casework.resources.models import Location, LocationType, Organization
from casework.web.forms import add_service_errors
from casework.web.paging import paginate


def _curator(request: HttpRequest) -> None:
    if not curation.is_curator(request.user):
        raise Http404("No such page.")


def _organization(pk: str) -> Organization:
    found = Organization.objects.select_related("casework_organization").filter(pk=pk).first()
    if found is None:
        raise Http404("No such organization.")
    return found


def _location(pk: str) -> Location:
    found = Location.objects.select_related("organization").filter(pk=pk).first()
    if found is None:
        raise Http404("No such location.")
    return found


def _also(form: forms.Form, errors: dict[str, str]) -> None:
    """After the form's own checks failed, add the service's findings on the other fields,
    so one submit shows every problem."""
    for name, message in errors.items():
        if name not in form.errors:
            form.add_error(name if name in form.fields else None, message)


def _raw(form: forms.Form, names: tuple[str, ...]) -> dict[str, str]:
    return {name: form.data.get(name, "") for name in names if name in form.fields}


class OrganizationForm(forms.Form):
    name = forms.CharField(
        max_length=500, error_messages={"required": "Give the organization's name."}
    )
    alternate_name = forms.CharField(max_length=500, required=False, label="Other name")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text="What the organization does, in a sentence or two.",
        error_messages={"required": "Describe what the organization does (HSDS requires it)."},
    )  # fmt: skip
    email = forms.CharField(max_length=254, required=False, label="Email")
    website = forms.CharField(max_length=500, required=False, help_text="https://…")
    year_incorporated = forms.CharField(max_length=10, required=False, label="Year founded")
    legal_status = forms.CharField(max_length=200, required=False, label="Legal status")
    tax_status = forms.CharField(max_length=200, required=False, label="Tax status")
    tax_id = forms.CharField(max_length=100, required=False, label="Tax ID (EIN)")
    logo = forms.CharField(max_length=500, required=False, label="Logo address")
    uri = forms.CharField(
        max_length=500, required=False, label="Identifier URI",
        help_text="A persistent web address that identifies the organization, if it has one.",
    )  # fmt: skip


class LocationForm(forms.Form):
    location_type = forms.ChoiceField(
        choices=[("", "- Select -"), *LocationType.choices],
        label="Kind of location",
        error_messages={"required": "Choose physical, postal or virtual."},
    )
    name = forms.CharField(max_length=500, required=False)
    alternate_name = forms.CharField(max_length=500, required=False, label="Other name")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    address_1 = forms.CharField(max_length=200, required=False, label="Street address")
    address_2 = forms.CharField(max_length=200, required=False, label="Suite, floor")
    city = forms.CharField(max_length=100, required=False)
    state_province = forms.CharField(max_length=100, required=False, label="State")
    postal_code = forms.CharField(max_length=20, required=False, label="ZIP code")
    country = forms.CharField(max_length=2, required=False, initial="US", help_text="e.g. US")
    latitude = forms.CharField(max_length=30, required=False, help_text="e.g. 42.6526")
    longitude = forms.CharField(max_length=30, required=False, help_text="e.g. -73.7562")
    transportation = forms.CharField(max_length=500, required=False, label="Getting there")
    url = forms.CharField(max_length=500, required=False, label="Web page")
    external_identifier = forms.CharField(max_length=200, required=False)
    external_identifier_type = forms.CharField(max_length=200, required=False)


LOCATION_INPUT = editing.LOCATION_FIELDS + editing.ADDRESS_FIELDS


class PartnerForm(forms.Form):
    partner = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label="Partner organization in Casework"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["partner"].choices = [  # type: ignore[attr-defined]
            ("", "- Does not receive referrals in Casework -"),
            *((p.pk, p.name) for p in editing.partner_choices()),
        ]


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    _curator(request)
    q = request.GET.get("q", "").strip()[:100]
    rows = Organization.objects.select_related("casework_organization").order_by("name", "pk")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(alternate_name__icontains=q))
    page = paginate(request, rows, size=50)
    return render(request, "directory/organization_list.html", {"page": page, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    _curator(request)
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = editing.organization_save(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{org.name} added to the directory.")
            return redirect("web:organization_edit", pk=org.pk)
    elif request.method == "POST":
        _also(form, editing.organization_errors(_raw(form, editing.ORGANIZATION_FIELDS)))
    status = 422 if form.errors else 200
    return render(request, "directory/organization_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, pk: str) -> HttpResponse:
    _curator(request)
    org = _organization(pk)
    initial = {name: getattr(org, name) for name in editing.ORGANIZATION_FIELDS}
    if org.year_incorporated is not None:
        initial["year_incorporated"] = int(org.year_incorporated)
    form = OrganizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            editing.organization_save(actor=request.user, organization=org, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{org.name} saved.")
            return redirect("web:organization_edit", pk=org.pk)
    elif request.method == "POST":
        _also(form, editing.organization_errors(_raw(form, editing.ORGANIZATION_FIELDS), org))
    context = {
        "form": form,
        "organization": org,
        "locations": org.locations.prefetch_related("addresses").order_by("name", "pk"),
        "services": org.services.order_by("name", "pk")[:100],
    }
    status = 422 if form.errors else 200
    return render(request, "directory/organization_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def organization_partner(request: HttpRequest, pk: str) -> HttpResponse:
    _curator(request)
    org = _organization(pk)
    form = PartnerForm(request.POST or None, initial={"partner": org.casework_organization_id})
    if request.method == "POST" and form.is_valid():
        try:
            editing.organization_link_partner(
                actor=request.user, organization=org, partner_id=form.cleaned_data["partner"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            org.refresh_from_db()
            if org.casework_organization is not None:
                text = f"Referrals to {org.name} now go to {org.casework_organization.name}."
            else:
                text = f"{org.name} no longer receives referrals in Casework."
            messages.success(request, text)
            return redirect("web:organization_edit", pk=org.pk)
    status = 422 if form.errors else 200
    return render(
        request,
        "directory/organization_partner.html",
        {"form": form, "organization": org},
        status=status,
    )


def _location_initial(location: Location) -> dict[str, object]:
    initial: dict[str, object] = {n: getattr(location, n) for n in editing.LOCATION_FIELDS}
    address = editing.primary_address(location)
    if address is not None:
        initial |= {n: getattr(address, n) for n in editing.ADDRESS_FIELDS}
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def location_create(request: HttpRequest, pk: str) -> HttpResponse:
    _curator(request)
    org = _organization(pk)
    form = LocationForm(request.POST or None, initial={"location_type": "physical"})
    if request.method == "POST" and form.is_valid():
        try:
            editing.location_save(actor=request.user, organization=org, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Location added to {org.name}.")
            return redirect("web:organization_edit", pk=org.pk)
    elif request.method == "POST":
        _also(form, editing.location_errors(_raw(form, LOCATION_INPUT)))
    status = 422 if form.errors else 200
    context = {"form": form, "organization": org}
    return render(request, "directory/location_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def location_edit(request: HttpRequest, pk: str) -> HttpResponse:
    _curator(request)
    location = _location(pk)
    form = LocationForm(request.POST or None, initial=_location_initial(location))
    if request.method == "POST" and form.is_valid():
        try:
            editing.location_save(actor=request.user, location=location, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Location saved.")
            if location.organization_id:
                return redirect("web:organization_edit", pk=location.organization_id)
            return redirect("web:location_edit", pk=location.pk)
    elif request.method == "POST":
        _also(form, editing.location_errors(_raw(form, LOCATION_INPUT), location))
    status = 422 if form.errors else 200
    context = {"form": form, "organization": location.organization, "location": location}
    return render(request, "directory/location_form.html", context, status=status)

"""Resource directory pages: search, a service, the client's resource list, HSDS upload and
its status, and curation. Agency staff only: partners see nothing here (404)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.interop.imports import import_run_start
from casework.resources import curation, hours
from casework.resources.models import ImportRun, Service
from casework.resources.search import NEED_CATEGORIES, Point, Query, describe, search, zip_point
from casework.web.forms import add_service_errors
from casework.web.gates import load_client, signed_in_user

LANGUAGE_CHOICES = [("", "Any language"), ("en", "English"), ("es", "Spanish"), ("zh", "Chinese"),
                    ("vi", "Vietnamese"), ("ar", "Arabic"), ("ru", "Russian"), ("fr", "French"),
                    ("ht", "Haitian Creole"), ("ko", "Korean"), ("pl", "Polish")]  # fmt: skip


class SearchForm(forms.Form):
    need = forms.ChoiceField(
        choices=[("", "Any need"), *NEED_CATEGORIES.items()], required=False, label="Need"
    )
    q = forms.CharField(max_length=100, required=False, label="Keywords")
    age = forms.IntegerField(min_value=0, max_value=120, required=False, label="Client's age")
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    zip = forms.CharField(max_length=10, required=False, label="Near ZIP code")
    radius = forms.FloatField(
        min_value=0.5, max_value=500, required=False, label="Within (km)", initial=10
    )
    open = forms.ChoiceField(
        choices=[("", "Any time"), ("now", "Open now"), ("at", "Open at…")],
        required=False,
        label="Open",
    )
    at = forms.DateTimeField(
        required=False,
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    client = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_zip(self) -> str:
        code = self.cleaned_data.get("zip", "").strip()
        if code and zip_point(code) is None:
            raise forms.ValidationError("Not a US ZIP code we know.")
        return code


def _reader(request: HttpRequest) -> None:
    if not curation.is_directory_reader(request.user):
        raise Http404("No such page.")


def _client_point(client: Any) -> Point | None:
    """The client's ZIP centroid (never a geocoded street address); None when unknown."""
    if client is None or getattr(client, "address_hidden", False):
        return None
    return zip_point(client.postal_code)


def _query(data: dict[str, Any], point: Point | None) -> Query:
    when = None
    if data.get("open") == "now":
        when = timezone.now()
    elif data.get("open") == "at" and data.get("at"):
        when = data["at"]
    radius = data.get("radius") or (10.0 if point else None)
    return Query(
        category=data.get("need") or "",
        keywords=data.get("q") or "",
        age=data.get("age"),
        language=data.get("language") or "",
        when=when,
        near=point,
        radius_km=radius if point else None,
    )


@login_required
def service_search(request: HttpRequest) -> HttpResponse:
    _reader(request)
    client = None
    if request.GET.get("client"):
        client = load_client(request.user, request.GET["client"])
    initial_zip = client.postal_code if client is not None and not client.address_hidden else ""
    data = request.GET.copy()
    if client is not None and not data.get("zip") and initial_zip:
        data["zip"] = initial_zip[:5]
    form = SearchForm(data if request.GET else None)
    hits = None
    if request.GET and form.is_valid():
        point = zip_point(form.cleaned_data["zip"]) if form.cleaned_data["zip"] else None
        query = _query(form.cleaned_data, point)
        hits = search(query)
        record(
            actor=request.user,
            action=AuditAction.SEARCH,
            target_type="directory",
            client_id=client.pk if client else None,
            details=describe(query) | {"results": len(hits)},
        )
    intervention = request.GET.get("intervention", "")[:36]
    context = {
        "form": form,
        "hits": hits,
        "client": client,
        "intervention": intervention,
        "here": "service_search",
    }
    return render(request, "directory/search.html", context)


def _service(pk: str) -> Service:
    service = Service.objects.select_related("organization", "last_verified_by").filter(pk=pk)
    found = service.first()
    if found is None:
        raise Http404("No such service.")
    return found


@login_required
def service_detail(request: HttpRequest, pk: str) -> HttpResponse:
    _reader(request)
    service = _service(pk)
    schedules = list(service.schedules.all())
    context = {
        "service": service,
        "week": hours.week_lines(schedules),
        "today": hours.hours_label(schedules, timezone.localdate()),
        "locations": [
            sal.location for sal in service.service_at_locations.select_related("location")
        ],
        "phones": service.phones.all(),
        "languages": service.languages.all(),
        "documents": service.required_documents.all(),
        "costs": service.cost_options.all(),
        "areas": service.service_areas.all(),
        "can_curate": curation.is_curator(request.user),
    }
    return render(request, "directory/service_detail.html", context)


# The resource list's fixed wording, in English and Spanish (directory text stays as listed).
LABELS = {
    "title": ("Your resource list", "Su lista de recursos"),
    "intro": ("Places that can help. Call before you go: hours can change.",
              "Lugares que pueden ayudarle. Llame antes de ir: el horario puede cambiar."),
    "today": ("Hours today", "Horario de hoy"),
    "week": ("Usual hours", "Horario habitual"),
    "address": ("Address", "Dirección"),
    "phone": ("Phone", "Teléfono"),
    "who": ("Who can use it", "Quién puede usarlo"),
    "bring": ("Bring", "Traiga"),
    "spanish": ("Spanish spoken", "Se habla español"),
    "print": ("Print", "Imprimir"),
    "copy": ("Copy as text", "Copiar como texto"),
    "date": ("Prepared on", "Preparado el"),
}  # fmt: skip


@login_required
def resource_list(request: HttpRequest) -> HttpResponse:
    """A printable, plain-language list of chosen services for the client (English/Spanish)."""
    _reader(request)
    ids = request.GET.getlist("service")[:20]
    services = list(
        Service.objects.filter(pk__in=ids).prefetch_related(
            "phones",
            "languages",
            "required_documents",
            "schedules",
            "service_at_locations__location__addresses",
        )
    )
    spanish = request.GET.get("lang") == "es"
    today = timezone.localdate()
    items = []
    for service in services:
        addresses = [
            a.one_line()
            for sal in service.service_at_locations.all()
            for a in sal.location.addresses.all()
        ]
        items.append(
            {
                "service": service,
                "today": hours.hours_label(service.schedules.all(), today),
                "week": hours.week_lines(service.schedules.all()),
                "address": addresses[0] if addresses else "",
                "phone": next((p.number for p in service.phones.all()), ""),
                "spanish": any(
                    (lang.code or "").lower().startswith("es") or "span" in lang.name.lower()
                    for lang in service.languages.all()
                ),
                "documents": [d.document for d in service.required_documents.all()],
            }
        )
    labels = {key: pair[1] if spanish else pair[0] for key, pair in LABELS.items()}
    context = {"items": items, "labels": labels, "spanish": spanish, "today": today}
    return render(request, "directory/resource_list.html", context)


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text="A .zip of the HSDS CSV files with datapackage.json, or HSDS JSON."
    )


@login_required
@require_http_methods(["GET", "POST"])
def hsds_upload(request: HttpRequest) -> HttpResponse:
    if not curation.is_curator(request.user):
        raise PermissionDenied("Only directory curators import HSDS data.")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = import_run_start(actor=request.user, upload=form.cleaned_data["file"])
        except ValueError as error:
            form.add_error("file", str(error))
        else:
            return redirect("web:hsds_import_status", token=run.token)
    runs = ImportRun.objects.filter(started_by=signed_in_user(request))[:10]
    return render(request, "directory/upload.html", {"form": form, "runs": runs})


@login_required
def hsds_import_status(request: HttpRequest, token: str) -> HttpResponse:
    run = ImportRun.objects.filter(token=token, started_by=signed_in_user(request)).first()
    if run is None:
        raise Http404("No such import.")
    template = "directory/_import_status.html" if request.htmx else "directory/import_status.html"  # type: ignore[attr-defined]
    return render(request, template, {"run": run})


@login_required
def directory_curation(request: HttpRequest) -> HttpResponse:
    """Listings due for verification (not verified in the configured number of days)."""
    if not curation.is_curator(request.user):
        raise PermissionDenied("Only directory curators see the curation list.")
    from django.conf import settings

    days = settings.CASEWORK_DIRECTORY_VERIFY_DAYS
    stale = curation.stale_services(days=days)[:200]
    context = {"stale": stale, "days": days, "here": "directory_curation"}
    return render(request, "directory/curation.html", context)


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = curation.EDITABLE
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "eligibility_description": forms.Textarea(attrs={"rows": 2}),
                   "application_process": forms.Textarea(attrs={"rows": 2}),
                   "alert": forms.Textarea(attrs={"rows": 2})}  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, pk: str) -> HttpResponse:
    if not curation.is_curator(request.user):
        raise Http404("No such page.")
    service = _service(pk)
    form = ServiceForm(request.POST or None, instance=Service.objects.get(pk=service.pk))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in curation.EDITABLE}
        try:
            curation.service_update(actor=request.user, service=service, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Service saved and marked verified today.")
            return redirect("web:service_detail", pk=service.pk)
    return render(request, "directory/service_edit.html", {"form": form, "service": service})


@login_required
@require_POST
def service_verify(request: HttpRequest, pk: str) -> HttpResponse:
    if not curation.is_curator(request.user):
        raise Http404("No such page.")
    service = _service(pk)
    curation.service_verify(actor=request.user, service=service)
    messages.success(
        request, f"{service.name} marked verified on {datetime.date.today():%b %d, %Y}."
    )
    if request.POST.get("next") == "detail":
        return redirect("web:service_detail", pk=service.pk)
    return redirect("web:directory_curation")

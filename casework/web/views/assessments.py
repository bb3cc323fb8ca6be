"""Assessment pages (issue 13): give an instrument on one screen, see the result, the
client's trends, risk flags, and the agency's instrument library.

The form is plain HTML (radios, checkboxes, number and text inputs) and works without
JavaScript: every item is shown and the server drops answers to items the skip logic does
not ask. With htmx, each change re-renders the item list from the server, so hidden items
disappear as the client answers (inputs keep their ids, so focus stays where it was).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from casework.accounts.access import access_for
from casework.accounts.models import Organization
from casework.assessments import services
from casework.assessments.library import current_instrument, current_instruments
from casework.assessments.models import Assessment, Instrument, Severity
from casework.assessments.permissions import (
    READ_BASES,
    STAFF_BASES,
    access_assessment,
    access_flag,
    may_read,
    readable_assessments,
    readable_flags,
)
from casework.assessments.schema import NEED_LABELS, Condition, InstrumentSpec, Item
from casework.assessments.scoring import enabled_items
from casework.clients.models import Client, Sex
from casework.clients.permissions import can_write_client
from casework.web.gates import load_client, signed_in_user

SEX_CODES: dict[int, str] = {Sex.MALE.value: "male", Sex.FEMALE.value: "female"}


def _home_org(user: Any) -> int | None:
    orgs = access_for(user).organization_ids
    return min(orgs) if orgs else None


def _domain_errors(call: Any, *args: Any, **kwargs: Any) -> Any:
    return call(*args, **kwargs)


def _instrument_for(client: Client, code: str) -> Instrument:
    instrument = current_instrument(code, client.organization_id)
    if instrument is None or not may_read(client, instrument.categories):
        raise Http404("No such instrument.")
    return instrument


def _describe(cond: Condition, spec: InstrumentSpec) -> str:
    if cond.item and cond.equals is not None:
        item = spec.item(cond.item)
        label = next((o.label for o in spec.options_for(item) if o.code == str(cond.equals)), "")
        number = item.text.split(".", 1)[0] if item.text[:1].isdigit() else item.id.upper()
        return f"Ask only when question {number} is “{label or cond.equals}”."
    return "Asked depending on earlier answers."


def _answers_from(post: Any, spec: InstrumentSpec) -> tuple[dict[str, Any], dict[str, str]]:
    answers: dict[str, Any] = {}
    notes: dict[str, str] = {}
    for item in spec.items:
        if item.type == "multi":
            answers[item.id] = post.getlist(item.id)
        else:
            answers[item.id] = post.get(item.id, "").strip()
        if item.domain and post.get(f"note_{item.id}", "").strip():
            notes[item.id] = post.get(f"note_{item.id}", "").strip()
    return answers, notes


def _rows(spec: InstrumentSpec, answers: dict[str, Any], errors: dict[str, str]) -> list:
    """What the template needs per item: options with checked state, shown or hidden."""
    asked = set(enabled_items(spec, {k: v for k, v in answers.items() if v not in ("", [])}))
    rows = []
    for item in spec.items:
        value = answers.get(item.id, [] if item.type == "multi" else "")
        chosen = {str(v) for v in value} if isinstance(value, list) else {str(value)}
        rows.append(
            {
                "item": item,
                "value": "" if isinstance(value, list) else value,
                "options": [
                    {"option": o, "checked": o.code in chosen} for o in spec.options_for(item)
                ],
                "asked": item.id in asked,
                "condition": " ".join(_describe(c, spec) for c in item.enable_when),
                "error": errors.get(item.id, ""),
            }
        )
    return rows


def _prefill(item: Item, client: Client) -> str:
    if item.prefill == "client.sex":
        return SEX_CODES.get(int(client.sex), "other")
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    client = load_client(request.user, pk, write=True)
    instrument = _instrument_for(client, code)
    spec = instrument.definition
    answers: dict[str, Any] = {i.id: _prefill(i, client) for i in spec.items if i.prefill}
    notes: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        answers, notes = _answers_from(request.POST, spec)
        if request.headers.get("HX-Request") and request.POST.get("_preview"):
            rows = _rows(spec, answers, {})
            return render(request, "care/_assessment_items.html", {"rows": rows, "notes": notes})
        try:
            assessment = services.assessment_record(
                actor=request.user,
                client=client,
                instrument_code=code,
                answers=answers,
                notes=notes,
            )
        except ValidationError as error:
            errors = {
                k.removeprefix("answers."): " ".join(v) for k, v in error.message_dict.items()
            }
        else:
            messages.success(request, f"{spec.short_name} saved.")
            return redirect("web:assessment_detail", pk=assessment.pk)
    context = {
        "client": client,
        "instrument": instrument,
        "spec": spec,
        "rows": _rows(spec, answers, errors),
        "notes": notes,
        "errors": errors,
    }
    return render(request, "care/assessment_form.html", context)


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment: Assessment = _domain_errors(access_assessment, request.user, pk)
    spec = assessment.instrument.definition
    answered = []
    for item in spec.items:
        if item.id not in assessment.answers:
            continue
        value = assessment.answers[item.id]
        labels = {o.code: o.label for o in spec.options_for(item)}
        shown = (
            ", ".join(labels.get(str(v), str(v)) for v in value)
            if isinstance(value, list)
            else labels.get(str(value), value)
        )
        answered.append(
            {
                "item": item,
                "answer": shown,
                "points": assessment.result.get("points", {}).get(item.id),
            }
        )
    offers = {
        f["offer"]: current_instrument(f["offer"], assessment.organization_id)
        for f in assessment.flags
        if f.get("offer")
    }
    assessment.result["needs"] = [
        n | {"label": NEED_LABELS.get(n["domain"], n["domain"])} for n in assessment.needs
    ]
    context = {
        "client": assessment.client,
        "assessment": assessment,
        "spec": spec,
        "answered": answered,
        "offers": {k: v for k, v in offers.items() if v is not None},
        "missing": [spec.item(i) for i in assessment.result.get("missing", [])],
        "can_edit": can_write_client(request.user, assessment.client),
    }
    return render(request, "care/assessment_detail.html", context)


def _number(value: float | None) -> str:
    """A total as the pages show it (the template filter ``floatformat:"-2"``)."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _tab_rows(rows: list[Assessment]) -> list[dict[str, Any]]:
    """What the tab shows of each assessment, formatted once here: the tab lists every
    administration twice (its trend table and the full list), and per-row URL reversing and
    date formatting in the template made the page's cost grow with the client's history."""
    base = reverse("web:assessment_detail", kwargs={"pk": 0})[: -len("0/")]
    return [
        {
            "pk": a.pk,
            "url": f"{base}{a.pk}/",
            "code": a.instrument_code,
            "on": a.administered_on,
            "shown_on": f"{a.administered_on:%b} {a.administered_on.day}, {a.administered_on:%Y}",
            "total": a.total,
            "shown_total": _number(a.total),
            "band_label": a.band_label,
            "instrument": a.instrument.short_name,
            "version": a.instrument.version,
            "flags": a.flags,
        }
        for a in rows
    ]


def _trends(spec_by_code: dict[str, InstrumentSpec], rows: list[Assessment]) -> list[dict]:
    """Per instrument with a total: points oldest first, band thresholds, change since last."""
    series: dict[str, list[dict[str, Any]]] = {}
    instruments = {a.instrument_code: a.instrument for a in rows}
    for row in _tab_rows(rows):
        if row["total"] is not None:
            series.setdefault(row["code"], []).append(row)
    trends = []
    for code, items in series.items():
        items = sorted(items, key=lambda a: (a["on"], a["pk"]))
        spec = spec_by_code.get(code) or instruments[code].definition
        change = items[-1]["total"] - items[-2]["total"] if len(items) > 1 else None
        trends.append(
            {
                "code": code,
                "chart_id": f"chart-{code}",
                "name": spec.short_name,
                "points": items,
                "change": change,
                "chart": {
                    "title": f"{spec.short_name} total over time",
                    "labels": [a["on"].isoformat() for a in items],
                    "values": [a["total"] for a in items],
                    "bands": [
                        {"label": b.label, "min": b.min}
                        for b in spec.bands
                        if b.min is not None and b.min > 0 and b.when is None
                    ],
                    "max": spec.chart_max,
                },
            }
        )
    return trends


@login_required
def assessment_list(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, audit=False)
    rows = readable_assessments(request.user, client)
    library = current_instruments(client.organization_id)
    context = {
        "client": client,
        "assessments": _tab_rows(rows),
        "trends": _trends({c: i.definition for c, i in library.items()}, rows),
        "instruments": [i for i in library.values() if may_read(client, i.categories)],
        "flags": readable_flags(client),
        "can_edit": can_write_client(request.user, client),
    }
    return render(request, "care/assessment_list.html", context)


# --- Risk flags -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def flag_list(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, write=request.method == "POST")
    if client.access_basis not in STAFF_BASES:  # flags are not disclosed under a consent
        raise Http404("No such client.")
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.risk_flag_raise(
                actor=request.user,
                client=client,
                code="manual",
                label=request.POST.get("label", ""),
                severity=request.POST.get("severity", ""),
                note=request.POST.get("note", ""),
            )
        except ValidationError as error:
            errors = {k: " ".join(v) for k, v in error.message_dict.items()}
        else:
            messages.success(request, "Risk flag raised; the care team has been told.")
            return redirect("web:flag_list", pk=client.pk)
    context = {
        "client": client,
        "open_flags": readable_flags(client),
        "resolved": [f for f in readable_flags(client, open_only=False) if not f.is_open][:50],
        "can_edit": can_write_client(request.user, client),
        "severities": Severity.choices,
        "errors": errors,
        "typed": request.POST if errors else {},
    }
    return render(request, "care/flag_list.html", context)


@login_required
@require_POST
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _domain_errors(access_flag, request.user, pk, write=True)
    try:
        services.risk_flag_resolve(actor=request.user, flag=flag, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Risk flag resolved.")
    return redirect("web:flag_list", pk=flag.client_id)


def care_header_context(user: Any, client: Client) -> dict[str, Any]:
    """For the client page header: open risk flags the reader may see, most severe first."""
    rank = {"high": 0, "moderate": 1, "low": 2}
    flags = sorted(readable_flags(client), key=lambda f: rank[f.severity])
    reader = getattr(client, "access_basis", None) in READ_BASES
    return {"risk_flags": flags, "care_links": reader}


# --- Instrument library -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def instrument_library(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    admin_orgs = sorted(access_for(user).admin_org_ids)
    problems: list[str] = []
    if request.method == "POST":
        if not admin_orgs:
            raise PermissionDenied("Only organization administrators can add instruments.")
        upload = request.FILES.get("file")
        organization = Organization.objects.get(pk=admin_orgs[0])
        try:
            if upload is None:
                raise ValidationError({"definition": ["Choose a YAML or JSON file."]})
            row = services.instrument_upload(
                actor=user,
                organization=organization,
                text=upload.read(services.UPLOAD_LIMIT + 1),
                filename=(upload.name or "upload")[:100],
            )
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, f"{row.short_name} version {row.version} added.")
            return redirect("web:instrument_library")
    context = {
        "instruments": list(current_instruments(_home_org(user)).values()),
        "can_upload": bool(admin_orgs),
        "problems": problems,
    }
    return render(request, "care/instrument_library.html", context)

"""Client list and search, client page, create and edit (with edit-conflict handling)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casework.accounts.models import Program
from casework.assessments.permissions import mark_open_risk
from casework.audit.models import AuditEvent
from casework.clients import services as clients
from casework.clients.assignment import may_change_case_manager
from casework.clients.intake_check import client_create_checked
from casework.clients.models import Client, Enrollment, Sex
from casework.clients.permissions import (
    can_write_client,
    mark_list_access,
    programs_for_new_client,
    reads_whole_record,
    redact_confidential_addresses,
)
from casework.clients.record_services import current_contact
from casework.core import exceptions as domain
from casework.web.forms import (
    ClientCreateForm,
    ClientEditForm,
    ClientSearchForm,
    add_service_errors,
)
from casework.web.forms_assignment import case_manager_choices
from casework.web.gates import load_client, signed_in_user
from casework.web.paging import Page, page_number, paginate
from casework.web.views.assessments import care_header_context
from casework.web.views.new_record import (
    add_reason_field,
    create_or_matches,
    matches_context,
    shared_clients,
)
from casework.web.views.record import client_sections_context

PAGE_SIZE = 25
ACCESS_LOG_PAGE_SIZE = 20
BASE_SALT = "casework.web.client-edit"


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    form = ClientSearchForm(request.GET)
    valid = form.is_valid()
    text = form.cleaned_data.get("q", "") if valid else ""
    dob = form.cleaned_data.get("dob") if valid else None
    open_enrollments = Enrollment.objects.visible_to(request.user).open().select_related("program")
    visible = Client.objects.visible_to(request.user)
    if text.strip() and form.sorts_by_name():
        # Ordered by the name that matched, read from the name indexes a page at a time.
        number = page_number(request)
        found = visible.search_page(text, dob, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1)
        prefetch_related_objects(found, Prefetch("enrollments", queryset=open_enrollments))
        page = Page(
            items=found[:PAGE_SIZE], number=number, size=PAGE_SIZE, has_next=len(found) > PAGE_SIZE
        )
    else:
        rows = (
            visible.search(text, dob)
            .order_by(*form.ordering())
            .prefetch_related(Prefetch("enrollments", queryset=open_enrollments))
        )
        page = paginate(request, rows, size=PAGE_SIZE)
    redact_confidential_addresses(request.user, page.items)
    mark_open_risk(request.user, list(page.items))
    query = {"q": text.strip(), "dob": dob.isoformat() if dob else ""}
    # The list's gate: a client reached through a consent carries its notice (one consent
    # query for the page), shown above the results; the audit accounts for those names.
    mark_list_access(request.user, page.items)
    clients.client_list_record(actor=request.user, clients=page.items, query=query)
    context = {
        "form": form,
        "page": page,
        "shared": shared_clients(page.items),
        "searching": any(query.values()),
        "can_create": bool(programs_for_new_client(request.user)),
    }
    template = "web/clients/list.html"
    htmx = request.htmx  # type: ignore[attr-defined]  # set by django-htmx's middleware
    if htmx and not htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)


@login_required
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk)
    redact_confidential_addresses(request.user, [client])
    enrollments = list(
        Enrollment.objects.visible_to(request.user)
        .filter(client_id=client.pk)
        .select_related("program", "primary_case_manager")
        .order_by("-start_date", "-id")
    )
    # Staff names and which parts of the record exist are not for consent recipients: in a
    # substance-use program, who looked can itself disclose treatment.
    staff_reader = reads_whole_record(client)
    accesses = AuditEvent.objects.for_client(client.pk).select_related("actor")
    context = {
        "client": client,
        "enrollments": enrollments,
        "assignable": {e.pk for e in enrollments if may_change_case_manager(request.user, e)},
        "access_page": (
            paginate(request, accesses, size=ACCESS_LOG_PAGE_SIZE, param="access_page")
            if staff_reader
            else None
        ),
        "can_edit": can_write_client(request.user, client),
        # The header reads the record's sections, so the two never disagree.
        "contact": current_contact(client),
    }
    context |= client_sections_context(request.user, client)
    context |= care_header_context(request.user, client)
    return render(request, "web/clients/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    program_ids = programs_for_new_client(request.user)
    if not program_ids:
        raise PermissionDenied("You do not work in a program that takes new clients.")
    programs = Program.objects.filter(pk__in=program_ids).order_by("name")
    case_managers, users = case_manager_choices(signed_in_user(request), programs)
    initial: dict[str, Any] = {}
    if len(program_ids) == 1:
        initial["program"] = program_ids[0]
    if request.user.pk in users:
        initial["primary_case_manager"] = request.user.pk
    form = ClientCreateForm(
        request.POST or None,
        initial=initial,
        program_ids=program_ids,
        case_managers=case_managers,
    )
    add_reason_field(form)
    context: dict[str, Any] = {"form": form, "creating": True}
    if request.method == "POST" and form.is_valid():
        cm_id = form.cleaned_data["primary_case_manager"]

        def create(reason: str) -> Client:
            return client_create_checked(
                actor=request.user,
                program=form.cleaned_data["program"],
                data=form.client_data(),
                new_record_reason=reason,
                primary_case_manager=users.get(cm_id) if cm_id else None,
            )

        try:
            created = create_or_matches(request, form, create)
        except ValidationError as error:
            add_service_errors(form, error)
        except domain.PermissionDenied as denied:
            form.add_error("program", str(denied))
        else:
            if isinstance(created, Client):
                messages.success(request, f"Saved {created.display_name}.")
                return redirect("web:client_detail", pk=created.pk)
            context |= matches_context(created)
    return render(request, "web/clients/form.html", context)


def _shown(name: str, value: Any) -> str:
    if value in (None, ""):
        return "(empty)"
    if name == "sex":
        return str(Sex(value).label)
    if name == "date_of_birth":
        return f"{value:%b} {value.day}, {value.year}"
    return str(value)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _signed_base(client: Client) -> str:
    values = {name: _as_text(getattr(client, name)) for name in Client.EDITABLE_FIELDS}
    return signing.dumps(values, salt=BASE_SALT, compress=True)


def _read_base(value: str) -> dict[str, str] | None:
    try:
        base = signing.loads(value, salt=BASE_SALT)
    except signing.BadSignature:
        return None
    return base if isinstance(base, dict) else None


def _put(data: QueryDict, name: str, value: Any) -> None:
    """Write a saved value into re-shown form data (the date is three boxes)."""
    if name == "date_of_birth":
        parts = [str(value.month), str(value.day), str(value.year)] if value else ["", "", ""]
        for suffix, part in zip(("_month", "_day", "_year"), parts, strict=True):
            data[name + suffix] = part
    else:
        data[name] = _as_text(value)


def _merge(
    stale: ClientEditForm, current: Client, data: QueryDict
) -> tuple[list[dict[str, str]], list[str]]:
    """Three-way compare the form's start, what was saved since, and what this user typed.

    A field only the other person changed takes their value (so re-submitting cannot undo
    it unseen); a field only this user changed keeps theirs; a field both changed differently
    is a conflict, shown side by side with this user's value kept in the form.
    """
    base = _read_base(stale.cleaned_data.get("base", ""))
    conflicts, taken = [], []
    for name in Client.EDITABLE_FIELDS:
        if name not in stale.fields:
            continue
        theirs, yours = getattr(current, name), stale.cleaned_data.get(name)
        if _as_text(theirs) == _as_text(yours):
            continue
        label = str(stale.fields[name].label)
        started = base.get(name) if base else None
        if started is not None and _as_text(yours) == started:
            _put(data, name, theirs)
            taken.append(label)
        elif started is None or _as_text(theirs) != started:
            conflicts.append(
                {"label": label, "theirs": _shown(name, theirs), "yours": _shown(name, yours)}
            )
    return conflicts, taken


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # Showing the form reads the record: the gate records that view, naming the page.
    client = load_client(
        request.user, pk, write=True, page="edit" if request.method == "GET" else ""
    )
    redact_confidential_addresses(request.user, [client])
    hide_address = client.address_hidden
    if request.method == "GET":
        initial = {name: getattr(client, name) for name in Client.EDITABLE_FIELDS}
        initial |= {"version": client.version, "base": _signed_base(client)}
        form = ClientEditForm(initial=initial, hide_address=hide_address)
        return render(request, "web/clients/form.html", {"form": form, "client": client})
    form = ClientEditForm(request.POST, hide_address=hide_address)
    if form.is_valid():
        try:
            clients.client_update(
                actor=request.user,
                client=client,
                expected_version=form.cleaned_data["version"],
                data=form.client_data(),
            )
        except domain.StaleVersion:
            return _conflict(request, pk, form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved changes to {client.display_name}.")
            return redirect("web:client_detail", pk=client.pk)
    return render(request, "web/clients/form.html", {"form": form, "client": client})


def _conflict(request: HttpRequest, pk: int, stale: ClientEditForm) -> HttpResponse:
    """Someone saved first: keep what this user typed, show both, and let them decide."""
    current = load_client(request.user, pk, write=True)
    redact_confidential_addresses(request.user, [current])
    data = request.POST.copy()
    conflicts, taken = _merge(stale, current, data)
    data["version"] = str(current.version)
    data["base"] = _signed_base(current)
    form = ClientEditForm(data, hide_address=current.address_hidden)
    form.is_valid()
    context = {"form": form, "client": current, "conflicts": conflicts, "taken": taken}
    return render(request, "web/clients/form.html", context, status=409)

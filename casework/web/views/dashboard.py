"""The signed-in person's start page: their clients, and caseloads for supervisors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from casework.accounts.access import access_for
from casework.caseload.waiting import waiting_for
from casework.clients import services as clients
from casework.clients.assignment import CASE_MANAGER_ROLES
from casework.clients.models import Enrollment
from casework.clients.permissions import programs_for_new_client
from casework.web.gates import signed_in_user
from casework.web.paging import paginate

PAGE_SIZE = 50


def _caseloads(program_ids: frozenset[int]) -> list[dict[str, Any]]:
    """Open enrollments per program and primary case manager, for supervisors."""
    rows = (
        Enrollment.objects.open()
        .filter(program_id__in=program_ids)
        .values(
            "program_id",
            "program__name",
            "primary_case_manager_id",
            "primary_case_manager__full_name",
            "primary_case_manager__email",
        )
        .annotate(open_count=Count("id"))
        .order_by("program__name", "primary_case_manager__full_name")
    )
    return list(rows)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if access.partner_org_ids and access.is_empty:
        return redirect("web:partner_inbox")  # a partner's start page is their referral inbox
    mine = (
        Enrollment.objects.open()
        .filter(primary_case_manager=signed_in_user(request), program_id__in=access.program_ids)
        .select_related("client", "program")
        .order_by("client__family_name", "client__given_name", "id")
    )
    page = paginate(request, mine, size=PAGE_SIZE)
    clients.client_list_record(actor=request.user, clients=[e.client for e in page.items], query={})
    context = {
        "page": page,
        "caseloads": _caseloads(access.supervised_program_ids),
        "is_supervisor": bool(access.supervised_program_ids),
        "waiting": waiting_for(request.user, today=timezone.localdate()),
        "works_in_programs": bool(access.program_ids),
        "can_audit": bool(access.org_wide_org_ids),
        "can_create": bool(programs_for_new_client(request.user)),
        # Intake workers take clients in but carry no caseload: the supervisor assigns.
        "carries_caseload": any(
            roles & set(CASE_MANAGER_ROLES) for roles in access.program_roles.values()
        ),
    }
    return render(request, "web/dashboard.html", context)

"""The duplicates review queue for supervisors, merges and undoing them (issue 3)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework.accounts.access import access_for
from casework.clients import merge as merging
from casework.clients.matching.runs import match_run, reviewable_clients
from casework.clients.models import Client, ClientMerge, DuplicateCandidate
from casework.clients.permissions import redact_confidential_addresses
from casework.core import exceptions as domain
from casework.web.gates import load_client
from casework.web.paging import paginate

COMPARED = (
    ("given_name", "Legal first name"),
    ("middle_name", "Middle name"),
    ("family_name", "Legal last name"),
    ("preferred_name", "Preferred name"),
    ("date_of_birth", "Date of birth"),
    ("sex", "Sex"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("address_line1", "Street address"),
    ("city", "City"),
    ("state", "State"),
    ("postal_code", "ZIP code"),
)


def _reviewer_org_ids(user: Any) -> set[int]:
    """Organizations where the user may decide duplicates: org admins and supervisors."""
    access = access_for(user)
    orgs = set(access.admin_org_ids)
    orgs |= {
        access.program_org[p] for p in access.supervised_program_ids if p in access.program_org
    }
    if not orgs:
        raise PermissionDenied("Only supervisors and organization admins review duplicates.")
    return orgs


def _side_by_side(candidate: DuplicateCandidate, user: Any) -> dict[str, Any]:
    a, b = candidate.client_a, candidate.client_b
    redact_confidential_addresses(user, [a, b])
    rows = []
    for name, label in COMPARED:
        left = a.get_sex_display() if name == "sex" else getattr(a, name)
        right = b.get_sex_display() if name == "sex" else getattr(b, name)
        rows.append(
            {
                "label": label,
                "a": left or "",
                "b": right or "",
                "differs": (left or "") != (right or ""),
            }
        )
    return {"candidate": candidate, "a": a, "b": b, "rows": rows}


@login_required
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    _reviewer_org_ids(request.user)
    page = paginate(request, merging.duplicate_queue(request.user), size=10)
    pairs = [_side_by_side(c, request.user) for c in page.items]
    visible = Client.objects.visible_to(request.user).values("pk")
    merges = (
        ClientMerge.objects.filter(survivor__in=visible)
        .select_related("survivor", "merged", "performed_by", "undone_by")
        .order_by("-performed_at")[:25]
    )
    context = {"page": page, "pairs": pairs, "merges": list(merges)}
    return render(request, "record/duplicates.html", context)


def _candidate(user: Any, candidate_id: int) -> DuplicateCandidate:
    found = merging.duplicate_queue(user).filter(pk=candidate_id).first()
    if found is None:
        raise Http404("No such pair in your queue.")
    return found


@login_required
@require_POST
def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge the pair into the survivor chosen on the form."""
    candidate = _candidate(request.user, pk)
    survivor_id = request.POST.get("survivor", "")
    ids = {str(candidate.client_a_id), str(candidate.client_b_id)}
    if survivor_id not in ids:
        messages.error(request, "Choose which record to keep.")
        return redirect("web:duplicate_queue")
    (merged_id,) = ids - {survivor_id}
    survivor = load_client(request.user, survivor_id, audit=False)
    merged = load_client(request.user, merged_id, audit=False)
    try:
        merging.client_merge(
            actor=request.user, survivor=survivor, merged=merged, candidate=candidate
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except domain.PermissionDenied as denied:
        raise PermissionDenied(str(denied)) from None
    else:
        messages.success(
            request, f"Merged record {merged.pk} into {survivor.display_name} ({survivor.pk})."
        )
    return redirect("web:duplicate_queue")


@login_required
@require_POST
def duplicate_not_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request.user, pk)
    try:
        merging.duplicate_mark_not_duplicate(actor=request.user, candidate=candidate)
    except domain.PermissionDenied as denied:
        raise PermissionDenied(str(denied)) from None
    messages.success(request, "Marked as two different people; the pair will not come back.")
    return redirect("web:duplicate_queue")


@login_required
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge = ClientMerge.objects.filter(pk=pk).select_related("survivor", "merged").first()
    if merge is None:
        raise Http404("No such merge.")
    load_client(request.user, merge.survivor_id, audit=False)
    try:
        restored = merging.client_unmerge(actor=request.user, merge=merge)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except domain.PermissionDenied as denied:
        raise PermissionDenied(str(denied)) from None
    else:
        messages.success(request, f"Undid the merge: {restored.display_name} is back.")
    return redirect("web:duplicate_queue")


@login_required
@require_POST
def duplicate_run(request: HttpRequest) -> HttpResponse:
    """Run the matcher over the clients the reviewer may see and review; queue what it finds.

    The same service as ``casework match --reviewer``: only clients visible to the reviewer,
    in organizations where they review duplicates, are read, matched and counted.
    """
    clients = reviewable_clients(request.user)
    found = added = 0
    for org_id in sorted(_reviewer_org_ids(request.user)):
        run = match_run(
            actor=request.user,
            organization_id=org_id,
            clients=clients,
            channel="duplicates page",
        )
        found += len(run.pairs)
        added += run.added
    messages.success(
        request,
        f"The matcher found {found} likely duplicate pair(s) among the clients you may see; "
        f"{added} new in the queue.",
    )
    return redirect("web:duplicate_queue")

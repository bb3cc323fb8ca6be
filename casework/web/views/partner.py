"""The partner inbox: referrals sent to the user's organization (or, for a referral between
programs, to their program), with only the client information a consent releases.

A referral not sent to the caller answers 404, like one that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.referrals.models import Side, Status
from casework.referrals.permissions import received_by
from casework.referrals.sharing import shared_client
from casework.web.paging import paginate
from casework.web.views.referrals import detail_context, load_referral

INBOX_PAGE = 25
FILTERS = {
    "new": [Status.REQUESTED],
    "open": [Status.ACCEPTED, Status.IN_PROGRESS, Status.ON_HOLD],
    "closed": [Status.COMPLETED, Status.FAILED, Status.REJECTED, Status.CANCELLED],
}


@login_required
def partner_inbox(request: HttpRequest) -> HttpResponse:
    """Referrals to answer: new first. Lists no client names (those need the consent check)."""
    show = request.GET.get("show", "new")
    statuses = FILTERS.get(show, FILTERS["new"])
    inbox = (
        received_by(request.user)
        .filter(status__in=statuses)
        .select_related("service", "referring_program", "recipient_organization")
        .only(
            "pk",
            "status",
            "urgency",
            "need_category",
            "due_date",
            "requested_at",
            "service__name",
            "referring_program__name",
            "recipient_organization__name",
            "recipient_program_id",
            "created_at",
        )
        .order_by("-requested_at", "-pk")
    )
    page = paginate(request, inbox, size=INBOX_PAGE)
    record(
        actor=request.user,
        action=AuditAction.LIST,
        target_type="referral_inbox",
        details={"show": show, "count": len(page.items)},
    )
    context = {"page": page, "show": show, "filters": list(FILTERS), "here": "partner_inbox"}
    return render(request, "directory/partner_inbox.html", context)


@login_required
def partner_referral(request: HttpRequest, pk: int) -> HttpResponse:
    referral = load_referral(request.user, pk, side=Side.RECEIVER)
    context = detail_context(request, referral) | {
        "shared": shared_client(referral, reader=request.user)
    }
    return render(request, "directory/partner_referral.html", context)

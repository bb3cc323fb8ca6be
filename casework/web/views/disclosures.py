"""The accounting of disclosures: the client page list and the plain-language print.

Staff of the client's own programs and its organization's admins and auditors see it; a
consent recipient does not (the same 404 as a missing client). Both reads are audited by
the client gate. Rows come from ``clients.disclosure.disclosures_of`` and cannot be edited.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casework.accounts.models import Organization
from casework.clients.disclosure import disclosures_of
from casework.clients.models import ConsentCategory
from casework.clients.permissions import require_whole_record
from casework.web.gates import load_client

BASIS_WORDS = {
    "consent": "Your written consent",
    "break_glass": "Emergency access by staff (no consent needed in an emergency)",
}


def _rows(client_id: int) -> list[dict[str, object]]:
    labels = dict(ConsentCategory.choices)
    rows = disclosures_of(client_id)
    org_ids = {o for row in rows for o in row.recipient_organization_ids}
    orgs = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    return [
        {
            "row": row,
            "organizations": ", ".join(orgs.get(o, "") for o in row.recipient_organization_ids),
            "categories": ", ".join(labels.get(c, c) for c in row.categories),
            "basis": BASIS_WORDS.get(row.basis, row.basis),
        }
        for row in rows
    ]


@login_required
def disclosure_list(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk)
    require_whole_record(client)
    context = {"client": client, "rows": _rows(client.pk)}
    return render(request, "record/disclosures.html", context)


@login_required
def disclosure_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The same list in plain language, laid out to print and hand to the client."""
    client = load_client(request.user, pk)
    require_whole_record(client)
    context = {"client": client, "rows": _rows(client.pk)}
    return render(request, "record/disclosures_print.html", context)

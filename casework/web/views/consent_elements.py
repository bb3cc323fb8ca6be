"""Organization admins choose the elements a consent must hold, per category (issue 9).

Casework ships shared sets (the federal Part 2 one, and inactive state examples); an admin's
edit saves the organization's own set under the same key, which replaces the shared one for
that organization only. The federal Part 2 floor applies whatever a set says.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from casework.accounts.access import access_for
from casework.accounts.models import Organization
from casework.clients import consent_rules
from casework.web.forms import add_service_errors
from casework.web.forms_consent import ConsentElementSetForm


def _admin_organization(request: HttpRequest) -> tuple[Organization, list[Organization]]:
    """The organization chosen (``?organization=``) among those the caller administers."""
    admin_orgs = access_for(request.user).admin_org_ids
    if not admin_orgs:
        raise PermissionDenied("Only organization admins can change consent rules.")
    organizations = list(Organization.objects.filter(pk__in=admin_orgs).order_by("name"))
    chosen = request.POST.get("organization") or request.GET.get("organization")
    org = next((o for o in organizations if str(o.pk) == chosen), organizations[0])
    return org, organizations


def _rows(org: Organization) -> list[dict[str, Any]]:
    labels = consent_rules.ELEMENT_LABELS
    return [
        {
            "set": row,
            "own": row.organization_id == org.pk,
            "elements": [labels.get(name, name) for name in row.elements],
        }
        for row in consent_rules.element_sets_for_organization(org.pk)
    ]


@login_required
def consent_elements(request: HttpRequest) -> HttpResponse:
    """The element sets in force for the admin's organization, with a link to edit each."""
    org, organizations = _admin_organization(request)
    context = {"organization": org, "organizations": organizations, "rows": _rows(org)}
    return render(request, "web/account/consent_elements.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consent_element_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Edit one set: the save becomes the organization's own set under the same key."""
    org, organizations = _admin_organization(request)
    current = consent_rules.element_set_for_organization(org.pk, key)
    if current is None:
        raise Http404("No such set of consent elements.")
    initial = {
        "name": current.name,
        "category": current.category,
        "state": current.state,
        "elements": current.elements,
        "source": current.source,
        "is_active": current.is_active,
    }
    form = ConsentElementSetForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                consent_rules.consent_element_set_save(
                    actor=request.user, organization=org, key=key, data=form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the consent elements for {org.name}.")
                return redirect(f"{reverse('web:consent_elements')}?organization={org.pk}")
    context = {
        "form": form,
        "organization": org,
        "organizations": organizations,
        "current": current,
        "shared": current.organization_id is None,
    }
    return render(request, "web/account/consent_element_edit.html", context, status=status)

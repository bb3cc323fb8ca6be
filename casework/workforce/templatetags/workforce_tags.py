"""``{% load workforce_tags %}{% supervisor_credential_alerts %}``: for the dashboard.

Lists, for a supervisor or org admin, the staff who lack a credential their program
requires (expired or never held, with no exception in force) and the open clients whose
primary case manager they are, so the supervisor can reassign them.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from casework.clients.services import client_list_record
from casework.workforce import queries

register = template.Library()


@register.inclusion_tag("workforce/_supervisor_alerts.html", takes_context=True)
def supervisor_credential_alerts(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"gaps": []}
    gaps = queries.gaps(queries.memberships_in_scope(user), today=timezone.localdate())
    clients = [e.client for gap in gaps for e in gap.enrollments]
    if clients:  # client names are shown: the read is audited like any client list
        client_list_record(actor=user, clients=clients, query={"credential_alerts": "dashboard"})
    return {"gaps": gaps, "request": request}


SOURCE_STRENGTH = {
    "READ": "primary source",
    "READ-2": "secondary source",
    "UNVERIFIED": "not confirmed",
}


@register.filter
def source_strength(marker: str) -> str:
    """A rule's marker in words users understand: never the working-note codes."""
    return SOURCE_STRENGTH.get(marker, "source not stated")

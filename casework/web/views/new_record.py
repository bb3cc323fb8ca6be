"""One way in, on the web: the client-creating forms search first (issue 10).

"Add a client" and the intake wizard's new-record step create through
``client_create_checked``. When the search finds a likely existing record, the form comes
back with the matches ("Use this client" as the main action) and a reason field: the
new record is created only when the worker says why this is a different person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.http import HttpRequest

from casework.clients.intake_check import Match, PossibleDuplicates
from casework.clients.models import Client

REASON_FIELD = "new_record_reason"
SHOWN_FLAG = "matches_shown"


def add_reason_field(form: forms.Form) -> None:
    """Give a client form the optional "why this is a new person" field."""
    form.fields[REASON_FIELD] = forms.CharField(
        label="Why this is a new person",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only when none of the records above is this person. Recorded with your "
        "name in the audit trail.",
    )


def create_or_matches(
    request: HttpRequest, form: forms.Form, create: Callable[[str], Client]
) -> Client | list[Match]:
    """``create(reason)``, or the likely matches that stopped it.

    When the worker had already been shown matches and still gave no reason, the reason
    field gets the error that says what to do.
    """
    reason = str(form.cleaned_data.get(REASON_FIELD) or "")
    try:
        return create(reason)
    except PossibleDuplicates as refused:
        if request.POST.get(SHOWN_FLAG):
            form.add_error(
                REASON_FIELD, "Say why this is a new person, or use one of the records above."
            )
        return refused.matches


def shared_clients(clients: Iterable[Client]) -> list[Client]:
    """The clients of a list or search reached through a consent, whose notice the page
    shows (``web/includes/disclosure_notices.html``): the list's gate set it when the list
    was audited (``clients.permissions.mark_list_access``)."""
    return [c for c in clients if getattr(c, "disclosure_notice", None)]


def matches_context(matches: list[Match]) -> dict[str, Any]:
    return {
        "matches": matches,
        "shown_flag": SHOWN_FLAG,
        "shared": shared_clients(m.client for m in matches),
    }

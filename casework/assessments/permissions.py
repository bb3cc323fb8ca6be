"""Gates for assessments and risk flags: through the client's gate, then the consent
categories. Missing and hidden are the same NotFound.

A consent recipient (a partner) reads an assessment only when the consents in force cover
every category of its instrument (mental health, substance use...); each such read carries
the disclosure notice (set by the client gate) and is accounted for as a disclosure. Risk
flags and plans stay with the client's own staff.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from casework.assessments.library import cached_instruments
from casework.assessments.models import Assessment, Instrument, RiskFlag
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.disclosure import disclosure_record
from casework.clients.models import Client
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound

STAFF_BASES = frozenset({"program", "organization", "break_glass"})
READ_BASES = STAFF_BASES | {"consent"}


def may_read(client: Client, categories: Iterable[str]) -> bool:
    """Whether the reader who loaded ``client`` may see data of these consent categories."""
    if getattr(client, "access_basis", None) not in READ_BASES:
        return False
    return set(categories) <= set(client.access_categories)


def _staff_only(client: Client, categories: Iterable[str]) -> bool:
    return getattr(client, "access_basis", None) in STAFF_BASES and may_read(client, categories)


def readable_assessments(user: Any, client: Client, *, code: str = "") -> list[Assessment]:
    """The client's assessments the gated reader may see, newest first; the read is audited
    with the ids shown (and accounted for as a disclosure to a consent recipient)."""
    if getattr(client, "access_basis", None) not in READ_BASES:
        return []
    rows = (
        Assessment.objects.filter(client_id=client.pk)
        .select_related("instrument", "administered_by")
        .defer("instrument__spec")
    )
    if code:
        rows = rows.filter(instrument_code=code)
    found = [a for a in rows if may_read(client, a.categories)]
    # The few instrument versions behind them come with their parsed definitions from the
    # process's cache, not once per row with their whole definition text.
    instruments = cached_instruments({(a.instrument_id, a.instrument.created_at) for a in found})
    for assessment in found:
        assessment.instrument = instruments[assessment.instrument_id]
    event = record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="assessment_list",
        target_id=client.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        details={"assessment_ids": [a.pk for a in found][:200]},
    )
    if found:
        shown = sorted({c for a in found for c in a.categories})
        disclosure_record(
            actor=user, client=client, what="assessments", audit_event=event, categories=shown
        )
    return found


def readable_flags(client: Client, *, open_only: bool = True) -> list[RiskFlag]:
    if getattr(client, "access_basis", None) not in STAFF_BASES:
        return []
    rows = RiskFlag.objects.filter(client_id=client.pk).select_related("raised_by", "resolved_by")
    if open_only:
        rows = rows.open()
    return [f for f in rows if _staff_only(client, [f.category])]


def _pk(value: object, what: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise NotFound(what) from None


def access_assessment(user: Any, assessment_id: object) -> Assessment:
    """One assessment the user may read (audited as a view); NotFound otherwise."""
    pk = _pk(assessment_id, "assessment")
    assessment = Assessment.objects.select_related("instrument").filter(pk=pk).first()
    if assessment is None:
        raise NotFound("assessment")
    client = access_client(user, assessment.client_id, audit=False)
    if not may_read(client, assessment.categories):
        raise NotFound("assessment")
    assessment.client = client
    event = record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="assessment",
        target_id=pk,
        client_id=client.pk,
        organization_id=client.organization_id,
    )
    disclosure_record(
        actor=user,
        client=client,
        what="assessment",
        audit_event=event,
        categories=assessment.categories,
    )
    return assessment


def access_flag(user: Any, flag_id: object, *, write: bool = False) -> RiskFlag:
    pk = _pk(flag_id, "risk flag")
    flag = RiskFlag.objects.filter(pk=pk).first()
    if flag is None:
        raise NotFound("risk flag")
    client = access_client(user, flag.client_id, audit=False)
    if not _staff_only(client, [flag.category]):
        raise NotFound("risk flag")
    if write:
        access_client(user, flag.client_id, write=True, audit=False)
    flag.client = client
    return flag


def access_instrument(user: Any, code: str, organization_id: int | None) -> Instrument:
    """The instrument in force for the user's organization (definitions are not client data)."""
    from casework.assessments.library import current_instrument

    instrument = current_instrument(code, organization_id)
    if instrument is None:
        raise NotFound("instrument")
    return instrument


def mark_open_risk(user: Any, clients: list[Client]) -> None:
    """Set ``open_risk`` (the highest open flag severity, or "") on listed clients whose
    own staff the user is; consent recipients see no flags. One query for the page."""
    from django.db.models import Q

    from casework.accounts.access import access_for
    from casework.assessments.queries import open_flags_for

    access = access_for(user)
    ids = [c.pk for c in clients]
    staff = set(
        Client.objects.filter(pk__in=ids)
        .filter(
            Q(organization_id__in=access.org_wide_org_ids)
            | Q(enrollments__program_id__in=access.program_ids)
        )
        .values_list("pk", flat=True)
    )
    worst: dict[int, str] = {}
    for flag in open_flags_for(staff):
        worst.setdefault(flag.client_id, flag.severity)
    for client in clients:
        client.open_risk = worst.get(client.pk, "")  # type: ignore[attr-defined]  # for the list template

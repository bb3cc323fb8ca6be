"""Gates for assessments and risk flags: through the client's gate, then the consent
categories. Missing and hidden are the same NotFound.

Consent recipients (partners) see no assessments or flags yet: the consent notices that
must accompany a disclosure are not built (issue 13 notes); only the client's own staff
(program, organization, emergency access) read them, and only in categories they hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from casework.assessments.models import Assessment, Instrument, RiskFlag
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.models import Client
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound

STAFF_BASES = frozenset({"program", "organization", "break_glass"})


def may_read(client: Client, categories: Iterable[str]) -> bool:
    """Whether the reader who loaded ``client`` may see data of these consent categories."""
    if getattr(client, "access_basis", None) not in STAFF_BASES:
        return False
    return set(categories) <= set(client.access_categories)


def readable_assessments(user: Any, client: Client, *, code: str = "") -> list[Assessment]:
    """The client's assessments the gated reader may see, newest first; the read is audited
    with the ids shown."""
    if getattr(client, "access_basis", None) not in STAFF_BASES:
        return []
    rows = Assessment.objects.filter(client_id=client.pk).select_related(
        "instrument", "administered_by"
    )
    if code:
        rows = rows.filter(instrument_code=code)
    found = [a for a in rows if may_read(client, a.categories)]
    record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="assessment_list",
        target_id=client.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        details={"assessment_ids": [a.pk for a in found][:200]},
    )
    return found


def readable_flags(client: Client, *, open_only: bool = True) -> list[RiskFlag]:
    if getattr(client, "access_basis", None) not in STAFF_BASES:
        return []
    rows = RiskFlag.objects.filter(client_id=client.pk).select_related("raised_by", "resolved_by")
    if open_only:
        rows = rows.open()
    return [f for f in rows if may_read(client, [f.category])]


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
    record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="assessment",
        target_id=pk,
        client_id=client.pk,
        organization_id=client.organization_id,
    )
    return assessment


def access_flag(user: Any, flag_id: object, *, write: bool = False) -> RiskFlag:
    pk = _pk(flag_id, "risk flag")
    flag = RiskFlag.objects.filter(pk=pk).first()
    if flag is None:
        raise NotFound("risk flag")
    client = access_client(user, flag.client_id, audit=False)
    if not may_read(client, [flag.category]):
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

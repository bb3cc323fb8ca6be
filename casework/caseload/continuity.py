"""The continuity-of-care summary: demographics, team, plans in force, recent assessment
scores and signed notes in a date range, for the client's own staff, optionally prepared
for a care-team member whose consent allows it. The page and the API both build it here,
and each build is audited as an export naming what it holds."""

from __future__ import annotations

import datetime
from typing import Any

from casework.accounts.access import access_for
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.caseload.careteam import check_may_share
from casework.caseload.models import CareTeamMember
from casework.casenotes.permissions import notes_visible_on
from casework.clients.models import Client, Enrollment

NOTES_SHOWN = 200


def recipient_for(client_id: int, member_id: int | None) -> tuple[Any, Any]:
    """The open care-team member of this client with ``member_id`` and the consent that
    lets them receive the summary; ``(None, None)`` without one. An outsider no consent
    covers raises ``PermissionDenied`` (``careteam.check_may_share``)."""
    if member_id is None:
        return None, None
    member = CareTeamMember.objects.filter(
        pk=member_id, client_id=client_id, ended_at__isnull=True
    ).first()
    if member is None:
        return None, None
    return member, check_may_share(member)


SCORES_SHOWN = 10


def continuity_plans(enrollments: Any, shared: set[str] | None) -> list[dict[str, Any]]:
    """The service plan in force of each of these enrollments: its newest signed version
    (else the newest draft, marked so), with goals, objectives and interventions. For an
    outside recipient (``shared``: the categories their consent releases) only when the
    consent releases general information, as plans carry no narrower category."""
    from casework.plans.models import PlanVersion
    from casework.plans.sections import TITLES

    if shared is not None and "general" not in shared:
        return []
    rows = []
    for enrollment in enrollments:
        versions = PlanVersion.objects.filter(plan__enrollment_id=enrollment.pk).order_by("-number")
        version = versions.filter(signed_at__isnull=False).first() or versions.first()
        if version is None:
            continue
        goals = version.goals.prefetch_related("objectives", "interventions").order_by("id")
        rows.append(
            {
                "program": enrollment.program,
                "version": version,
                "signed": version.signed_at is not None,
                "goals": list(goals),
                "sections": [TITLES.get(k, k) for k in sorted(version.sections or {})],
            }
        )
    return rows


def continuity_scores(client_id: int, shared: set[str] | None) -> list[Any]:
    """The client's newest assessment scores; for an outside recipient only those whose
    categories their consent releases."""
    from casework.assessments.models import Assessment

    rows = (
        Assessment.objects.filter(client_id=client_id)
        .select_related("instrument")
        .order_by("-administered_on", "-id")
    )
    found = []
    for assessment in rows[: SCORES_SHOWN * 5]:
        if shared is not None and not set(assessment.categories or ["general"]) <= shared:
            continue
        found.append(assessment)
        if len(found) == SCORES_SHOWN:
            break
    return found


def continuity_summary(
    *,
    actor: Any,
    client: Client,
    start: datetime.date,
    end: datetime.date,
    recipient: Any = None,
    consent: Any = None,
) -> dict[str, Any]:
    """Everything the summary shows, for ``client`` loaded through the gate by staff who
    read the whole record; recorded as one export."""
    notes = list(
        notes_visible_on(client)
        .signed()
        .filter(service_at__date__gte=start, service_at__date__lte=end)
        .select_related("author")
        .order_by("service_at")[:NOTES_SHOWN]
    )
    access = access_for(actor)
    team = Enrollment.objects.filter(client_id=client.pk).select_related(
        "program", "primary_case_manager"
    )
    if not access.org_wide_org_ids:
        team = team.filter(program_id__in=access.program_ids)
    shared = set(consent.categories or []) if consent else None
    plans = continuity_plans(team, shared)
    scores = continuity_scores(client.pk, shared)
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        target_type="continuity_summary",
        client_id=client.pk,
        organization_id=client.organization_id,
        details={
            "note_ids": [n.pk for n in notes],
            "plan_versions": [p["version"].pk for p in plans],
            "assessment_ids": [a.pk for a in scores],
            "start": start,
            "end": end,
            "for_member": recipient.pk if recipient else None,
            "consent": consent.pk if consent else None,
        },
    )
    return {
        "client": client,
        "notes": notes,
        "team": list(team),
        "plans": plans,
        "scores": scores,
        "start": start,
        "end": end,
        "recipient": recipient,
        "consent": consent,
    }

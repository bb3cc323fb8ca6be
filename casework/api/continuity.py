"""The continuity-of-care summary over the API: the same content as the printable page
(``caseload.continuity``), for the client's own staff; audited as an export."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from casework.api.types import Id, InputSchema
from casework.caseload import continuity
from casework.clients.permissions import access_client, require_whole_record

router = Router(tags=["case notes"])


class SummaryFilters(InputSchema):
    start: datetime.date | None = None
    end: datetime.date | None = None
    for_member: Id | None = None


class SummaryGoalOut(Schema):
    text: str
    measurable: str
    status: str
    target_date: datetime.date | None
    progress: str
    objectives: list[str]
    interventions: list[str]


class SummaryPlanOut(Schema):
    program: str
    plan_id: int
    version: int
    agreed_on: datetime.datetime | None
    review_due: datetime.date | None
    goals: list[SummaryGoalOut]
    sections: list[str]


class ScoreOut(Schema):
    assessment_id: int
    instrument: str
    administered_on: datetime.date
    total: float | None
    band: str


class SummaryNoteOut(Schema):
    id: int
    note_type: str
    service_at: datetime.datetime
    contact_method: str
    duration_minutes: int
    sections: dict[str, str]
    signature: str


class TeamOut(Schema):
    program: str
    status: str
    case_manager: str


class SummaryOut(Schema):
    client_id: int
    name: str
    date_of_birth: datetime.date | None
    start: datetime.date
    end: datetime.date
    prepared_for: str | None
    team: list[TeamOut]
    plans: list[SummaryPlanOut]
    scores: list[ScoreOut]
    notes: list[SummaryNoteOut]


@router.get(
    "/clients/{client_id}/continuity-summary",
    response=SummaryOut,
    operation_id="continuity_summary",
    summary="A client's continuity-of-care summary (audited as an export)",
)
def summary_get(
    request: HttpRequest, client_id: Id, filters: Query[SummaryFilters]
) -> dict[str, Any]:
    """Demographics, team, the plans in force, recent scores and signed notes from
    ``start`` (default 90 days ago) to ``end`` (default today); with ``for_member``, only
    what that care-team member's consent releases."""
    client = access_client(request.user, client_id, audit=False)
    require_whole_record(client)
    today = timezone.localdate()
    start = filters.start or today - datetime.timedelta(days=90)
    end = filters.end or today
    if end < start:
        raise ValidationError({"end": "The end comes before the start."})
    recipient, consent = continuity.recipient_for(client.pk, filters.for_member)
    data = continuity.continuity_summary(
        actor=request.user,
        client=client,
        start=start,
        end=end,
        recipient=recipient,
        consent=consent,
    )
    return {
        "client_id": client.pk,
        "name": f"{client.given_name} {client.family_name}",
        "date_of_birth": client.date_of_birth,
        "start": start,
        "end": end,
        "prepared_for": str(recipient) if recipient else None,
        "team": [
            {
                "program": e.program.name,
                "status": e.get_status_display(),
                "case_manager": e.primary_case_manager.full_name if e.primary_case_manager else "",
            }
            for e in data["team"]
        ],
        "plans": [_plan(p) for p in data["plans"]],
        "scores": [
            {
                "assessment_id": a.pk,
                "instrument": a.instrument.short_name or a.instrument_code,
                "administered_on": a.administered_on,
                "total": a.total,
                "band": a.band_label,
            }
            for a in data["scores"]
        ],
        "notes": [
            {
                "id": n.pk,
                "note_type": n.get_note_type_display(),
                "service_at": n.service_at,
                "contact_method": n.get_contact_method_display(),
                "duration_minutes": n.duration_minutes,
                "sections": n.sections,
                "signature": n.signature,
            }
            for n in data["notes"]
        ],
    }


def _plan(row: dict[str, Any]) -> dict[str, Any]:
    version = row["version"]
    return {
        "program": row["program"].name,
        "plan_id": version.plan_id,
        "version": version.number,
        "agreed_on": version.signed_at,
        "review_due": version.review_due,
        "sections": row["sections"],
        "goals": [
            {
                "text": g.client_words,
                "measurable": g.measurable,
                "status": g.get_status_display(),
                "target_date": g.target_date,
                "progress": g.get_progress_display() if g.progress else "",
                "objectives": [o.text for o in g.objectives.all()],
                "interventions": [i.what for i in g.interventions.all()],
            }
            for g in row["goals"]
        ],
    }

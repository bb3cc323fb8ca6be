"""A referral as a FHIR R4 ServiceRequest + Task pair, and a partner's Task status update.

Profiles: HL7 / Gravity Project SDOH Clinical Care IG (STU 2.3, 2024),
SDOHCC-ServiceRequest and SDOHCC-TaskForReferralManagement: the Task has ``intent=order``,
``code=fulfill``, ``focus`` the ServiceRequest, ``for`` the patient, ``authoredOn``,
``requester`` and (must-support) ``owner``; its status is one of the referral Task value
set (TaskStatus without ``ready`` and ``received``); ``statusReason.text`` travels with
rejected, cancelled, on-hold and failed. ``fhir.resources`` (R4B models) checks structure
only, so the value set and the transitions are checked here (the library does
not check codes).

The patient is given by reference only (``Patient/<id>``): no name leaves in this resource.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task
from pydantic import ValidationError as PydanticError

from casework.referrals.models import Referral, Status
from casework.referrals.services import Outcome, referral_transition

SDOHCC_CATEGORY = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
)
TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code"
REFERRAL_TASK_STATUSES = frozenset(Status.values)
# ServiceRequest.status (RequestStatus) for each referral Task status.
REQUEST_STATUS = {
    Status.DRAFT: "draft",
    Status.REQUESTED: "active",
    Status.ACCEPTED: "active",
    Status.IN_PROGRESS: "active",
    Status.ON_HOLD: "on-hold",
    Status.COMPLETED: "completed",
    Status.FAILED: "revoked",
    Status.REJECTED: "revoked",
    Status.CANCELLED: "revoked",
    Status.ENTERED_IN_ERROR: "entered-in-error",
}


def _instant(value: Any) -> str | None:
    return value.isoformat() if value else None


def service_request(referral: Referral) -> dict[str, Any]:
    request: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": f"referral-{referral.pk}",
        "status": REQUEST_STATUS[Status(referral.status)],
        "intent": "order",
        "priority": referral.urgency,
        "subject": {"reference": f"Patient/{referral.client_id}"},
        "authoredOn": _instant(referral.created_at),
        "requester": {"display": str(referral.referring_program)},
        "performer": [{"display": str(referral.recipient_organization)}],
        "code": {"text": referral.service.name if referral.service else referral.recipient_label},
    }
    if referral.need_category:
        request["category"] = [
            {"coding": [{"system": SDOHCC_CATEGORY, "code": referral.need_category}]}
        ]
    if referral.due_date:
        request["occurrencePeriod"] = {"end": referral.due_date.isoformat()}
    ServiceRequest.model_validate(request)
    return request


def task(referral: Referral) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": f"referral-{referral.pk}-task",
        "status": referral.status,
        "intent": "order",
        "priority": referral.urgency,
        "code": {"coding": [{"system": TASK_CODE, "code": "fulfill"}]},
        "focus": {"reference": f"ServiceRequest/referral-{referral.pk}"},
        "for": {"reference": f"Patient/{referral.client_id}"},
        "authoredOn": _instant(referral.created_at),
        "lastModified": _instant(referral.updated_at),
        "requester": {"display": str(referral.organization)},
        "owner": {"display": str(referral.recipient_organization)},
    }
    if referral.status_reason:
        resource["statusReason"] = {"text": referral.status_reason}
    if referral.status in (Status.COMPLETED, Status.FAILED):
        resource["output"] = _outputs(referral)
    Task.model_validate(resource)
    return resource


def _outputs(referral: Referral) -> list[dict[str, Any]]:
    outputs = []
    for name, value in (("service-delivered", referral.service_delivered),
                        ("enrolled", referral.enrolled)):  # fmt: skip
        if value is not None:
            outputs.append({"type": {"text": name}, "valueBoolean": value})
    if referral.outcome_note:
        outputs.append({"type": {"text": "outcome-note"}, "valueString": referral.outcome_note})
    return outputs


def referral_bundle(referral: Referral) -> dict[str, Any]:
    """The pair as a FHIR ``collection`` Bundle: the ServiceRequest, then its Task."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": f"urn:casework:referral:{referral.pk}",
                "resource": service_request(referral),
            },
            {"fullUrl": f"urn:casework:referral:{referral.pk}:task", "resource": task(referral)},
        ],
    }


def _outcome(parsed: Task) -> Outcome | None:
    if not parsed.output:
        return None
    values: dict[str, Any] = {}
    for output in parsed.output:
        name = (output.type.text or "") if output.type else ""
        values[name] = (
            output.valueBoolean if output.valueBoolean is not None else output.valueString
        )
    return Outcome(
        service_delivered=values.get("service-delivered"),
        enrolled=values.get("enrolled"),
        note=str(values.get("outcome-note") or ""),
    )


def task_update(*, actor: Any, referral: Referral, payload: dict[str, Any]) -> Referral:
    """Apply a partner system's Task (its ``status``, ``statusReason`` and outputs).

    The Task must parse as FHIR R4 (R4B models), focus this referral, and carry a status of
    the referral Task value set that the sender's side may set from the current status.
    """
    try:
        parsed = Task.model_validate(payload)
    except PydanticError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ValidationError({"task": f"Not a valid FHIR Task: {where} {first['msg']}"}) from None
    if parsed.status not in REFERRAL_TASK_STATUSES:
        raise ValidationError(
            {"status": f"{parsed.status!r} is not in the referral Task value set."}
        )
    focus = parsed.focus.reference if parsed.focus else None
    if focus not in (None, f"ServiceRequest/referral-{referral.pk}"):
        raise ValidationError({"focus": "The Task focuses another referral."})
    if parsed.status == referral.status:
        return referral
    reason = parsed.statusReason.text if parsed.statusReason else ""
    return referral_transition(
        actor=actor,
        referral=referral,
        to=parsed.status,
        reason=reason or "",
        outcome=_outcome(parsed),
        source="fhir",
    )

"""A program's load weights (the supervisor view's acuity weighting) over the API: read and
replace, for the program's supervisors and admins (``caseload.workload``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from casework.api.types import Id, InputSchema
from casework.caseload import workload
from casework.caseload.models import ProgramCaseloadSettings
from casework.core.exceptions import NotFound

router = Router(tags=["worklist, tasks, appointments, crises"])


class WeightsOut(Schema):
    program_id: int
    client_weight: Decimal
    crisis_weights: dict[int, Decimal] = Field(description="Severity 1 (low) to 4 (critical).")
    flag_weights: dict[str, Decimal] = Field(description="low, moderate, high.")
    changed_at: datetime | None
    changed_by_id: int | None


class WeightsIn(InputSchema):
    client_weight: Decimal = Field(
        ..., ge=Decimal("0.1"), le=10, description="From 0.1 to 10, two decimal places."
    )
    crisis_weights: dict[int, Decimal] = Field(
        ..., description="Extra load per open crisis by severity 1-4 (0 to 10); missing is 0."
    )
    flag_weights: dict[str, Decimal] = Field(
        ..., description="Extra load per open risk flag by severity (0 to 10); missing is 0."
    )


def _program(request: HttpRequest, program_id: int) -> Any:
    program = workload.weights_editable_programs(request.user).filter(pk=program_id).first()
    if program is None:
        raise NotFound("program")
    return program


def _out(program: Any) -> dict[str, Any]:
    row = ProgramCaseloadSettings.objects.filter(program=program).first()
    weights = workload.load_weights(row)
    return {
        "program_id": program.pk,
        "client_weight": weights.client,
        "crisis_weights": weights.crisis,
        "flag_weights": weights.flag,
        "changed_at": row.weights_changed_at if row else None,
        "changed_by_id": row.weights_changed_by_id if row else None,
    }


@router.get(
    "/programs/{program_id}/caseload-weights",
    response=WeightsOut,
    operation_id="caseload_weights_get",
    summary="A program's load weights (its supervisors and admins)",
)
def weights_get(request: HttpRequest, program_id: Id) -> dict[str, Any]:
    return _out(_program(request, program_id))


@router.put(
    "/programs/{program_id}/caseload-weights",
    response=WeightsOut,
    operation_id="caseload_weights_put",
    summary="Replace a program's load weights (audited)",
)
def weights_put(request: HttpRequest, program_id: Id, payload: WeightsIn) -> dict[str, Any]:
    program = _program(request, program_id)
    unknown = set(payload.flag_weights) - set(workload.DEFAULT_FLAG_WEIGHTS)
    unknown_crisis = set(payload.crisis_weights) - set(workload.DEFAULT_SEVERITY_WEIGHTS)
    if unknown or unknown_crisis:
        raise ValidationError(
            {"flag_weights" if unknown else "crisis_weights": "Use only the listed severities."}
        )
    try:
        workload.load_weights_save(
            actor=request.user,
            program=program,
            client_weight=payload.client_weight,
            crisis=dict(payload.crisis_weights),
            flag=dict(payload.flag_weights),
        )
    except ValidationError as error:
        # The service names the form's fields (crisis_3, flag_high); say which entry here.
        raise ValidationError(
            {
                _api_field(name): [f"{_entry(name)}{m}" for m in messages]
                for name, messages in error.message_dict.items()
            }
        ) from None
    return _out(program)


def _api_field(name: str) -> str:
    if name.startswith("crisis_"):
        return "crisis_weights"
    if name.startswith("flag_"):
        return "flag_weights"
    return name


def _entry(name: str) -> str:
    kind, _, level = name.partition("_")
    return f"Severity {level}: " if kind in ("crisis", "flag") and level else ""

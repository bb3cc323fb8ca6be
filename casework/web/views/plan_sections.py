"""Form fields for a plan section, made from its pydantic model (``plans.sections``).

Simple fields become inputs; a list becomes a text box with one entry per line, and a list
of records one line per record with its parts separated by ``|`` (the hint says which).
"""

from __future__ import annotations

import datetime
import types
import typing
from typing import Any

from pydantic import BaseModel

from casework.plans.sections import SECTIONS

LABELS = {
    "warning_signs": "1. Warning signs that a crisis may be starting",
    "coping": "2. Things I can do on my own to take my mind off my problems",
    "distraction_people": "3. People who help me take my mind off things",
    "distraction_places": "3. Places and social settings that help",
    "help_people": "4. People I can ask for help",
    "professionals": "5. Professionals and services I can contact in a crisis",
    "crisis_line": "5. Crisis line",
    "safe_environment": "6. Making my surroundings safer",
    "reasons_for_living": "What is most important to me and worth living for",
    "post_acute": "Post-acute services, with the providers offered and the patient's choice",
    "follow_up_date": "Follow-up appointment (within 7 days of discharge)",
    "info_sent_to": "Information sent to (receiving provider)",
    "discharged_on": "Discharged on (the actual date)",
    "readmitted_on": "Readmitted on (hospital readmission after this discharge)",
    "readmission_planned": "The readmission was planned (elective): not counted as a readmission",
    "lace_assessment_id": "LACE assessment shown (id)",
    "hospital_assessment_id": "HOSPITAL assessment shown (id)",
    "eligibility_date": "Eligibility determined on",
    "extension_to": "Agreed extension to (a specific date)",
    "informed_choice": "The client made an informed choice of goal, services and providers",
}


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(inner[0])
    return origin, list(typing.get_args(annotation))


def _widget(annotation: Any) -> tuple[str, list[str], list[str]]:
    """(widget, choices, record parts)."""
    origin, args = _unwrap(annotation)
    if annotation in (datetime.date, datetime.date | None):
        return "date", [], []
    if annotation is bool:
        return "checkbox", [], []
    if origin is typing.Literal:
        return "select", [str(a) for a in args], []
    if origin is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return "records", [], list(args[0].model_fields)
    if origin is list:
        return "lines", [], []
    if annotation in (int, int | None):
        return "number", [], []
    return "text", [], []


def _shown(value: Any, widget: str, parts: list[str]) -> Any:
    if widget == "lines":
        return "\n".join(value or [])
    if widget == "records":
        return "\n".join(
            " | ".join(
                ", ".join(r.get(p) or []) if isinstance(r.get(p), list) else str(r.get(p) or "")
                for p in parts
            )
            for r in value or []
        )
    return "" if value is None else value


def section_fields(kind: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    model = SECTIONS[kind]
    fields = []
    for name, info in model.model_fields.items():
        widget, choices, parts = _widget(info.annotation)
        default = info.get_default(call_default_factory=True)
        fields.append(
            {
                "name": name,
                "label": LABELS.get(name, name.replace("_", " ").capitalize()),
                "widget": widget,
                "choices": choices,
                "hint": ("One per line: " + " | ".join(parts)) if parts else "",
                "value": _shown(values.get(name, default), widget, parts),
            }
        )
    return fields


def _record(line: str, model: type[BaseModel]) -> dict[str, Any]:
    cells = [c.strip() for c in line.split("|")]
    record: dict[str, Any] = {}
    for (name, info), cell in zip(model.model_fields.items(), cells, strict=False):
        if not cell:
            continue
        origin, _ = _unwrap(info.annotation)
        record[name] = [c.strip() for c in cell.split(",") if c.strip()] if origin is list else cell
    return record


def section_from_post(kind: str, post: Any) -> dict[str, Any]:
    """The posted form as data for ``validate_section`` (which reports any problem)."""
    model = SECTIONS[kind]
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        widget, _, _ = _widget(info.annotation)
        raw = post.get(name, "")
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        if widget == "checkbox":
            data[name] = bool(post.get(name))
        elif widget == "lines":
            data[name] = lines
        elif widget == "records":
            _, args = _unwrap(info.annotation)
            data[name] = [_record(line, args[0]) for line in lines]
        elif raw.strip():
            data[name] = raw.strip()
    return data

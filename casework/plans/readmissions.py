"""The 30-day readmission report (healthcare transitions of care), from discharge plans.

Hospitals must review, as part of assessing their discharge planning process, the discharge
plans of patients readmitted within 30 days (CMS Conditions of Participation, 42 CFR
482.43(a), as revised by the 2019 final rule, 84 FR 51836). The readmission-risk scores the
plans show count the same outcome: a non-elective readmission within 30 days of discharge
(LACE: van Walraven et al., CMAJ 2010; HOSPITAL: Donzé et al., JAMA Intern Med 2013).

The definition used here (shown with the report, see ``DEFINITION``):

* **Index discharge**: a discharge date recorded in the discharge section of a client's
  plan (the anticipated date does not count), dated inside the report period, in a program
  the reader reports on. Each distinct discharge date of a plan is one index discharge;
  when several versions of the plan record it, the latest version's record wins (versions
  are copies, so the latest holds the most recent knowledge).
* **30-day window**: the readmission date minus the discharge date is 0 to 30 days.
* **Exclusions**: a readmission recorded as planned (elective) is not counted as a
  readmission (the index discharge stays in the denominator); an index discharge whose
  30-day window has not closed by the report date, with no readmission yet, is left out of
  the rate and shown as "window still open"; a readmission more than 30 days after the
  discharge counts as no 30-day readmission.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from casework.accounts.access import access_for
from casework.accounts.models import Program
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.core.csvsafe import safe_row
from casework.core.exceptions import PermissionDenied
from casework.plans.models import PlanVersion

WINDOW_DAYS = 30
GROUPINGS = ("program", "case_manager", "month", "quarter")
GROUP_LABELS = {
    "program": "Program",
    "case_manager": "Case manager",
    "month": "Month of discharge",
    "quarter": "Quarter of discharge",
}
Outcome = Literal["readmitted", "planned", "not_readmitted", "window_open"]

SOURCES = (
    {
        "body": "Centers for Medicare & Medicaid Services",
        "document": "Conditions of Participation for Hospitals: Discharge planning, "
        "42 CFR 482.43(a), as revised by the final rule of 2019 (84 FR 51836)",
        "year": 2019,
        "url": "https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-G/part-482/"
        "subpart-C/section-482.43",
    },
    {
        "body": "Canadian Medical Association Journal (van Walraven et al.)",
        "document": "Derivation and validation of an index to predict early death or "
        "unplanned readmission after discharge from hospital to the community (LACE)",
        "year": 2010,
        "url": "https://doi.org/10.1503/cmaj.091117",
    },
)
DEFINITION = (
    "An index discharge is a discharge date recorded in the discharge plan, inside the "
    "period. It counts as readmitted when a readmission is recorded 0 to 30 days after "
    "the discharge date. A readmission recorded as planned (elective) does not count as a "
    "readmission. A discharge whose 30 days have not yet passed, with no readmission so "
    "far, is left out of the rate until its window closes."
)


@dataclass
class IndexDischarge:
    plan_id: int
    client_id: int
    program_id: int
    program: str
    case_manager_id: int | None
    case_manager: str
    discharged_on: datetime.date
    readmitted_on: datetime.date | None
    planned: bool
    outcome: Outcome = "not_readmitted"

    @property
    def days_to_readmission(self) -> int | None:
        if self.readmitted_on is None:
            return None
        return (self.readmitted_on - self.discharged_on).days


@dataclass
class Row:
    key: str
    label: str
    discharges: int = 0
    window_open: int = 0
    readmitted: int = 0
    planned: int = 0
    client_ids: set[int] = field(default_factory=set)

    @property
    def counted(self) -> int:
        """Index discharges in the rate's denominator."""
        return self.discharges - self.window_open

    @property
    def rate(self) -> float | None:
        """Readmitted within 30 days, per 100 counted index discharges (one decimal)."""
        return round(100 * self.readmitted / self.counted, 1) if self.counted else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "index_discharges": self.discharges,
            "window_open": self.window_open,
            "counted": self.counted,
            "readmitted_30_days": self.readmitted,
            "planned_readmissions": self.planned,
            "rate_percent": self.rate,
        }


def _date(value: Any) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def classify(discharge: IndexDischarge, *, as_of: datetime.date) -> Outcome:
    days = discharge.days_to_readmission
    if days is not None and 0 <= days <= WINDOW_DAYS:
        return "planned" if discharge.planned else "readmitted"
    if days is None and (as_of - discharge.discharged_on).days <= WINDOW_DAYS:
        return "window_open"
    return "not_readmitted"


def index_discharges(
    *,
    program_ids: Iterable[int],
    start: datetime.date,
    end: datetime.date,
    as_of: datetime.date,
) -> list[IndexDischarge]:
    """Every index discharge of the programs dated ``start``..``end``, classified as of
    ``as_of`` (see the module's definition)."""
    versions = (
        PlanVersion.objects.filter(
            plan__enrollment__program_id__in=list(program_ids),
            sections__has_key="discharge",
        )
        .order_by("plan_id", "number")
        .values_list(
            "plan_id",
            "sections__discharge",
            "plan__client_id",
            "plan__enrollment__program_id",
            "plan__enrollment__program__name",
            "plan__enrollment__primary_case_manager_id",
            "plan__enrollment__primary_case_manager__full_name",
        )
    )
    found: dict[tuple[int, datetime.date], IndexDischarge] = {}
    for plan_id, section, client_id, program_id, program, manager_id, manager in versions:
        if not isinstance(section, dict):
            continue
        discharged = _date(section.get("discharged_on"))
        if discharged is None or not start <= discharged <= end:
            continue
        found[(plan_id, discharged)] = IndexDischarge(
            plan_id=plan_id,
            client_id=client_id,
            program_id=program_id,
            program=program,
            case_manager_id=manager_id,
            case_manager=manager or "No case manager",
            discharged_on=discharged,
            readmitted_on=_date(section.get("readmitted_on")),
            planned=bool(section.get("readmission_planned")),
        )
    rows = sorted(found.values(), key=lambda d: (d.discharged_on, d.plan_id))
    for discharge in rows:
        discharge.outcome = classify(discharge, as_of=as_of)
    return rows


def _group(discharge: IndexDischarge, by: str) -> tuple[str, str]:
    day = discharge.discharged_on
    if by == "program":
        return str(discharge.program_id), discharge.program
    if by == "case_manager":
        return str(discharge.case_manager_id or ""), discharge.case_manager
    if by == "quarter":
        quarter = (day.month - 1) // 3 + 1
        return f"{day.year}-Q{quarter}", f"Q{quarter} {day.year}"
    return f"{day:%Y-%m}", f"{day:%b %Y}"


def summarize(discharges: Iterable[IndexDischarge], *, by: str) -> tuple[list[Row], Row]:
    """Rows per group (programs and case managers by name, periods in date order), and the
    total."""
    if by not in GROUPINGS:
        raise ValidationError({"by": f"Group by one of: {', '.join(GROUPINGS)}."})
    groups: dict[str, Row] = {}
    total = Row(key="total", label="All")
    for discharge in discharges:
        key, label = _group(discharge, by)
        row = groups.setdefault(key, Row(key=key, label=label))
        for target in (row, total):
            target.discharges += 1
            target.client_ids.add(discharge.client_id)
            if discharge.outcome == "window_open":
                target.window_open += 1
            elif discharge.outcome == "readmitted":
                target.readmitted += 1
            elif discharge.outcome == "planned":
                target.planned += 1
    by_period = by in ("month", "quarter")
    ordered = sorted(groups.values(), key=lambda r: r.key if by_period else r.label)
    return ordered, total


def report_period(
    start: datetime.date | None, end: datetime.date | None, *, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The discharge dates reported: by default the 12 months up to today."""
    end = end or today
    if start is None:
        months = end.year * 12 + end.month - 1 - 11
        start = datetime.date(months // 12, months % 12 + 1, 1)
    if start > end:
        raise ValidationError({"start": "The period must start on or before its end."})
    if (end - start).days > 3 * 366:
        raise ValidationError({"start": "Choose a period of at most three years."})
    return start, end


def report_programs(actor: Any) -> dict[int, str]:
    """The programs the actor reports on: those they supervise, and every program of the
    organizations they administer (id -> name). Empty for everyone else."""
    access = access_for(actor)
    programs = Program.objects.filter(
        Q(pk__in=access.supervised_program_ids) | Q(organization_id__in=access.admin_org_ids)
    ).order_by("name")
    return dict(programs.values_list("pk", "name"))


def report_programs_or_refuse(actor: Any) -> dict[int, str]:
    """``report_programs``, or PermissionDenied (audited) for a reader with none."""
    allowed = report_programs(actor)
    if not allowed:
        record(
            actor=actor,
            action=AuditAction.DENIED,
            target_type="readmission_report",
            details={"reason": "not a supervisor or organization admin"},
        )
        raise PermissionDenied("Supervisors and organization admins see the readmission report.")
    return allowed


@dataclass
class Report:
    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    by: str
    program_ids: list[int]
    rows: list[Row]
    total: Row
    discharges: list[IndexDischarge]

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "as_of": self.as_of,
            "by": self.by,
            "program_ids": self.program_ids,
            "window_days": WINDOW_DAYS,
            "definition": DEFINITION,
            "sources": list(SOURCES),
            "rows": [r.as_dict() for r in self.rows],
            "total": self.total.as_dict(),
        }


def readmission_report(
    *,
    actor: Any,
    program_id: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    by: str = "program",
    as_of: datetime.date | None = None,
    export: bool = False,
) -> Report:
    """The 30-day readmission report of the actor's programs (or one of them), audited as a
    list (or an export) naming the clients counted. Supervisors and organization admins
    only; anyone else is refused."""
    allowed = report_programs_or_refuse(actor)
    if program_id is not None and program_id not in allowed:
        raise ValidationError({"program": "Choose one of the programs you report on."})
    if by not in GROUPINGS:
        raise ValidationError({"by": f"Group by one of: {', '.join(GROUPINGS)}."})
    today = as_of or timezone.localdate()
    start, end = report_period(start, end, today=today)
    programs = [program_id] if program_id is not None else sorted(allowed)
    discharges = index_discharges(program_ids=programs, start=start, end=end, as_of=today)
    rows, total = summarize(discharges, by=by)
    record(
        actor=actor,
        action=AuditAction.EXPORT if export else AuditAction.LIST,
        target_type="readmission_report",
        details={
            "client_ids": sorted(total.client_ids),
            "program_ids": programs,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "by": by,
        },
    )
    return Report(start, end, today, by, programs, rows, total, discharges)


CSV_COLUMNS = (
    ("label", "Group"),
    ("index_discharges", "Index discharges"),
    ("window_open", "Window still open"),
    ("counted", "Counted"),
    ("readmitted_30_days", "Readmitted within 30 days"),
    ("planned_readmissions", "Planned readmissions (not counted)"),
    ("rate_percent", "Readmission rate (%)"),
)


def report_csv(report: Report) -> str:
    """The report's table as CSV (spreadsheet formulas neutralised), with the total last."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([GROUP_LABELS[report.by], *(title for _, title in CSV_COLUMNS[1:])])
    for row in [*report.rows, report.total]:
        values = row.as_dict()
        writer.writerow(safe_row(values[key] for key, _ in CSV_COLUMNS))
    return buffer.getvalue()

"""The 30-day readmission report (issue 13): chart, data table, CSV, and the readmissions to
review. The rules, the access check and the audit row are in ``plans.readmissions``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casework.clients.models import Client
from casework.plans.readmissions import (
    DEFINITION,
    GROUP_LABELS,
    SOURCES,
    WINDOW_DAYS,
    readmission_report,
    report_csv,
    report_programs_or_refuse,
)
from casework.web.forms import add_service_errors


class ReportForm(forms.Form):
    program = forms.TypedChoiceField(label="Program", coerce=int, required=False, empty_value=None)
    start = forms.DateField(
        label="Discharged from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="Discharged to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    by = forms.ChoiceField(label="Group by", choices=list(GROUP_LABELS.items()), required=False)

    def __init__(self, *args: Any, programs: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "All your programs"), *programs.items()]


@login_required
def readmission_report_page(request: HttpRequest) -> HttpResponse:
    """Supervisors and organization admins: readmissions within 30 days of the discharges
    recorded in their programs' discharge plans; ``?format=csv`` downloads the table."""
    programs = report_programs_or_refuse(request.user)
    form = ReportForm(request.GET or None, programs=programs)
    context: dict[str, Any] = {
        "form": form,
        "definition": DEFINITION,
        "sources": SOURCES,
        "window_days": WINDOW_DAYS,
    }
    if request.GET and not form.is_valid():
        return render(request, "care/readmission_report.html", context, status=422)
    data = form.cleaned_data if request.GET else {}
    export = request.GET.get("format") == "csv"
    try:
        report = readmission_report(
            actor=request.user,
            program_id=data.get("program"),
            start=data.get("start"),
            end=data.get("end"),
            by=data.get("by") or "program",
            export=export,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return render(request, "care/readmission_report.html", context, status=422)
    if export:
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
        name = f"readmissions-{report.start:%Y%m%d}-{report.end:%Y%m%d}-by-{report.by}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    readmitted = [d for d in report.discharges if d.outcome == "readmitted"]
    visible = Client.objects.visible_to(request.user).filter(
        pk__in=[d.client_id for d in readmitted]
    )
    shown = {
        c.pk: c.display_name
        for c in visible.only("pk", "given_name", "family_name", "preferred_name")
    }
    rows = report.rows[:24]
    chart = {  # drawn by web/bar-chart.js
        "labels": [r.label for r in rows],
        "datasets": [
            {
                "label": "Readmitted within 30 days (%)",
                "data": [r.rate for r in rows],
                "color": "#8b1303",
                "axis": "rate",
            },
            {
                "label": "Counted discharges",
                "data": [r.counted for r in rows],
                "color": "#2e6276",
                "axis": "count",
            },
        ],
        "axes": {
            "rate": {"position": "left", "min": 0, "max": 100, "title": "%"},
            "count": {
                "position": "right",
                "min": 0,
                "grid": False,
                "title": "discharges",
                "precision": 0,
            },
        },
    }
    query = request.GET.copy()
    query["format"] = "csv"
    context |= {
        "report": report,
        "group_label": GROUP_LABELS[report.by],
        "chart": chart,
        "review": [(d, shown.get(d.client_id)) for d in readmitted if d.client_id in shown][:200],
        "csv_query": query.urlencode(),
    }
    return render(request, "care/readmission_report.html", context)

"""The 30-day readmission report: the definition at its boundaries, versions, access, audit,
the page (chart and table), the CSV and the API."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from casework.accounts.models import User
from casework.audit.models import AuditEvent
from casework.clients.models import Client, Enrollment
from casework.plans.readmissions import IndexDischarge, classify, summarize
from casework.plans.services import plan_open, plan_sign, section_save

DAY = datetime.date(2026, 3, 1)


def _discharge(readmit_after: int | None, *, planned: bool = False) -> IndexDischarge:
    return IndexDischarge(
        plan_id=1,
        client_id=1,
        program_id=1,
        program="Care Transitions",
        case_manager_id=None,
        case_manager="No case manager",
        discharged_on=DAY,
        readmitted_on=DAY + datetime.timedelta(days=readmit_after)
        if readmit_after is not None
        else None,
        planned=planned,
    )


@pytest.mark.parametrize(
    ("readmit_after", "planned", "as_of_day", "outcome"),
    [
        (0, False, 60, "readmitted"),  # the same day counts
        (30, False, 60, "readmitted"),  # day 30 is inside the window
        (31, False, 60, "not_readmitted"),  # day 31 is outside
        (12, True, 60, "planned"),  # planned: not counted as a readmission
        (None, False, 30, "window_open"),  # day 30 not over yet: left out of the rate
        (None, False, 31, "not_readmitted"),  # window closed with no readmission
        (5, False, 10, "readmitted"),  # known before the window closes
    ],
)
def test_definition_boundaries(
    readmit_after: int | None, planned: bool, as_of_day: int, outcome: str
) -> None:
    as_of = DAY + datetime.timedelta(days=as_of_day)
    assert classify(_discharge(readmit_after, planned=planned), as_of=as_of) == outcome


def test_rate_leaves_open_windows_out_and_keeps_planned_in_the_denominator() -> None:
    rows = []
    for after, planned in ((3, False), (40, False), (None, False), (8, True)):
        d = _discharge(after, planned=planned)
        d.outcome = classify(d, as_of=DAY + datetime.timedelta(days=45))
        rows.append(d)
    opened = _discharge(None)
    opened.discharged_on = DAY + datetime.timedelta(days=20)
    opened.outcome = classify(opened, as_of=DAY + datetime.timedelta(days=45))
    (row,), total = summarize([*rows, opened], by="month")
    assert row.label == "Mar 2026"
    assert (row.discharges, row.window_open, row.counted) == (5, 1, 4)
    assert (row.readmitted, row.planned, row.rate) == (1, 1, 25.0)
    assert total.rate == 25.0


def _http(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


@pytest.fixture
def discharges(
    make_client: Callable[..., Client], cm_health: User, client_health: Client
) -> dict[str, Any]:
    """Three discharge plans in Care Transitions: one readmitted on day 12 (recorded in a
    second version of the plan, after the first was signed), one readmitted on day 31, one
    discharged 10 days ago (window open)."""
    today = datetime.date.today()
    other = make_client(actor=cm_health, cm=cm_health, given_name="Teddy", family_name="Flood")
    third = make_client(actor=cm_health, cm=cm_health, given_name="Maeve", family_name="Millay")
    made = {}
    for client, discharged, readmitted in (
        (client_health, today - datetime.timedelta(days=60), None),
        (other, today - datetime.timedelta(days=70), today - datetime.timedelta(days=39)),
        (third, today - datetime.timedelta(days=10), None),
    ):
        enrollment = Enrollment.objects.get(client=client)
        plan = plan_open(actor=cm_health, enrollment=enrollment)
        section = {"destination": "home", "discharged_on": discharged.isoformat()}
        if readmitted:
            section["readmitted_on"] = readmitted.isoformat()
        section_save(actor=cm_health, plan=plan, kind="discharge", data=section)
        made[client.family_name] = plan
    # Dolores: version 1 signed with the discharge; the readmission recorded on version 2.
    plan = made["Abernathy"]
    plan_sign(actor=cm_health, plan=plan, method="typed", signed_name="Dolores Abernathy")
    section = dict(plan.latest.sections["discharge"])
    section["readmitted_on"] = (today - datetime.timedelta(days=48)).isoformat()
    section_save(actor=cm_health, plan=plan, kind="discharge", data=section)
    assert plan.versions.count() == 2
    return made


def test_api_report_counts_each_discharge_once_across_versions(
    discharges: dict[str, Any], sup_health: User
) -> None:
    response = _http(sup_health).get("/api/v1/reports/readmissions?by=program")
    assert response.status_code == 200, response.content
    body = response.json()
    (row,) = body["rows"]
    assert row["label"] == "Care Transitions"
    assert row["index_discharges"] == 3
    assert row["window_open"] == 1
    assert row["counted"] == 2
    assert row["readmitted_30_days"] == 1
    assert row["rate_percent"] == 50.0
    assert body["window_days"] == 30
    assert any("482.43" in s["document"] for s in body["sources"])
    assert all(s["url"].startswith("https://") for s in body["sources"])
    event = AuditEvent.objects.filter(target_type="readmission_report").latest("pk")
    assert event.action == "list"
    assert len(event.details["client_ids"]) == 3


def test_api_groups_by_case_manager_and_refuses_bad_input(
    discharges: dict[str, Any], org_admin: User
) -> None:
    http = _http(org_admin)
    by_manager = http.get("/api/v1/reports/readmissions?by=case_manager").json()
    assert [r["index_discharges"] for r in by_manager["rows"]] == [3]
    bad = http.get("/api/v1/reports/readmissions?start=2026-05-01&end=2026-01-01")
    assert bad.status_code == 422
    assert "start" in bad.content.decode()
    unknown = http.get("/api/v1/reports/readmissions?by=ward")
    assert unknown.status_code == 422


@pytest.mark.parametrize("who", ["cm_health", "partner", "other_agency_admin"])
def test_only_supervisors_and_org_admins_see_the_report(
    discharges: dict[str, Any], who: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    http = _http(user)
    assert http.get("/api/v1/reports/readmissions").status_code == 403
    assert http.get("/reports/readmissions/").status_code == 403
    refused = AuditEvent.objects.filter(target_type="readmission_report", actor=user)
    assert list(refused.values_list("action", flat=True)) == ["denied", "denied"]


def test_supervisor_cannot_pick_another_program(
    discharges: dict[str, Any], sup_health: User, programs: dict[str, Any]
) -> None:
    other = programs["mental_health"].pk
    response = _http(sup_health).get(f"/api/v1/reports/readmissions?program={other}")
    assert response.status_code == 422
    assert "program" in response.content.decode()


def test_page_shows_chart_table_and_readmissions_to_review(
    discharges: dict[str, Any], sup_health: User
) -> None:
    response = _http(sup_health).get("/reports/readmissions/?by=month")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="readmission-chart"' in page
    assert "chartjs/chart.umd.min.js" in page
    found = re.search(r'id="readmission-chart-data"[^>]*>(.*?)</script>', page)
    assert found is not None
    chart = json.loads(found.group(1))
    assert chart["datasets"][1]["label"] == "Counted discharges"
    assert sum(chart["datasets"][1]["data"]) == 2
    assert "<caption>Readmissions within 30 days by month of discharge</caption>" in page
    assert "Dolores Abernathy" in page  # readmitted on day 12: to review
    assert "Teddy Flood" not in page  # day 31: not a 30-day readmission
    assert "42 CFR 482.43(a)" in page
    assert "https://www.ecfr.gov/" in page
    event = AuditEvent.objects.filter(target_type="readmission_report").latest("pk")
    assert discharges["Abernathy"].client_id in event.details["client_ids"]


def test_csv_export_is_the_table_and_is_audited(
    discharges: dict[str, Any], sup_health: User
) -> None:
    response = _http(sup_health).get("/reports/readmissions/?by=program&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Program"
    assert rows[0][-1] == "Readmission rate (%)"
    assert rows[1][:2] == ["Care Transitions", "3"]
    assert rows[-1][0] == "All"
    assert rows[-1][-1] == "50.0"
    event = AuditEvent.objects.filter(target_type="readmission_report").latest("pk")
    assert event.action == "export"


def test_page_bad_period_names_the_field_and_keeps_what_was_typed(
    discharges: dict[str, Any], sup_health: User
) -> None:
    response = _http(sup_health).get("/reports/readmissions/?start=2026-05-01&end=2026-01-01")
    assert response.status_code == 422
    page = response.content.decode()
    assert "The period must start on or before its end." in page
    assert 'value="2026-05-01"' in page


def test_readmission_before_discharge_is_refused(client_health: Client, cm_health: User) -> None:
    plan = plan_open(actor=cm_health, enrollment=Enrollment.objects.get(client=client_health))
    response = _http(cm_health).put(
        f"/api/v1/plans/{plan.pk}/sections/discharge",
        data=json.dumps({"discharged_on": "2026-03-10", "readmitted_on": "2026-03-01"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "readmitted_on" in response.content.decode()

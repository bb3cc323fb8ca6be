"""The worklist: each kind appears with its reason, in explainable order, for its owner only;
crisis reports alert the right people and open both tasks; supervisors reassign."""

from __future__ import annotations

import datetime
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from casework.audit.models import AuditEvent
from casework.caseload import workload
from casework.caseload.crisis import crisis_report
from casework.caseload.models import ProgramCaseloadSettings
from casework.caseload.worklist import build_worklist
from casework.casenotes import services as notes
from casework.casenotes.models import CaseNote
from casework.clients.models import Enrollment
from casework.notifications.models import Notification
from casework.scheduling import services as scheduling
from casework.scheduling.models import Task, TaskKind


def _http(user: Any) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def _enrolled_days_ago(client: Any, days: int) -> None:
    start = timezone.localdate() - timedelta(days=days)
    Enrollment.objects.filter(client=client).update(start_date=start)


def _task(cm: Any, client: Any, programs: Any, hours: float, **data: Any) -> Task:
    return scheduling.task_create(
        actor=cm,
        title=data.pop("title", "Call the landlord"),
        due_at=timezone.now() + timedelta(hours=hours),
        client=client,
        program=programs["healthcare"],
        data=data,
    )


def test_every_builtin_kind_appears_with_its_reason(
    cm_health: Any, client_health: Any, programs: Any, make_client: Any
) -> None:
    now = timezone.now()
    overdue = _task(cm_health, client_health, programs, -26)
    local_now = timezone.localtime(now)
    later_today = (local_now.replace(hour=23, minute=30) - now).total_seconds() / 3600
    _task(cm_health, client_health, programs, max(later_today, 0.01), title="Due today")
    _task(cm_health, client_health, programs, 72, title="Next week")  # not today: absent
    scheduling.appointment_create(
        actor=cm_health,
        client=client_health,
        program=programs["healthcare"],
        worker=cm_health,
        data={"starts_at": now + timedelta(minutes=1), "duration_minutes": 30, "mode": "phone"},
    )
    draft = notes.note_create(
        actor=cm_health,
        client=client_health,
        program=programs["healthcare"],
        data={"note_type": "dap"},
    )
    CaseNote.objects.filter(pk=draft.pk).update(created_at=now - timedelta(hours=30))
    _enrolled_days_ago(client_health, 40)
    items = build_worklist(cm_health)
    kinds = {i.kind for i in items}
    assert {
        "task_overdue",
        "task_due_today",
        "appointment_today",
        "unsigned_note",
        "no_contact",
    } <= kinds
    assert "Next week" not in {i.title for i in items}
    late = next(i for i in items if i.kind == "task_overdue")
    assert late.object_id == overdue.pk
    assert late.reason.startswith("Overdue by 1 day")
    assert late.client_name == "Dolores Abernathy"
    unsigned = next(i for i in items if i.kind == "unsigned_note")
    assert "Unsigned for 1 day" in unsigned.reason


def test_ordering_is_severity_then_due_time_then_client_risk(
    cm_health: Any, client_health: Any, programs: Any, make_client: Any
) -> None:
    calm = make_client("healthcare", actor=cm_health, cm=cm_health, given_name="Calm")
    urgent = _task(cm_health, client_health, programs, -1, priority=4, title="urgent")
    later = _task(cm_health, calm, programs, -1, priority=2, title="normal, later")
    earlier = _task(cm_health, calm, programs, -5, priority=2, title="normal, earlier")
    same_time_risky = _task(cm_health, client_health, programs, -5, priority=2, title="risky")
    scheduling.Task.objects.filter(pk=same_time_risky.pk).update(due_at=earlier.due_at)
    crisis_report(
        actor=cm_health,
        client=client_health,
        program=programs["healthcare"],
        kind="housing_loss",
        severity=1,
        what_happened="Notice to quit.",
    )
    items = list(build_worklist(cm_health, kinds=["task_overdue"]))
    titles = [i.title for i in items]
    assert titles[0] == "urgent"  # severity critical first
    assert titles.index("risky") < titles.index("normal, earlier")  # tie broken by risk
    assert titles.index("normal, earlier") < titles.index("normal, later")  # then due time
    assert items[0].order_reason.startswith("Critical severity; due")
    assert urgent.pk == items[0].object_id
    assert later.pk


def test_filters_by_kind_program_and_client(
    cm_health: Any, client_health: Any, programs: Any, make_client: Any
) -> None:
    other = make_client("healthcare", actor=cm_health, cm=cm_health, given_name="Other")
    _task(cm_health, client_health, programs, -1)
    _task(cm_health, other, programs, -1)
    _enrolled_days_ago(other, 40)
    assert {i.client_id for i in build_worklist(cm_health, client_id=other.pk)} == {other.pk}
    assert build_worklist(cm_health, program_id=programs["mental_health"].pk) == []
    assert {i.kind for i in build_worklist(cm_health, kinds=["no_contact"])} == {"no_contact"}


def test_no_contact_uses_the_programs_threshold(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    _enrolled_days_ago(client_health, 10)
    assert not build_worklist(cm_health, kinds=["no_contact"])
    ProgramCaseloadSettings.objects.create(program=programs["healthcare"], no_contact_days=7)
    (item,) = build_worklist(cm_health, kinds=["no_contact"])
    assert "expects contact every 7 days" in item.reason
    note = notes.note_create(
        actor=cm_health,
        client=client_health,
        program=programs["healthcare"],
        data={
            "note_type": "contact",
            "duration_minutes": 10,
            "sections": {"purpose": "a", "summary": "b", "next_steps": "c"},
        },
    )
    notes.note_sign(actor=cm_health, note=note, expected_version=note.version)
    assert not build_worklist(cm_health, kinds=["no_contact"])


def test_another_case_managers_worklist_shows_nothing_of_mine(
    cm_health: Any, cm_mental_health: Any, client_health: Any, programs: Any
) -> None:
    _task(cm_health, client_health, programs, -1)
    assert build_worklist(cm_mental_health) == []
    response = _http(cm_mental_health).get("/api/v1/worklist")
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_the_page_and_the_api_list_the_same_items_with_the_same_reasons(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    task = _task(cm_health, client_health, programs, -3)
    http = _http(cm_health)
    page = http.get("/today/")
    assert page.status_code == 200
    api = http.get("/api/v1/worklist").json()["items"]
    assert [i["kind"] for i in api] == [i.kind for i in build_worklist(cm_health)]
    first = next(i for i in api if i["object_id"] == task.pk)
    assert first["reason"] in page.content.decode()
    assert AuditEvent.objects.filter(target_type="worklist", actor=cm_health).exists()


def test_completing_a_task_from_the_worklist_updates_it_in_place(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    task = _task(cm_health, client_health, programs, -3, title="Send the forms")
    response = _http(cm_health).post(
        f"/tasks/{task.pk}/complete/", {"next": "worklist"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="worklist"' in body
    assert "<html" not in body
    assert "Send the forms" not in body.split("Task marked done")[-1]


def test_a_crisis_report_alerts_the_supervisor_and_on_call_and_opens_both_tasks(
    cm_health: Any,
    sup_health: Any,
    client_health: Any,
    programs: Any,
    intake_health: Any,
    cm_mental_health: Any,
) -> None:
    ProgramCaseloadSettings.objects.create(program=programs["healthcare"], on_call=intake_health)
    before = timezone.now()
    response = _http(cm_health).post(
        f"/clients/{client_health.pk}/crisis/new/",
        {
            "kind": "suicide_risk",
            "severity": "4",
            "what_happened": "Said they have a plan.",
            "actions_taken": "Stayed with them; called the mobile crisis team.",
            "program": programs["healthcare"].pk,
        },
    )
    assert response.status_code == 302
    alerted = set(Notification.objects.filter(kind="crisis").values_list("recipient", flat=True))
    assert alerted == {sup_health.pk, intake_health.pk}
    assert all("Abernathy" not in n.title for n in Notification.objects.filter(kind="crisis"))
    follow = Task.objects.get(client=client_health, kind=TaskKind.CRISIS_FOLLOW_UP)
    reassess = Task.objects.get(client=client_health, kind=TaskKind.CRISIS_REASSESSMENT)
    assert follow.assignee == cm_health
    assert (
        timedelta(hours=23, minutes=59) < follow.due_at - before <= timedelta(hours=24, minutes=1)
    )
    assert (
        timedelta(hours=71, minutes=59) < reassess.due_at - before <= timedelta(hours=72, minutes=1)
    )
    # The banner on the client page, and the item on the supervisor's worklist.
    panel = _http(cm_health).get(f"/clients/{client_health.pk}/caseload/").content.decode()
    assert "Open crisis: Suicide risk" in panel
    supervised = build_worklist(sup_health, kinds=["crisis"])
    assert [i.client_id for i in supervised] == [client_health.pk]
    assert build_worklist(cm_mental_health, kinds=["crisis"]) == []


def test_supervisor_reassigns_clients_with_their_open_tasks_and_audits_each_move(
    cm_health: Any, sup_health: Any, client_health: Any, programs: Any, make_client: Any
) -> None:
    from casework.accounts import services as accounts
    from casework.conftest import make_user

    other_cm = make_user("cm2.healthcare@example.org")
    accounts.membership_grant(
        actor=None, user=other_cm, role="case_manager", program=programs["healthcare"]
    )
    stays = make_client("healthcare", actor=cm_health, cm=cm_health, given_name="Stays")
    task = _task(cm_health, client_health, programs, 5)
    kept = _task(cm_health, stays, programs, 5)
    enrollment = Enrollment.objects.get(client=client_health)
    http = _http(sup_health)
    assert http.get("/team/caseloads/").status_code == 200
    response = http.post(
        "/team/reassign/",
        {"what": "clients", "ids": [enrollment.pk], "to": other_cm.pk, "reason": "Leave"},
    )
    assert response.status_code == 302
    assert Enrollment.objects.get(pk=enrollment.pk).primary_case_manager == other_cm
    assert Task.objects.get(pk=task.pk).assignee == other_cm
    assert Task.objects.get(pk=kept.pk).assignee == cm_health
    moves = AuditEvent.objects.filter(actor=sup_health, action="update")
    assert moves.filter(target_type="enrollment", target_id=str(enrollment.pk)).exists()
    assert moves.filter(target_type="task", target_id=str(task.pk)).exists()
    loads = {w.user_id: w for w in workload.team_loads(frozenset({programs["healthcare"].pk}))}
    assert loads[other_cm.pk].clients == 1
    assert loads[cm_health.pk].clients == 1


def test_a_case_manager_cannot_reassign(cm_health: Any, client_health: Any, programs: Any) -> None:
    enrollment = Enrollment.objects.get(client=client_health)
    http = _http(cm_health)
    assert http.get("/team/caseloads/").status_code == 403
    response = http.post(
        "/team/reassign/", {"what": "clients", "ids": [enrollment.pk], "to": cm_health.pk}
    )
    assert response.status_code == 403


def test_weighted_load_counts_open_crises_by_severity(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    program = programs["healthcare"]
    ProgramCaseloadSettings.objects.create(
        program=program, client_weight=2, severity_weights={"3": 1.5}
    )
    crisis_report(
        actor=cm_health,
        client=client_health,
        program=program,
        kind="medical",
        severity=3,
        what_happened="Fall at home.",
    )
    (load,) = [w for w in workload.team_loads(frozenset({program.pk})) if w.user_id == cm_health.pk]
    assert float(load.weighted) == pytest.approx(3.5)
    assert load.open_crises == 1


def test_no_show_creates_a_follow_up_task(
    cm_health: Any, client_health: Any, programs: Any
) -> None:
    appointment = scheduling.appointment_create(
        actor=cm_health,
        client=client_health,
        program=programs["healthcare"],
        worker=cm_health,
        data={
            "starts_at": timezone.now() - timedelta(minutes=30),
            "duration_minutes": 30,
            "mode": "in_person",
        },
    )
    response = _http(cm_health).post(
        f"/appointments/{appointment.pk}/attendance/",
        {"attendance": "no_show", "next": "worklist"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    follow = Task.objects.get(kind=TaskKind.NO_SHOW_FOLLOW_UP, appointment_id=appointment.pk)
    assert follow.assignee == cm_health
    assert "A follow-up task is due tomorrow" in response.content.decode()
    assert datetime.timedelta(hours=23) < follow.due_at - timezone.now()


def test_the_client_pages_caseload_panel_has_a_heading_that_says_what_it_holds(
    cm_health: Any, client_health: Any
) -> None:
    panel = _http(cm_health).get(f"/clients/{client_health.pk}/caseload/").content.decode()
    assert ">Tasks, appointments and notes</h2>" in panel
    assert ">Casework</h2>" not in panel


def _discharge_plan(cm: Any, client: Any, **section: Any) -> Any:
    from casework.plans import services as plans

    enrollment = Enrollment.objects.get(client=client)
    plan = plans.plan_open(actor=cm, enrollment=enrollment)
    plans.section_save(actor=cm, plan=plan, kind="discharge", data=section)
    return plan


def test_a_discharge_planned_soon_with_gaps_is_on_the_worklist_with_what_is_missing(
    cm_health: Any, client_health: Any
) -> None:
    in_three = timezone.localdate() + timedelta(days=3)
    plan = _discharge_plan(cm_health, client_health, anticipated_date=in_three.isoformat())
    items = [i for i in build_worklist(cm_health) if i.kind == "discharge_deadline"]
    assert [i.object_id for i in items] == [plan.pk]
    item = items[0]
    assert item.reason.startswith("Discharge planned in 3 days")
    assert "No follow-up appointment is booked." in item.reason
    assert "Medication reconciliation is not done." in item.reason
    assert timezone.localtime(item.due_at).date() == in_three
    assert item.action_url == f"/plans/{plan.pk}/sections/discharge/"
    # The same item through the API, with its reason.
    api = _http(cm_health).get("/api/v1/worklist?kind=discharge_deadline").json()
    assert [i["reason"] for i in api["items"]] == [item.reason]
    # On the page, under its own filter.
    page = _http(cm_health).get("/today/?kind=discharge_deadline").content.decode()
    assert "Get the discharge plan ready" in page


def test_a_discharge_without_a_follow_up_within_seven_days_is_on_the_worklist(
    cm_health: Any, client_health: Any
) -> None:
    left = timezone.localdate() - timedelta(days=2)
    _discharge_plan(cm_health, client_health, discharged_on=left.isoformat())
    item = next(i for i in build_worklist(cm_health) if i.kind == "discharge_deadline")
    assert "book the follow-up within 7 days" in item.reason
    assert timezone.localtime(item.due_at).date() == left + timedelta(days=7)


def test_a_ready_or_distant_discharge_is_not_on_the_worklist(
    cm_health: Any, client_health: Any
) -> None:
    far = timezone.localdate() + timedelta(days=40)
    _discharge_plan(cm_health, client_health, anticipated_date=far.isoformat())
    assert not [i for i in build_worklist(cm_health) if i.kind == "discharge_deadline"]


def test_a_planned_exit_from_the_program_is_on_the_worklist(
    cm_health: Any, client_health: Any
) -> None:
    enrollment = Enrollment.objects.get(client=client_health)
    exit_day = timezone.localdate() + timedelta(days=5)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        start_date=timezone.localdate() - timedelta(days=30), end_date=exit_day
    )
    item = next(i for i in build_worklist(cm_health) if i.kind == "enrollment_exit")
    assert item.object_id == enrollment.pk
    assert "in 5 days" in item.reason
    assert item.action_url == f"/enrollments/{enrollment.pk}/transition/"


def test_a_supervisor_edits_the_load_weights_validated_and_audited(
    cm_health: Any, sup_health: Any, client_health: Any, programs: Any
) -> None:
    program = programs["healthcare"]
    crisis_report(
        actor=cm_health,
        client=client_health,
        program=program,
        kind="medical",
        severity=3,
        what_happened="A fall.",
    )
    http = _http(sup_health)
    page = http.get("/team/weights/")
    assert page.status_code == 200
    assert "standard weights" in page.content.decode()
    form = {
        "program": program.pk,
        "client_weight": "1.5",
        "crisis_1": "0",
        "crisis_2": "0.5",
        "crisis_3": "11",
        "crisis_4": "2",
        "flag_low": "0",
        "flag_moderate": "0.25",
        "flag_high": "0.5",
    }
    bad = http.post("/team/weights/", form)
    assert bad.status_code == 422
    body = bad.content.decode()
    assert "Each open high-severity crisis: Enter a number from 0 to 10." in body
    assert 'value="1.5"' in body  # what was typed stays
    saved = http.post("/team/weights/", form | {"crisis_3": "3"})
    assert saved.status_code == 302
    loads = {w.user_id: w for w in workload.team_loads(frozenset({program.pk}))}
    assert loads[cm_health.pk].weighted == Decimal("4.5")  # 1.5 per client + 3 for the crisis
    row = AuditEvent.objects.get(target_type="caseload_weights", actor=sup_health)
    assert row.changes["client_weight"] == ["1.00", "1.50"]
    assert row.changes["severity_weights"][1]["3"] == "3.00"
    # A case manager may not change them, on the page or through the API.
    assert _http(cm_health).get("/team/weights/").status_code == 403
    path = f"/api/v1/programs/{program.pk}/caseload-weights"
    assert _http(cm_health).get(path).status_code == 404


def test_the_api_reads_and_replaces_the_load_weights_naming_a_bad_entry(
    sup_health: Any, programs: Any
) -> None:
    import json

    program = programs["healthcare"]
    http = _http(sup_health)
    path = f"/api/v1/programs/{program.pk}/caseload-weights"
    current = http.get(path).json()
    assert current["client_weight"] == "1"
    assert current["flag_weights"]["high"] == "0.5"
    body = {"client_weight": 2, "crisis_weights": {"4": 12}, "flag_weights": {"high": 1}}
    bad = http.put(path, json.dumps(body), content_type="application/json")
    assert bad.status_code == 422
    assert "crisis_weights" in bad.content.decode()
    assert "Severity 4" in bad.content.decode()
    body["crisis_weights"] = {"4": 3}
    done = http.put(path, json.dumps(body), content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["crisis_weights"]["4"] == "3.00"
    assert done.json()["flag_weights"]["high"] == "1.00"
    assert done.json()["changed_by_id"] == sup_health.pk

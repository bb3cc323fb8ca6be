"""Transfers to another case manager: a summary, pending until the receiver accepts (or
declines with a reason), then the assignment and everything open move; audited, notified,
on the worklist and on the supervisor's page; through the pages and the API."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from casework.audit.models import AuditEvent
from casework.caseload.careteam import care_team_add
from casework.caseload.crisis import crisis_report
from casework.caseload.models import Transfer
from casework.caseload.worklist import build_worklist
from casework.casenotes import services as notes
from casework.casenotes.models import CaseNote
from casework.clients.models import Enrollment
from casework.notifications.models import Notification
from casework.scheduling import services as scheduling
from casework.scheduling.models import Appointment, Task


def _http(user: Any) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


@pytest.fixture
def cm2(programs: Any) -> Any:
    from casework.accounts import services as accounts
    from casework.conftest import make_user

    user = make_user("cm2.healthcare@example.org", "Maeve Millay")
    accounts.membership_grant(
        actor=None, user=user, role="case_manager", program=programs["healthcare"]
    )
    return user


@pytest.fixture
def open_work(cm_health: Any, client_health: Any, programs: Any) -> dict[str, Any]:
    program = programs["healthcare"]
    soon = timezone.now() + timedelta(days=2)
    task = scheduling.task_create(
        actor=cm_health,
        title="Call the landlord",
        due_at=soon,
        client=client_health,
        program=program,
    )
    appointment = scheduling.appointment_create(
        actor=cm_health,
        client=client_health,
        program=program,
        worker=cm_health,
        data={"starts_at": soon, "duration_minutes": 30, "mode": "phone"},
    )
    past = scheduling.appointment_create(
        actor=cm_health,
        client=client_health,
        program=program,
        worker=cm_health,
        data={
            "starts_at": timezone.now() - timedelta(days=3),
            "duration_minutes": 30,
            "mode": "phone",
        },
    )
    crisis_report(
        actor=cm_health,
        client=client_health,
        program=program,
        kind="housing_loss",
        severity=3,
        what_happened="Eviction notice.",
    )
    draft = notes.note_create(
        actor=cm_health,
        client=client_health,
        program=program,
        data={"note_type": "soap", "sections": {"plan": "Call back."}},
    )
    member = care_team_add(
        actor=cm_health,
        client=client_health,
        role="primary_case_manager",
        data={},
        user=cm_health,
    )
    return {
        "task": task,
        "appointment": appointment,
        "past": past,
        "draft": draft,
        "member": member,
    }


def test_a_transfer_waits_for_the_receiver_then_moves_everything_open(
    cm_health: Any, cm2: Any, sup_health: Any, client_health: Any, open_work: dict[str, Any]
) -> None:
    enrollment = Enrollment.objects.get(client=client_health)
    sender = _http(cm_health)
    page = sender.get(f"/clients/{client_health.pk}/transfer/")
    assert page.status_code == 200
    assert "Call the landlord" in page.content.decode()  # the summary, before sending
    response = sender.post(
        f"/clients/{client_health.pk}/transfer/",
        {
            "enrollment": enrollment.pk,
            "to": cm2.pk,
            "reason": "Moving to the night shift",
            "handoff_note": "Prefers calls after 5.",
        },
    )
    assert response.status_code == 302, response.content[:800]
    transfer = Transfer.objects.get()
    assert transfer.is_pending
    assert "Call the landlord" in [t["title"] for t in transfer.summary["tasks"]]
    assert transfer.summary["risks"][0]["kind"] == "crisis"
    assert [a["id"] for a in transfer.summary["appointments"]] == [open_work["appointment"].pk]
    assert [d["id"] for d in transfer.summary["drafts"]] == [open_work["draft"].pk]
    # Pending: nothing has moved; the receiver is told and sees it on their worklist.
    assert Enrollment.objects.get(pk=enrollment.pk).primary_case_manager == cm_health
    assert Notification.objects.filter(recipient=cm2, kind="transfer").exists()
    waiting = [i for i in build_worklist(cm2) if i.kind == "transfer_waiting"]
    assert [i.object_id for i in waiting] == [transfer.pk]
    assert "Moving to the night shift" in waiting[0].reason
    # The supervisor sees it on the team page.
    team = _http(sup_health).get("/team/caseloads/").content.decode()
    assert f"/transfers/{transfer.pk}/" in team
    # Only the receiver can accept.
    assert sender.post(f"/transfers/{transfer.pk}/accept/").status_code == 403
    receiver = _http(cm2)
    detail = receiver.get(f"/transfers/{transfer.pk}/")
    assert detail.status_code == 200
    assert "Prefers calls after 5." in detail.content.decode()
    accepted = receiver.post(f"/transfers/{transfer.pk}/accept/")
    assert accepted.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "accepted"
    # The task, and the crisis's follow-up and re-assessment tasks.
    assert transfer.moved == {"tasks": 3, "appointments": 1, "referrals": 0, "care_team": 1}
    assert Enrollment.objects.get(pk=enrollment.pk).primary_case_manager == cm2
    assert Task.objects.get(pk=open_work["task"].pk).assignee == cm2
    assert Appointment.objects.get(pk=open_work["appointment"].pk).worker == cm2
    assert Appointment.objects.get(pk=open_work["past"].pk).worker == cm_health  # history stays
    assert CaseNote.objects.get(pk=open_work["draft"].pk).author == cm_health  # author signs
    open_work["member"].refresh_from_db()
    assert open_work["member"].user == cm2
    # The crisis now sits on the receiver's worklist (it follows the caseload).
    assert any(i.kind == "crisis" for i in build_worklist(cm2))
    assert not any(i.kind == "crisis" for i in build_worklist(cm_health))
    # Audited: the transfer, the assignment naming it, and each moved item.
    rows = AuditEvent.objects.filter(actor=cm2, action="update")
    assert rows.filter(target_type="transfer", target_id=str(transfer.pk)).exists()
    assignment = rows.get(target_type="enrollment", target_id=str(enrollment.pk))
    assert assignment.details["transfer"] == transfer.pk
    assert rows.filter(target_type="task", target_id=str(open_work["task"].pk)).exists()
    assert rows.filter(target_type="appointment").exists()
    assert AuditEvent.objects.filter(
        actor=cm_health, action="create", target_type="transfer"
    ).exists()
    # The previous case manager is told.
    assert Notification.objects.filter(recipient=cm_health, kind="case_manager_assigned").exists()
    # A second answer is refused, saying why.
    again = receiver.post(f"/transfers/{transfer.pk}/accept/", follow=True)
    assert "no longer waiting" in again.content.decode()


def test_the_receiver_declines_with_a_reason_and_nothing_moves(
    cm_health: Any, cm2: Any, client_health: Any, open_work: dict[str, Any]
) -> None:
    enrollment = Enrollment.objects.get(client=client_health)
    _http(cm_health).post(
        f"/clients/{client_health.pk}/transfer/",
        {"enrollment": enrollment.pk, "to": cm2.pk, "reason": "Leave"},
    )
    transfer = Transfer.objects.get()
    receiver = _http(cm2)
    empty = receiver.post(f"/transfers/{transfer.pk}/decline/", {"decline_reason": " "})
    assert empty.status_code == 422
    assert "Why you decline" in empty.content.decode()
    response = receiver.post(
        f"/transfers/{transfer.pk}/decline/", {"decline_reason": "My caseload is full."}
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "declined"
    assert transfer.decline_reason == "My caseload is full."
    assert Enrollment.objects.get(pk=enrollment.pk).primary_case_manager == cm_health
    assert Task.objects.get(pk=open_work["task"].pk).assignee == cm_health
    told = Notification.objects.filter(recipient=cm_health, kind="transfer")
    assert told.exists()
    declined = [i for i in build_worklist(cm_health) if i.kind == "transfer_declined"]
    assert "My caseload is full." in declined[0].reason


def test_who_may_ask_and_who_may_receive(
    cm_health: Any, cm2: Any, cm_mental_health: Any, client_health: Any, sup_health: Any
) -> None:
    enrollment = Enrollment.objects.get(client=client_health)
    # Another case manager of the program (not this client's) cannot hand the client over.
    assert _http(cm2).get(f"/clients/{client_health.pk}/transfer/").status_code == 403
    # Someone outside the program cannot receive; the error names the field.
    response = _http(sup_health).post(
        f"/clients/{client_health.pk}/transfer/",
        {"enrollment": enrollment.pk, "to": cm_mental_health.pk, "reason": "Leave"},
    )
    assert response.status_code == 422
    assert not Transfer.objects.exists()
    # A supervisor may ask; a second transfer of the same enrollment waits on the first.
    first = _http(sup_health).post(
        f"/clients/{client_health.pk}/transfer/",
        {"enrollment": enrollment.pk, "to": cm2.pk, "reason": "Balancing"},
    )
    assert first.status_code == 302
    again = _http(sup_health).post(
        f"/clients/{client_health.pk}/transfer/",
        {"enrollment": enrollment.pk, "to": cm2.pk, "reason": "Balancing"},
    )
    assert again.status_code == 422
    assert "already waiting" in again.content.decode()
    # The outsider cannot see the transfer at all.
    transfer = Transfer.objects.get()
    assert _http(cm_mental_health).get(f"/transfers/{transfer.pk}/").status_code == 404


def test_the_api_asks_accepts_and_lists_with_the_same_rules(
    cm_health: Any, cm2: Any, client_health: Any, open_work: dict[str, Any]
) -> None:
    enrollment = Enrollment.objects.get(client=client_health)
    sender, receiver = _http(cm_health), _http(cm_2 := cm2)

    def post(http: HttpClient, path: str, body: Any) -> Any:
        return http.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")

    bad = post(
        sender,
        f"/enrollments/{enrollment.pk}/transfers",
        {"to_user_id": cm_health.pk, "reason": "x"},
    )
    assert bad.status_code == 422
    assert "to_user_id" in bad.content.decode()
    created = post(
        sender,
        f"/enrollments/{enrollment.pk}/transfers",
        {"to_user_id": cm_2.pk, "reason": "Leave"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending"
    assert "Call the landlord" in [t["title"] for t in body["summary"]["tasks"]]
    listed = receiver.get("/api/v1/transfers?status=pending")
    assert [t["id"] for t in listed.json()] == [body["id"]]
    assert post(sender, f"/transfers/{body['id']}/accept", {}).status_code == 403
    accepted = post(receiver, f"/transfers/{body['id']}/accept", {})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["moved"]["tasks"] == 3
    assert Enrollment.objects.get(pk=enrollment.pk).primary_case_manager == cm_2
    assert post(receiver, f"/transfers/{body['id']}/decline", {"reason": "x"}).status_code == 409


def test_open_referrals_sent_by_the_previous_case_manager_move_and_closed_ones_stay(
    cm_health: Any, cm2: Any, client_health: Any, programs: Any
) -> None:
    from casework.referrals.models import Referral

    program = programs["healthcare"]

    def referral(status: str) -> Any:
        return Referral.objects.create(
            client=client_health,
            organization=client_health.organization,
            referring_program=program,
            referred_by=cm_health,
            recipient_program=programs["mental_health"],
            recipient_organization=client_health.organization,
            reason="Needs counselling.",
            status=status,
        )

    draft, closed = referral("requested"), referral("completed")
    enrollment = Enrollment.objects.get(client=client_health)
    from casework.caseload import transfers

    transfer = transfers.transfer_request(
        actor=cm_health, enrollment=enrollment, to=cm2, reason="Leave"
    )
    assert [r["id"] for r in transfer.summary["referrals"]] == [draft.pk]
    done = transfers.transfer_accept(actor=cm2, transfer=transfer)
    assert done.moved["referrals"] == 1
    assert Referral.objects.get(pk=draft.pk).referred_by == cm2
    assert Referral.objects.get(pk=closed.pk).referred_by == cm_health
    assert AuditEvent.objects.filter(
        actor=cm2, target_type="referral", target_id=str(draft.pk), action="update"
    ).exists()

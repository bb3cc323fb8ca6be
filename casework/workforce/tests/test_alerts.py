"""Expiry alerts at 90/60/30 days (each once), expired credentials, affected clients."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.utils import timezone

from casework.accounts.models import Program, Role, User
from casework.clients.models import Client
from casework.notifications.models import Notification
from casework.workforce import services
from casework.workforce.models import Licence
from casework.workforce.tests.conftest import add_certification, add_licence

pytestmark = pytest.mark.django_db


def alerts(user: User) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="credential_expiry")
        .order_by("id")
        .values_list("title", flat=True)
    )


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [(90, "90"), (61, "90"), (60, "60"), (31, "60"), (30, "30"), (1, "30")],
)
def test_alert_at_each_threshold_to_staff_and_supervisor_once(
    cm_health: User, sup_health: User, cm_mental_health: User, days_left: int, threshold: str
) -> None:
    today = date(2026, 3, 1)
    licence = add_licence(cm_health, expires_on=today + timedelta(days=days_left))
    assert services.credentials_sweep(today=today) == 2
    assert services.credentials_sweep(today=today) == 0  # the second run sends nothing
    assert alerts(cm_health) == [
        f"Your RN (NY) licence expires on {licence.expires_on} ({days_left} days)"
    ]
    assert alerts(sup_health) == [
        f"Cm Healthcare's RN (NY) licence expires on {licence.expires_on} ({days_left} days)"
    ]
    assert alerts(cm_mental_health) == []  # not their supervisor
    key = Notification.objects.filter(recipient=cm_health).get().dedupe_key
    assert key.endswith(f":{threshold}")


def test_no_alert_more_than_90_days_before(cm_health: User) -> None:
    today = date(2026, 3, 1)
    add_licence(cm_health, expires_on=today + timedelta(days=91))
    assert services.credentials_sweep(today=today) == 0


def test_daily_sweeps_alert_once_per_threshold_then_on_expiry(
    cm_health: User, sup_health: User
) -> None:
    start = date(2026, 1, 1)
    cert = add_certification(
        cm_health, "CCM", issued_on=date(2021, 4, 1), expires_on=start + timedelta(days=95)
    )
    for offset in range(0, 100):
        services.credentials_sweep(today=start + timedelta(days=offset))
    titles = alerts(cm_health)
    assert len(titles) == 4
    assert [t.split("(")[-1] for t in titles[:3]] == ["90 days)", "60 days)", "30 days)"]
    assert titles[3] == f"Your CCM certification expired on {cert.expires_on}"
    assert len(alerts(sup_health)) == 4


def test_sweep_command_and_task(cm_health: User) -> None:
    from casework.workforce.tasks import credentials_sweep_task

    add_licence(cm_health, expires_on=timezone.localdate() + timedelta(days=10))
    call_command("credentials", "sweep")
    assert len(alerts(cm_health)) == 1
    credentials_sweep_task.enqueue()
    call_command("credentials", "sweep")
    assert len(alerts(cm_health)) == 1


@pytest.fixture
def expired_rn(
    programs: dict[str, Program],
    org_admin: User,
    cm_health: User,
    make_client: Callable[..., Client],
) -> Client:
    """cm_health's RN lapsed after they took a client in a program that requires it."""
    licence = add_licence(
        cm_health, "RN", "NY", expires_on=timezone.localdate() + timedelta(days=5)
    )
    services.credential_requirement_set(
        actor=org_admin, program=programs["healthcare"], role=Role.CASE_MANAGER, any_of=["RN"]
    )
    client = make_client(
        "healthcare", actor=cm_health, cm=cm_health, given_name="Dolores", family_name="Abernathy"
    )
    Licence.objects.filter(pk=licence.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    return client


def test_supervisor_page_lists_affected_clients_for_reassignment(
    expired_rn: Client, sup_health: User, cm_mental_health: User
) -> None:
    http = HttpClient()
    http.force_login(sup_health)
    page = http.get("/credentials/supervision/").content.decode()
    assert "Cm Healthcare" in page
    assert "Abernathy" in page
    assert "does not hold a current RN issued in NY" in page
    other = HttpClient()
    other.force_login(cm_mental_health)
    assert other.get("/credentials/supervision/").status_code == 403


def test_dashboard_tag_lists_affected_clients_to_the_supervisor_only(
    expired_rn: Client, sup_health: User, cm_mental_health: User
) -> None:
    template = Template("{% load workforce_tags %}{% supervisor_credential_alerts %}")
    request = RequestFactory().get("/")
    request.user = sup_health
    html = template.render(Context({"request": request}))
    assert "Clients to reassign" in html
    assert "Abernathy" in html
    request.user = cm_mental_health
    assert "Abernathy" not in template.render(Context({"request": request}))


def test_compliance_report_and_csv(
    expired_rn: Client, org_admin: User, cm_health: User, cm_mental_health: User
) -> None:
    http = HttpClient()
    http.force_login(org_admin)
    page = http.get("/credentials/compliance/").content.decode()
    assert "Missing required credential" in page
    assert "Expired credential" in page
    csv = http.get("/credentials/compliance.csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0] == "staff,email,program,finding,detail,affected_clients"
    assert any("cm.healthcare@example.org" in line and ",1" in line for line in lines[1:])
    denied = HttpClient()
    denied.force_login(cm_mental_health)
    assert denied.get("/credentials/compliance/").status_code == 403
    assert denied.get("/credentials/compliance.csv").status_code == 403


def test_dashboard_tag_query_count_does_not_grow_with_staff(
    expired_rn: Client, programs: dict[str, Program], sup_health: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.accounts import services as accounts
    from casework.workforce.models import CredentialException

    template = Template("{% load workforce_tags %}{% supervisor_credential_alerts %}")
    request = RequestFactory().get("/")
    request.user = sup_health

    def render_counting() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            html = template.render(Context({"request": request}))
        return len(queries), html

    first, _ = render_counting()
    admin = User.objects.get(email="admin@example.org")
    for n in range(5):
        newcomer = accounts.user_create(
            actor=None, email=f"cm{n}@example.org", full_name=f"New {n}"
        )
        services.credential_exception_grant(  # let them join, then let the exception lapse
            actor=admin,
            user=newcomer,
            program=programs["healthcare"],
            reason="Joining",
            ends_on=timezone.localdate(),
        )
        accounts.membership_grant(
            actor=None, user=newcomer, role=Role.CASE_MANAGER, program=programs["healthcare"]
        )
    CredentialException.objects.update(
        ends_on=timezone.localdate() - timedelta(days=1),
        starts_on=timezone.localdate() - timedelta(days=1),
    )
    second, html = render_counting()
    assert "New 4" in html
    assert second <= first  # the first render also computed the supervisor's access


def test_compliance_lists_a_renewal_due_soon_with_ce_incomplete(
    cm_health: User, org_admin: User
) -> None:
    deadline = timezone.localdate() + timedelta(days=40)
    add_certification(
        cm_health, "CCM", issued_on=deadline - timedelta(days=5 * 365), expires_on=deadline
    )
    http = HttpClient()
    http.force_login(org_admin)
    page = http.get("/credentials/compliance/").content.decode()
    assert "Renewal CE incomplete" in page
    assert f"80 more CE hours before {deadline}" in page
    services.continuing_education_create(
        actor=cm_health,
        user=cm_health,
        data={
            "provider": "CCMC",
            "course": "Ethics",
            "completed_on": timezone.localdate(),
            "hours": 80,
            "category": "ethics",
        },
    )
    assert "Renewal CE incomplete" not in http.get("/credentials/compliance/").content.decode()

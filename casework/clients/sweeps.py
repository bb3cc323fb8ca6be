"""The clients app's daily sweeps (run by ``casework notifications sweep``): consents
expiring or due for review, and clients without a primary case manager. Each alert goes
out once."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Max

from casework.accounts.models import Membership, Program, Role
from casework.clients.consent import consent_expiry_sweep
from casework.clients.consent_events import consent_review_sweep
from casework.clients.models import Enrollment
from casework.notifications.services import notify
from casework.notifications.sweeps import sweep


@sweep("consents", "Consents expiring within 30 days, and consent events due for review")
def consents(day: date) -> int:
    return consent_expiry_sweep() + consent_review_sweep(today=day)


@sweep("clients-unassigned", "Clients in open enrollments without a primary case manager")
def clients_unassigned(day: date) -> int:
    """Tell each program's supervisors how many open enrollments have no primary case
    manager; once per newest such enrollment, so a new one brings a new reminder."""
    rows = (
        Enrollment.objects.open()
        .filter(primary_case_manager__isnull=True)
        .values("program_id")
        .annotate(waiting=Count("id"), newest=Max("id"))
    )
    programs = Program.objects.in_bulk([row["program_id"] for row in rows])
    sent = 0
    for row in rows:
        program, n = programs[row["program_id"]], row["waiting"]
        supervisors = [
            m.user
            for m in Membership.objects.active()
            .filter(program=program, role=Role.SUPERVISOR)
            .select_related("user")
        ]
        sent += len(
            notify(
                recipients=supervisors,
                kind="clients_unassigned",
                level="warning",
                title=f"{n} client{'s' if n != 1 else ''} in {program.name} "
                f"{'have' if n != 1 else 'has'} no case manager",
                body="Choose a primary case manager for each, so someone follows them up.",
                url=f"/caseloads/reassign/?program={program.pk}&from=none",
                dedupe_key=f"clients-unassigned:{program.pk}:{row['newest']}",
            )
        )
    return sent

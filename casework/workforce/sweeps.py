"""The workforce's daily sweeps (run by ``casework notifications sweep``): credentials
expiring, continuing education behind six months before a renewal, supervised hours
waiting for a signature, and competency reviews due. Each alert goes out once."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Max

from casework.accounts.models import User
from casework.notifications.services import notify
from casework.notifications.sweeps import sweep
from casework.workforce import queries
from casework.workforce.development.queries import reviews_due_sweep
from casework.workforce.eligibility import add_months
from casework.workforce.models import Certification, Licence, SupervisedHours
from casework.workforce.services import credentials_sweep

CE_WARNING_MONTHS = 6


@sweep("credentials", "Licences and certifications expiring at 90/60/30 days or expired")
def credentials(day: date) -> int:
    return credentials_sweep(today=day)


@sweep("competency-reviews", "Competency reviews due soon or overdue")
def competency_reviews(day: date) -> int:
    return reviews_due_sweep(today=day)


def _staff_with_renewals(day: date) -> list[User]:
    """Active staff holding a current credential (the ones a renewal rule may apply to)."""
    current = {"status": "active", "user__is_active": True}
    ids = set(Licence.objects.filter(**current).values_list("user_id", flat=True))
    ids |= set(Certification.objects.filter(**current).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


@sweep("ce-shortfall", "Continuing education short of a renewal, six months before it")
def ce_shortfall(day: date) -> int:
    """Tell the staff member and their supervisors, once per credential and renewal
    deadline, when the CE logged is short of what the renewal requires within six months
    of the deadline."""
    horizon = add_months(day, CE_WARNING_MONTHS)
    sent = 0
    for staff in _staff_with_renewals(day):
        record = queries.staff_record(staff)
        for renewal in queries.renewals_for(staff, record, today=day):
            deadline = date.fromisoformat(renewal["deadline"])
            if renewal["met"] or not day <= deadline <= horizon:
                continue
            short = max(renewal["required_hours"] - renewal["earned_hours"], 0)
            missing = "; ".join(renewal["missing"])
            key = f"ce-shortfall:{staff.pk}:{renewal['code']}:{deadline}"
            what = f"{renewal['name']} renews on {deadline:%b %-d, %Y}"
            sent += len(
                notify(
                    recipients=[staff],
                    title=f"Continuing education behind: your {what}",
                    body=f"Still needed: {missing}." if missing else f"{short:g} CE hours short.",
                    url="/credentials/",
                    kind="ce_shortfall",
                    level="warning",
                    dedupe_key=key,
                )
            )
            sent += len(
                notify(
                    recipients=queries.supervisors_of(staff),
                    title=f"Continuing education behind: {staff}'s {what}",
                    body=f"{short:g} CE hours short of the renewal requirement.",
                    url="/credentials/supervision/",
                    kind="ce_shortfall",
                    level="warning",
                    dedupe_key=key,
                )
            )
    return sent


@sweep("hours-to-sign", "Supervised hours waiting for the supervisor's signature")
def hours_to_sign(day: date) -> int:
    """One reminder per supervisor for the entries waiting for their signature; a new
    entry brings a new reminder, a repeated run nothing."""
    waiting = (
        SupervisedHours.objects.filter(signed_at__isnull=True, supervisor__is_active=True)
        .values("supervisor_id")
        .annotate(entries=Count("id"), newest=Max("id"))
    )
    supervisors = User.objects.in_bulk([row["supervisor_id"] for row in waiting])
    sent = 0
    for row in waiting:
        n = row["entries"]
        sent += len(
            notify(
                recipients=[supervisors[row["supervisor_id"]]],
                kind="hours_to_sign",
                title=f"{n} supervised-hours entr{'y waits' if n == 1 else 'ies wait'} "
                "for your signature",
                body="Signed entries count toward your supervisees' credentials.",
                url="/credentials/supervision/",
                dedupe_key=f"hours-to-sign:{row['supervisor_id']}:{row['newest']}",
            )
        )
    return sent

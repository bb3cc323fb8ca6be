"""Who sees whose development record: staff their own, supervisors their team's, nobody
else (not organization admins, not auditors). Same 404 for missing and forbidden."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from casework.accounts.access import access_for
from casework.accounts.models import Membership, User
from casework.core.exceptions import NotFound


def team_of(actor: Any) -> QuerySet[User]:
    """Active staff with a role in a program ``actor`` supervises (never ``actor``)."""
    access = access_for(actor)
    if access.user_id is None or not access.supervised_program_ids:
        return User.objects.none()
    members = Membership.objects.active().filter(program_id__in=access.supervised_program_ids)
    return (
        User.objects.filter(pk__in=members.values("user_id"), is_active=True)
        .exclude(pk=access.user_id)
        .distinct()
    )


def development_visible_to(actor: Any) -> QuerySet[User]:
    """The actor and their team."""
    access = access_for(actor)
    if access.user_id is None:
        return User.objects.none()
    return User.objects.filter(
        Q(pk=access.user_id) | Q(pk__in=team_of(actor).values("pk")), is_active=True
    )


def supervises(actor: Any, staff: User) -> bool:
    return team_of(actor).filter(pk=staff.pk).exists()


def _pk(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise NotFound("Not found.") from None


def access_development_staff(actor: Any, user_id: object) -> User:
    staff = development_visible_to(actor).filter(pk=_pk(user_id)).first()
    if staff is None:
        raise NotFound("No such staff member.")
    return staff


def access_review(actor: Any, review_id: object) -> Any:
    """A review of the actor or of someone on their team, else NotFound."""
    from casework.workforce.development.models import CompetencyReview

    review = (
        CompetencyReview.objects.filter(pk=_pk(review_id), staff__in=development_visible_to(actor))
        .select_related("staff", "supervisor", "framework")
        .first()
    )
    if review is None:
        raise NotFound("No such review.")
    return review


def access_goal(actor: Any, goal_id: object) -> Any:
    from casework.workforce.development.models import DevelopmentGoal

    goal = (
        DevelopmentGoal.objects.filter(pk=_pk(goal_id), staff__in=development_visible_to(actor))
        .select_related("staff", "evidence_ce")
        .first()
    )
    if goal is None:
        raise NotFound("No such goal.")
    return goal

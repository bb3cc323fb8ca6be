"""Who may see and change whose staff record. Same 404 for missing and forbidden."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from casework.accounts.access import access_for
from casework.accounts.models import Membership, Program, User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.core.exceptions import NotFound


def staff_visible_to(actor: Any) -> QuerySet[User]:
    """Staff whose records ``actor`` may read: themself, the staff of programs they
    supervise, and everyone with a role in an organization they administer."""
    access = access_for(actor)
    if access.user_id is None:
        return User.objects.none()
    members = Membership.objects.active().filter(
        Q(program_id__in=access.supervised_program_ids)
        | Q(organization_id__in=access.admin_org_ids)
    )
    return User.objects.filter(
        Q(pk=access.user_id) | Q(pk__in=members.values("user_id")), is_active=True
    ).distinct()


def access_staff(actor: Any, user_id: object, *, audit: bool = True) -> User:
    """The staff member ``user_id`` if ``actor`` may read their record, else NotFound.

    The read is recorded here (a view of the staff record), so the page and the API that
    show it write no audit rows themselves; ``audit=False`` for a caller that records a
    more specific event.
    """
    try:
        pk = int(str(user_id))
    except ValueError:
        raise NotFound("No such staff member.") from None
    staff = staff_visible_to(actor).filter(pk=pk).first()
    if staff is None:
        raise NotFound("No such staff member.")
    if audit:
        record(
            actor=actor,
            action=AuditAction.VIEW,
            target_type="workforce.staff_record",
            target_id=staff.pk,
        )
    return staff


def can_verify(actor: Any, staff: User) -> bool:
    """Org admins verify the credentials of their organization's staff, never their own."""
    access = access_for(actor)
    if access.user_id is None or access.user_id == staff.pk:
        return False
    return (
        Membership.objects.active()
        .filter(user=staff, organization_id__in=access.admin_org_ids)
        .exists()
    )


def can_manage_program(actor: Any, program: Program) -> bool:
    """Org admins set a program's credential requirements and grant exceptions."""
    return program.organization_id in access_for(actor).admin_org_ids


def can_edit_rules(actor: Any, organization: Any = None) -> bool:
    """Platform administrators edit the published rules every agency shares; an org admin
    edits their own agency's override of them."""
    if organization is not None:
        return organization.pk in access_for(actor).admin_org_ids
    return bool(getattr(actor, "is_active", False) and getattr(actor, "is_superuser", False))


def rule_scope(actor: Any) -> tuple[Any, bool]:
    """Whose rules ``actor`` edits: (organization or None for the published rules, allowed).

    An org admin edits their agency's overrides; a platform administrator who administers
    no agency edits the published rules.
    """
    from casework.accounts.models import Organization

    org_ids = sorted(access_for(actor).admin_org_ids)
    if org_ids:
        return Organization.objects.get(pk=org_ids[0]), True
    return None, can_edit_rules(actor)


def primary_organization_id(user: Any) -> int | None:
    """The agency whose rule overrides apply to ``user`` (their first active membership)."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return None
    row = (
        Membership.objects.active()
        .filter(user_id=pk)
        .order_by("pk")
        .values_list("organization_id", flat=True)
        .first()
    )
    return row


def can_see_compliance(actor: Any) -> bool:
    access = access_for(actor)
    return bool(access.admin_org_ids or access.supervised_program_ids)


def _pk(value: object) -> int:
    """A primary key from a URL or payload; anything else is simply not found."""
    try:
        return int(str(value))
    except ValueError:
        raise NotFound("Not found.") from None


def access_hours_to_sign(actor: Any, entry_id: object) -> Any:
    """An entry that names ``actor`` as its supervisor; anyone else gets NotFound."""
    from casework.workforce.models import SupervisedHours

    entry = SupervisedHours.objects.filter(
        pk=_pk(entry_id), supervisor_id=getattr(actor, "pk", None)
    )
    found = entry.select_related("user").first()
    if found is None:
        raise NotFound("No such entry awaiting your signature.")
    return found


def access_certificate(actor: Any, entry_id: object) -> Any:
    """A CE entry with a certificate whose owner's record ``actor`` may read, else NotFound."""
    from casework.workforce.models import ContinuingEducation

    entry = (
        ContinuingEducation.objects.filter(pk=_pk(entry_id), user__in=staff_visible_to(actor))
        .exclude(certificate="")
        .first()
    )
    if entry is None:
        raise NotFound("No such certificate.")
    return entry


def access_credential(actor: Any, kind: str, credential_id: object) -> Any:
    """A licence, certification or exam result of a staff member ``actor`` may read, else
    NotFound."""
    from casework.workforce.models import Certification, ExamResult, Licence

    visible = staff_visible_to(actor)
    found: Licence | Certification | ExamResult | None = None
    if kind == "licence":
        found = Licence.objects.filter(pk=_pk(credential_id), user__in=visible).first()
    elif kind == "certification":
        found = Certification.objects.filter(pk=_pk(credential_id), user__in=visible).first()
    elif kind == "exam":
        found = ExamResult.objects.filter(pk=_pk(credential_id), user__in=visible).first()
    if found is None:
        raise NotFound("No such credential.")
    return found


def access_own_entry(actor: Any, model: Any, entry_id: object) -> Any:
    """One of the actor's own record entries (a signed hours entry is not editable)."""
    qs = model.objects.filter(pk=_pk(entry_id), user_id=getattr(actor, "pk", None))
    if model.__name__ == "SupervisedHours":
        qs = qs.filter(signed_at__isnull=True)
    found = qs.first()
    if found is None:
        raise NotFound("No such entry.")
    return found

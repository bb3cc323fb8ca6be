"""Merging duplicate clients, undoing a merge, and the duplicates review queue (issue 3).

A merge repoints every row that refers to the merged client (in any app: the links are
found from the model graph, so later apps are covered without changes here) to the
survivor, keeps the merged record's names as aliases of the survivor, deactivates the merged
record, and stores what it moved so that ``client_unmerge`` restores every row exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from casework.accounts.access import access_for
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.models import (
    Client,
    ClientMerge,
    ClientName,
    DuplicateCandidate,
    Enrollment,
)
from casework.core.exceptions import NotFound, PermissionDenied

# Rows that describe the merge itself, not the person: never repointed.
_NOT_MOVED = {"clients.clientmerge", "clients.duplicatecandidate", "clients.client"}


def _links() -> list[tuple[type[models.Model], str]]:
    """Every (model, foreign key field) that points at a client."""
    found = []
    for rel in Client._meta.related_objects:
        model = rel.related_model
        if isinstance(model, str):  # an unresolved "self" never reaches a ready registry
            continue
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if label in _NOT_MOVED or not (rel.one_to_many or rel.one_to_one):
            continue
        found.append((model, rel.field.name))
    return found


def _json(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _snapshot(client: Client) -> dict[str, Any]:
    return {
        f.attname: _json(getattr(client, f.attname))
        for f in Client._meta.concrete_fields
        if f.attname not in {"ssn_encrypted"}
    }


def can_merge(user: Any, *clients: Client) -> bool:
    """Org admins, or supervisors of a program each client is enrolled in."""
    access = access_for(user)
    for client in clients:
        if client.organization_id in access.admin_org_ids:
            continue
        programs = Enrollment.objects.filter(client=client).values_list("program_id", flat=True)
        if not set(programs) & access.supervised_program_ids:
            return False
    return True


def _check_merge(actor: Any, survivor: Client, merged: Client) -> None:
    if survivor.pk == merged.pk:
        raise ValidationError({"merged": "Choose two different clients."})
    if survivor.organization_id != merged.organization_id:
        raise NotFound("client")
    if not survivor.is_active or not merged.is_active:
        raise ValidationError({"merged": "One of these records was already merged."})
    if not can_merge(actor, survivor, merged):
        raise PermissionDenied("Only supervisors of both clients' programs may merge them.")
    open_programs = set(
        Enrollment.objects.open().filter(client=survivor).values_list("program__name", flat=True)
    )
    clash = open_programs & set(
        Enrollment.objects.open().filter(client=merged).values_list("program__name", flat=True)
    )
    if clash:
        raise ValidationError(
            {
                "merged": f"Both are enrolled in {', '.join(sorted(clash))}: "
                "close one of the enrollments first."
            }
        )


def _alias_rows(actor: Any, survivor: Client, merged: Client) -> list[int]:
    names = {
        (n.given_name, n.middle_name, n.family_name)
        for n in ClientName.objects.filter(client=merged)
    }
    names.add((merged.given_name, merged.middle_name, merged.family_name))
    names.discard((survivor.given_name, survivor.middle_name, survivor.family_name))
    ids = []
    for given, middle, family in sorted(names):
        alias = ClientName.objects.create(
            organization_id=survivor.organization_id,
            client=survivor,
            kind=ClientName.Kind.MERGED,
            given_name=given,
            middle_name=middle,
            family_name=family,
            note=f"From merged record {merged.pk}",
        )
        ids.append(alias.pk)
    return ids


def _repoint(moved: dict[str, list[int]], source: int, target: int) -> None:
    for key, ids in moved.items():
        app_label, model_name, field = key.split(".")
        model = apps.get_model(app_label, model_name)
        values: dict[str, Any] = {f"{field}_id": target}
        if any(f.name == "version" for f in model._meta.fields):
            values["version"] = F("version") + 1
        model._default_manager.filter(pk__in=ids, **{f"{field}_id": source}).update(**values)


@transaction.atomic
def client_merge(
    *, actor: Any, survivor: Client, merged: Client, candidate: DuplicateCandidate | None = None
) -> ClientMerge:
    """Fold ``merged`` into ``survivor``; audited with the merged record's pre-merge state."""
    _check_merge(actor, survivor, merged)
    snapshot = _snapshot(merged)
    moved: dict[str, list[int]] = {}
    for model, field in _links():
        ids = list(
            model._default_manager.filter(**{f"{field}_id": merged.pk}).values_list("pk", flat=True)
        )
        if ids:
            moved[f"{model._meta.app_label}.{model._meta.model_name}.{field}"] = ids
    _repoint(moved, merged.pk, survivor.pk)
    alias_ids = _alias_rows(actor, survivor, merged)
    Client.objects.filter(pk=merged.pk).update(
        is_active=False, merged_into=survivor, version=F("version") + 1
    )
    merge = ClientMerge.objects.create(
        organization_id=survivor.organization_id,
        survivor=survivor,
        merged=merged,
        candidate=candidate,
        moved=moved,
        snapshot=snapshot,
        alias_ids=alias_ids,
        performed_by=actor,
    )
    if candidate is not None:
        _decide(candidate, DuplicateCandidate.Status.MERGED, actor)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="client_merge",
        target_id=merge.pk,
        client_id=survivor.pk,
        organization_id=survivor.organization_id,
        details={"merged_client": merged.pk, "moved": moved, "pre_merge": snapshot},
    )
    return merge


@transaction.atomic
def client_unmerge(*, actor: Any, merge: ClientMerge) -> Client:
    """Undo a merge: every moved row goes back, the aliases it added go, the record returns."""
    if merge.undone_at is not None:
        raise ValidationError({"merge": "This merge was already undone."})
    survivor, merged = merge.survivor, merge.merged
    if not can_merge(actor, survivor):
        raise PermissionDenied("Only supervisors of the client's programs may undo a merge.")
    _repoint(merge.moved, survivor.pk, merged.pk)
    removed = ClientName.objects.filter(pk__in=merge.alias_ids, client=survivor)
    removed_names = [str(n) for n in removed]
    removed.delete()  # only the aliases this merge made; their names are in the audit row
    Client.objects.filter(pk=merged.pk).update(
        is_active=True, merged_into=None, version=F("version") + 1
    )
    ClientMerge.objects.filter(pk=merge.pk).update(undone_at=timezone.now(), undone_by=actor)
    if merge.candidate_id:
        DuplicateCandidate.objects.filter(pk=merge.candidate_id).update(
            status=DuplicateCandidate.Status.OPEN, decided_by=None, decided_at=None
        )
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="client_unmerge",
        target_id=merge.pk,
        client_id=merged.pk,
        organization_id=merged.organization_id,
        details={
            "survivor": survivor.pk,
            "restored": merge.moved,
            "aliases_removed": removed_names,
        },
    )
    return Client.objects.get(pk=merged.pk)


def _decide(candidate: DuplicateCandidate, status: str, actor: Any) -> None:
    DuplicateCandidate.objects.filter(pk=candidate.pk).update(
        status=status, decided_by=actor, decided_at=timezone.now()
    )


@transaction.atomic
def duplicate_mark_not_duplicate(*, actor: Any, candidate: DuplicateCandidate) -> None:
    """Remember that the pair is two people; matcher runs will not raise it again."""
    if not can_merge(actor, candidate.client_a, candidate.client_b):
        raise PermissionDenied("Only supervisors of both clients' programs may decide.")
    _decide(candidate, DuplicateCandidate.Status.NOT_DUPLICATE, actor)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="duplicate_candidate",
        target_id=candidate.pk,
        client_id=candidate.client_a_id,
        organization_id=candidate.organization_id,
        changes={"status": [candidate.status, "not_duplicate"]},
        details={"other_client": candidate.client_b_id},
    )


def duplicate_candidates_record(
    *, organization_id: int, pairs: Iterable[tuple[int, int, float, list[str]]]
) -> int:
    """Queue matcher pairs ``(id_a, id_b, score, reasons)``; decided pairs stay decided."""
    added = 0
    for id_a, id_b, score, reasons in pairs:
        low, high = sorted((int(id_a), int(id_b)))
        row, created = DuplicateCandidate.objects.get_or_create(
            client_a_id=low,
            client_b_id=high,
            defaults={"organization_id": organization_id, "score": score, "reasons": reasons},
        )
        if created:
            added += 1
        elif row.status == DuplicateCandidate.Status.OPEN:
            DuplicateCandidate.objects.filter(pk=row.pk).update(score=score, reasons=reasons)
    return added


def duplicate_queue(user: Any) -> models.QuerySet[DuplicateCandidate]:
    """Open pairs the user may decide: both clients visible, in programs they supervise."""
    visible = Client.objects.visible_to(user).filter(is_active=True).values("pk")
    return (
        DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
        .filter(client_a__in=visible, client_b__in=visible)
        .select_related("client_a", "client_b")
    )

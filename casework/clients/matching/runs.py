"""One matcher run over the database: the service behind `casework match` and the page.

Both the command line (no files) and the duplicates page's "run the matcher" button call
:func:`match_run` once per organization. It reads the clients it is given (the page: the
active clients the reviewer may see; the command: every active client, or those a named
reviewer may see), treats unusable values as missing, fits the model on those clients
(:func:`pipeline.fit`: EM on 1,000 clients or more, else the shipped model), scores, puts
the pairs and their plain-words reasons in the review queue, and records one audit row
for the read, in one transaction with the queueing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from casework.clients.matching import cleaning, pipeline
from casework.clients.matching.cleaning import Problem
from casework.clients.matching.cli import model_source
from casework.clients.matching.database import pairs_with_reasons, people_by_organization
from casework.clients.matching.model import Model
from casework.clients.matching.records import features
from casework.clients.matching.table import FeatureTable

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from casework.clients.models import Client

Pair = tuple[int, int, float, list[str]]


@dataclass
class MatchRun:
    """What one organization's run read, found and queued."""

    organization_id: int
    clients: int
    pairs: list[Pair] = field(default_factory=list)
    added: int = 0
    model: Model | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def model_source(self) -> str:
        return model_source(self.model)


def reviewable_clients(user: Any) -> QuerySet[Client]:
    """Active clients the user may see, in organizations where they review duplicates.

    Reviewers are organization admins and program supervisors (as on the duplicates
    page); anyone else gets no clients.
    """
    from casework.accounts.access import access_for
    from casework.clients.models import Client

    access = access_for(user)
    orgs = set(access.admin_org_ids) | {
        access.program_org[p] for p in access.supervised_program_ids if p in access.program_org
    }
    return Client.objects.visible_to(user).filter(is_active=True, organization_id__in=orgs)


def match_run(
    *,
    actor: Any,
    organization_id: int,
    clients: QuerySet[Client],
    channel: str,
    actor_label: str = "",
    threshold: float = pipeline.DEFAULT_THRESHOLD,
    model: Model | None = None,
    strict: bool = False,
) -> MatchRun:
    """Match ``clients`` of one organization and queue the pairs found (see the module).

    ``actor`` (None for the command line, then ``actor_label`` names it) is recorded with
    ``channel`` in the audit row. ``model``: given parameters, else fitted on these clients.
    ``strict``: raise :class:`cleaning.UnusableValueError` for the first unusable value
    instead of treating it as missing (nothing is queued or audited then).
    """
    from django.db import transaction

    from casework.clients.merge import duplicate_candidates_record

    people = people_by_organization(clients.filter(organization_id=organization_id))
    found_people, problems = cleaning.clean_people(people.get(organization_id, []), dt.date.today())
    if strict and problems:
        raise cleaning.UnusableValueError(problems[0])
    run = MatchRun(organization_id, len(found_people), problems=problems)
    if len(found_people) < 2:
        return run
    table = FeatureTable.from_people(found_people)
    run.model = model or pipeline.fit(table)
    scored, _ = pipeline.dedupe(table, model=run.model, threshold=threshold)
    involved = {pair.id_a for pair in scored} | {pair.id_b for pair in scored}
    records = [features(p) for p in found_people if p.id in involved]
    run.pairs = pairs_with_reasons(records=records, pairs=scored, model=run.model)
    with transaction.atomic():  # the queued pairs and the run's audit row go together
        _audit(actor, actor_label, channel, run)
        run.added = duplicate_candidates_record(organization_id=organization_id, pairs=run.pairs)
    return run


def _audit(actor: Any, actor_label: str, channel: str, run: MatchRun) -> None:
    from casework.audit.models import AuditAction
    from casework.audit.services import record

    record(
        actor=actor,
        actor_label=actor_label,
        action=AuditAction.EXPORT,
        target_type="client_match_run",
        organization_id=run.organization_id,
        details={
            "clients": run.clients,
            "pairs": len(run.pairs),
            "channel": channel,
            "model": run.model_source,
            "unusable_values": len(run.problems),
        },
    )

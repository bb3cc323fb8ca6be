"""The duplicates review queue and the merges it leads to (issue 3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from casework.accounts.models import Organization
from casework.clients.models.client import Client


class DuplicateCandidate(models.Model):
    """A pair of clients the matcher thinks may be one person, awaiting a supervisor.

    ``client_a`` has the lower id, so a pair is stored once. A "not a duplicate" decision is
    remembered: later matcher runs leave the pair alone.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting review"
        MERGED = "merged", "Merged"
        NOT_DUPLICATE = "not_duplicate", "Not a duplicate"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client_a = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    client_b = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["organization", "status", "-score"], name="dupe_queue")]
        constraints = [
            models.UniqueConstraint(fields=["client_a", "client_b"], name="dupe_pair_once"),
            models.CheckConstraint(
                condition=Q(client_a__lt=F("client_b")), name="dupe_pair_ordered"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="dupe_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_a_id} ~ {self.client_b_id} ({self.score:.2f})"


class ClientMerge(models.Model):
    """One merge: ``merged`` folded into ``survivor``. Holds what undoing it needs.

    ``moved`` maps ``"app_label.model.field"`` to the ids of the rows whose foreign key was
    repointed; ``snapshot`` is the merged client's own fields before the merge.
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    survivor = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="merges_survived")
    merged = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="merges_absorbed")
    candidate = models.ForeignKey(
        DuplicateCandidate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moved = models.JSONField(default=dict)
    snapshot = models.JSONField(default=dict)
    alias_ids = models.JSONField(default=list)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    performed_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-performed_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(survivor=F("merged")), name="merge_two_clients"),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} into {self.survivor_id}"

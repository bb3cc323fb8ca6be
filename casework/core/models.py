"""Abstract bases shared by the domain apps. No domain logic lives here."""

from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A row with an optimistic-concurrency version, exposed as the HTTP ETag.

    Services bump ``version`` with a conditional UPDATE (see
    :func:`casework.core.concurrency.save_versioned`), so of two writers holding the same
    version exactly one succeeds and the other gets :class:`StaleVersion`.
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

"""The append-only audit trail (HIPAA 45 CFR 164.312(b); ASVS V16).

There is no update or delete path in code: ``save()`` refuses an existing row, ``delete()``
and the QuerySet's ``update()``/``delete()`` raise, and database triggers (PostgreSQL and
SQLite, migration 0002) refuse UPDATE and DELETE on the table itself.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    LIST = "list", "Listed"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    REVEAL = "reveal", "Revealed a protected field"
    LOGIN = "login", "Signed in"
    LOGOUT = "logout", "Signed out"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOCKED_OUT = "locked_out", "Locked out"
    TOKEN_USE = "token_use", "Used an API token"
    TOKEN_REFUSED = "token_refused", "Refused an API token"
    DENIED = "denied", "Permission denied"
    PASSWORD_CHANGE = "password_change", "Changed password"
    PASSWORD_RESET = "password_reset", "Password reset"
    TWO_FACTOR = "two_factor", "Two-factor change"


class AppendOnlyError(RuntimeError):
    """Raised by any attempt to change or remove an audit row."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")

    def for_client(self, client_id: int) -> AuditEventQuerySet:
        return self.filter(client_id=client_id)


class AuditEvent(models.Model):
    """Who did what to which record, when, and from where.

    ``client_id`` and ``organization_id`` are plain integers, not foreign keys: the trail
    outlives merges and must never block or cascade from changes to the records it describes.
    """

    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        # audit_actor_time (actor, -occurred_at) serves every lookup by actor; a second
        # index would only cost every append.
        db_index=False,
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    target_type = models.CharField(max_length=50)
    target_id = models.CharField(max_length=64, blank=True)
    client_id = models.BigIntegerField(null=True, blank=True)
    organization_id = models.BigIntegerField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    details = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    channel = models.CharField(max_length=10, default="system")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["client_id", "-occurred_at"], name="audit_client_time"),
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_time"),
            models.Index(fields=["organization_id", "-occurred_at"], name="audit_org_time"),
            models.Index(fields=["action", "-occurred_at"], name="audit_action_time"),
            models.Index(fields=["-occurred_at"], name="audit_time"),
        ]

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M:%S}"
        return f"{when} {self.actor_label} {self.action} {self.target_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("audit events cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")


class DisclosureQuerySet(models.QuerySet["Disclosure"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("disclosures cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("disclosures cannot be deleted")


class Disclosure(models.Model):
    """One showing or sending of a client's information outside the client's own programs.

    The accounting of disclosures (45 CFR 164.528; 42 CFR 2.24 for Part 2 records): who
    received it, which categories, when, and on what basis (a consent, or emergency access).
    Written beside the audit row of the same read (``audit_event``), append-only like it.
    """

    occurred_at = models.DateTimeField(default=timezone.now)
    client_id = models.BigIntegerField()
    organization_id = models.BigIntegerField(help_text="The disclosing organization.")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    recipient_label = models.CharField(max_length=400)
    recipient_organization_ids = models.JSONField(default=list)
    categories = models.JSONField(default=list)
    basis = models.CharField(max_length=20)
    consent_ids = models.JSONField(default=list)
    purpose = models.CharField(max_length=300, blank=True)
    what = models.CharField(max_length=50, help_text="What was shown or sent (a page, export).")
    channel = models.CharField(max_length=10, default="system")
    audit_event = models.ForeignKey(
        AuditEvent, on_delete=models.PROTECT, null=True, related_name="+", db_constraint=False
    )

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["client_id", "-occurred_at"], name="disclosure_client")]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} client {self.client_id} to {self.recipient_label}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("disclosures cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("disclosures cannot be deleted")

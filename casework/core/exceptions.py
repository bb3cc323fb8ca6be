"""Exceptions that services raise and both delivery layers (web, API) translate."""

from __future__ import annotations


class NotFound(Exception):
    """The object does not exist *or* the actor may not see it (the same answer for both)."""


class PermissionDenied(Exception):
    """The actor can see the object but may not perform this action on it."""


class StaleVersion(Exception):
    """The caller's version of a row is out of date: someone else saved first."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"The record was changed by someone else (now version {current_version}).")
        self.current_version = current_version


class PreconditionRequired(Exception):
    """A write to a versioned resource arrived without the version it was based on."""


class Conflict(Exception):
    """The change is refused by the object's state (e.g. a signed note): HTTP 409."""

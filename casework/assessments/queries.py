"""Reads other apps may use (worklists, client lists): no access checks here, callers pass
ids of clients they already gated."""

from __future__ import annotations

from collections.abc import Iterable

from casework.assessments.models import SEVERITY_RANK, RiskFlag


def open_flags_for(client_ids: Iterable[int], *, min_severity: str = "low") -> list[RiskFlag]:
    """Open flags of the given clients at or above ``min_severity``, most severe first.

    For other apps (worklists, lists): the caller has already limited ``client_ids`` to
    clients the user may see; flags carry a consent ``category`` for consent readers.
    """
    allowed = [s for s, rank in SEVERITY_RANK.items() if rank >= SEVERITY_RANK[min_severity]]
    flags = list(
        RiskFlag.objects.open().filter(client_id__in=list(client_ids), severity__in=allowed)
    )
    return sorted(flags, key=lambda f: (-SEVERITY_RANK[f.severity], f.created_at))

"""The referral Task's allowed transitions and the side that makes each.

Source: HL7 / Gravity Project, SDOH Clinical Care IG, profile
SDOHCC-TaskForReferralManagement (status table and state diagram), 2024,
https://hl7.org/fhir/us/sdoh-clinicalcare/. The requester (referring side) drafts, sends and
marks in error; the referral target (receiving side) accepts, rejects, starts, holds,
completes and fails; either side may cancel. The diagram's one arrow from "cancelled" to
"in progress" is read as in-progress -> cancelled (a backwards-drawn arrow: nothing leaves a
cancelled task).
"""

from __future__ import annotations

from casework.referrals.models import Side, Status

REFERRER: frozenset[str] = frozenset({Side.REFERRER})
RECEIVER: frozenset[str] = frozenset({Side.RECEIVER})
EITHER = REFERRER | RECEIVER

_TERMINAL_WORK: dict[str, frozenset[str]] = {Status.COMPLETED: RECEIVER, Status.FAILED: RECEIVER}
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    Status.DRAFT: {Status.REQUESTED: REFERRER},
    Status.REQUESTED: {
        Status.ACCEPTED: RECEIVER,
        Status.REJECTED: RECEIVER,
        Status.CANCELLED: EITHER,
    },
    Status.ACCEPTED: {
        Status.IN_PROGRESS: RECEIVER,
        Status.ON_HOLD: RECEIVER,
        Status.CANCELLED: EITHER,
        **_TERMINAL_WORK,
    },
    Status.IN_PROGRESS: {Status.CANCELLED: EITHER, Status.ON_HOLD: RECEIVER, **_TERMINAL_WORK},
    Status.ON_HOLD: {Status.IN_PROGRESS: RECEIVER, Status.CANCELLED: EITHER, **_TERMINAL_WORK},
    Status.REJECTED: {},
    Status.COMPLETED: {},
    Status.FAILED: {},
    Status.CANCELLED: {},
    Status.ENTERED_IN_ERROR: {},
}
# "Any -> entered-in-error", by the requester.
for _source, _targets in TRANSITIONS.items():
    if _source != Status.ENTERED_IN_ERROR:
        _targets[Status.ENTERED_IN_ERROR] = REFERRER

REASON_REQUIRED = frozenset({Status.REJECTED, Status.CANCELLED})
# The IG asks for a reason text on these too; Casework requires it only where the issue does.
REASON_EXPECTED = frozenset({Status.ON_HOLD, Status.FAILED, Status.ENTERED_IN_ERROR})


def allowed(from_status: str, to_status: str, side: str) -> bool:
    """Whether ``side`` may move a referral from ``from_status`` to ``to_status``."""
    return side in TRANSITIONS.get(from_status, {}).get(to_status, frozenset())


def next_statuses(from_status: str, sides: frozenset[str] | set[str]) -> list[str]:
    """The statuses the holder of ``sides`` may move to from ``from_status``, in order."""
    targets = TRANSITIONS.get(from_status, {})
    return [s for s in Status.values if targets.get(s, frozenset()) & set(sides)]

"""Every allowed and every forbidden referral transition, for each side (Gravity Project
SDOH Clinical Care referral Task), and what each move records."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError

from casework.audit.models import AuditEvent
from casework.core.exceptions import PermissionDenied
from casework.referrals.lifecycle import TRANSITIONS, allowed, next_statuses
from casework.referrals.models import Referral, Side, Status
from casework.referrals.services import Outcome, referral_transition

EXPECTED = {
    # (from, to): the sides that may make the move; every other pair is refused.
    ("draft", "requested"): {"referrer"},
    ("requested", "accepted"): {"receiver"},
    ("requested", "rejected"): {"receiver"},
    ("requested", "cancelled"): {"referrer", "receiver"},
    ("accepted", "in-progress"): {"receiver"},
    ("accepted", "on-hold"): {"receiver"},
    ("accepted", "cancelled"): {"referrer", "receiver"},
    ("accepted", "completed"): {"receiver"},
    ("accepted", "failed"): {"receiver"},
    ("in-progress", "on-hold"): {"receiver"},
    ("in-progress", "cancelled"): {"referrer", "receiver"},
    ("in-progress", "completed"): {"receiver"},
    ("in-progress", "failed"): {"receiver"},
    ("on-hold", "in-progress"): {"receiver"},
    ("on-hold", "cancelled"): {"referrer", "receiver"},
    ("on-hold", "completed"): {"receiver"},
    ("on-hold", "failed"): {"receiver"},
} | {(s, "entered-in-error"): {"referrer"} for s in Status.values if s != "entered-in-error"}

CASES = [
    (old, new, side)
    for old, new in itertools.product(Status.values, Status.values)
    for side in (Side.REFERRER, Side.RECEIVER)
]


def test_the_value_set_excludes_ready_and_received() -> None:
    assert set(Status.values) == {
        "draft", "requested", "accepted", "rejected", "in-progress", "on-hold",
        "completed", "failed", "cancelled", "entered-in-error",
    }  # fmt: skip


def test_the_table_is_exactly_the_implementation_guide_s() -> None:
    table = {
        (old, new): set(sides) for old, targets in TRANSITIONS.items()
        for new, sides in targets.items()
    }  # fmt: skip
    assert table == EXPECTED


@pytest.mark.parametrize(("old", "new", "side"), CASES, ids=lambda v: str(v))
def test_each_transition_is_allowed_only_to_its_side(
    old: str, new: str, side: str, referral: Referral
) -> None:
    Referral.objects.filter(pk=referral.pk).update(status=old, status_reason="x")
    referral.refresh_from_db()
    referral.sides = frozenset({side})
    before = referral.history.count()
    move = allowed(old, new, side)
    assert move == (side in EXPECTED.get((old, new), set()))
    if move:
        referral_transition(actor=referral.referred_by, referral=referral, to=new, reason="Because")
        referral.refresh_from_db()
        assert referral.status == new
        last = referral.history.last()
        assert last is not None
        assert (last.from_status, last.to_status, last.side) == (old, new, side)
        assert referral.history.count() == before + 1
    else:
        with pytest.raises((ValidationError, PermissionDenied)):
            referral_transition(
                actor=referral.referred_by, referral=referral, to=new, reason="Because"
            )
        referral.refresh_from_db()
        assert referral.status == old
        assert referral.history.count() == before


@pytest.mark.parametrize("new", ["rejected", "cancelled"])
def test_rejecting_and_cancelling_need_a_reason(new: str, referral: Referral) -> None:
    referral.sides = frozenset({Side.RECEIVER})
    with pytest.raises(ValidationError, match="Say why"):
        referral_transition(actor=referral.referred_by, referral=referral, to=new)


def test_the_other_side_s_move_names_who_may_make_it(referral: Referral) -> None:
    referral.sides = frozenset({Side.REFERRER})
    with pytest.raises(PermissionDenied, match="Only the receiving side"):
        referral_transition(actor=referral.referred_by, referral=referral, to="accepted")


def test_completion_records_the_outcome_and_is_audited(referral: Referral, partner) -> None:
    referral.sides = frozenset({Side.RECEIVER})
    referral_transition(actor=partner, referral=referral, to="accepted")
    referral_transition(
        actor=partner,
        referral=referral,
        to="completed",
        outcome=Outcome(service_delivered=True, enrolled=True, note="Picked up groceries."),
    )
    referral.refresh_from_db()
    assert (referral.service_delivered, referral.enrolled) == (True, True)
    assert referral.outcome_note == "Picked up groceries."
    assert referral.accepted_at
    assert referral.closed_at
    assert referral.responded_at
    steps = list(referral.history.values_list("to_status", "changed_by__email"))
    assert steps[-2:] == [("accepted", partner.email), ("completed", partner.email)]
    audited = AuditEvent.objects.filter(target_type="referral", target_id=str(referral.pk))
    assert audited.filter(changes__status=["accepted", "completed"]).exists()


def test_next_statuses_lists_only_the_side_s_moves() -> None:
    assert next_statuses("requested", {"receiver"}) == ["accepted", "rejected", "cancelled"]
    assert next_statuses("requested", {"referrer"}) == ["cancelled", "entered-in-error"]

"""Every kind of notification, in the words people read on their preferences page.

A kind not listed here still reaches its recipient (in the app and by email); a test keeps
the list complete for every ``notify(kind=...)`` call in the code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    description: str


KINDS: tuple[Kind, ...] = (
    Kind(
        "credential_expiry",
        "Credentials expiring",
        "A licence or certification, yours or a supervisee's, expires within 90, 60 or 30 "
        "days, or has expired.",
    ),
    Kind(
        "ce_shortfall",
        "Continuing education behind",
        "Six months before a renewal, the continuing-education hours logged are short of "
        "what it requires.",
    ),
    Kind(
        "hours_to_sign",
        "Supervised hours to sign",
        "Supervised-hours entries wait for your signature.",
    ),
    Kind(
        "competency_review",
        "Competency reviews",
        "A competency review is due soon, overdue, or needs your part.",
    ),
    Kind(
        "consent_expiring",
        "Consents expiring",
        "A client's consent to share information expires soon.",
    ),
    Kind(
        "consent_review",
        "Consent events to review",
        "A consent that ends on an event is due for review.",
    ),
    Kind(
        "clients_unassigned",
        "Clients without a case manager",
        "Clients in a program you supervise have no primary case manager.",
    ),
    Kind(
        "case_manager_assigned",
        "Case manager changes",
        "You were made, or are no longer, a client's primary case manager.",
    ),
    Kind("crisis", "Crises", "A crisis was reported in one of your programs."),
    Kind("risk_flag", "Risk flags", "An assessment raised a risk flag for one of your clients."),
    Kind("task_reminder", "Task reminders", "A task assigned to you is due."),
    Kind("referral", "Referrals", "A referral sent or received by your program changed."),
    Kind(
        "referral_overdue",
        "Referrals without an answer",
        "A referral has had no answer within its response time.",
    ),
    Kind("plan_submitted", "Plans to approve", "A service plan waits for your approval."),
    Kind("plan_review_overdue", "Plan reviews overdue", "A service plan's review date has passed."),
    Kind(
        "ipe_deadline",
        "Employment plan deadlines",
        "An individualized plan for employment is close to its federal deadline.",
    ),
    Kind(
        "break_glass",
        "Emergency access",
        "Someone opened a client's record under emergency access.",
    ),
)

BY_CODE: dict[str, Kind] = {k.code: k for k in KINDS}


def label(code: str) -> str:
    kind = BY_CODE.get(code)
    return kind.label if kind else code.replace("_", " ").capitalize()

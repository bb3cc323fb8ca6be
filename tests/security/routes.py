"""The inventory of web routes, by how each must be protected.

Every URL pattern of the site must appear in exactly one table below; a new page that is not
added fails ``test_every_web_route_is_classified`` until someone decides who may reach it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Reachable without signing in.
PUBLIC = frozenset(
    {
        "healthz",
        "readyz",
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "pathway",
    }
)

# Signed-in pages with no object id: each shows only the caller's own data or refuses.
SELF_SCOPED = frozenset(
    {
        "dashboard",
        "client_list",
        "client_create",
        "audit_list",
        "audit_export",
        "tokens",
        "two_factor",
        "two_factor_setup",
        "two_factor_disable",
        "security_settings",
        "notifications",
        "notifications_read_all",
        "my_credentials",
        "workforce_entry_add",
        "workforce_supervision",
        "workforce_compliance",
        "workforce_compliance_csv",
        "workforce_requirements",
        "workforce_rules",
        # Staff development (issue 12): own record, the supervisor's team, exam preparation.
        "workforce_development",
        "workforce_team",
        "workforce_exam_prep",
        "intake_start",
        "intake_rules_list",
        "import_upload",
        "emergency_access",
        "duplicate_queue",
        "duplicate_run",
        # Issue 10: the program comes from the query string and is checked in the view.
        "reassign",
        # Issue 13: the agency's instrument library (definitions, not client data; uploads
        # go to the caller's own organization and need its admin role).
        "instrument_library",
        # Resource directory and referrals (issue 14): the caller's own lists; directory
        # search and curation carry no client data (a client named in the query is gated).
        "service_search",
        "resource_list",
        "directory_curation",
        "hsds_upload",
        "referral_list",
        "referral_metrics",
        "partner_inbox",
        # The programs whose referral response time the caller administers.
        "response_clocks",
    }
)

# Credential rules: platform administrators edit the published ones, org admins their
# own agency's override (the scope comes from the caller, never from the URL).
GLOBAL_ADMIN = frozenset({"workforce_rule_edit"})

# The shared resource directory (issue 14): one directory for every agency, no client data.
# Agency staff read it, curators (org admins) edit it; partners get 404
# (``casework/web/tests/test_directory_pages.py`` holds these rules).
SHARED_DIRECTORY = frozenset(
    {
        "service_detail",
        "service_edit",
        "service_verify",
        # Curating organizations and locations, and the partner link (curators only; the
        # rules are in casework/resources/tests/test_editing.py).
        "organization_list",
        "organization_create",
        "organization_edit",
        "organization_partner",
        "location_create",
        "location_edit",
    }
)


@dataclass(frozen=True)
class ObjectRoute:
    """A page about one object: its URL kwargs from the world, methods, and its owner."""

    name: str
    kwargs: Callable[[Any], dict[str, Any]]
    methods: tuple[str, ...] = ("get", "post")
    owner: str = "cm_health"


def _client(w: Any) -> dict[str, Any]:
    return {"pk": w.client.pk}


# --- Caseload (issue 15): notes, tasks, appointments, worklist, crises ----------------------
def caseload_ids(w: Any) -> dict[str, int]:
    """The owner's caseload objects of the world, made on first use (``w.extra``)."""
    if "caseload" not in w.extra:
        from casework.casenotes.services import note_create

        note = note_create(
            actor=w.owner,
            client=w.client,
            program=w.program,
            data={"note_type": "soap", "sections": {"plan": "Call the landlord."}},
        )
        w.extra["caseload"] = {"note_id": note.pk, **_scheduling(w)}
    return dict(w.extra["caseload"])


def _scheduling(w: Any) -> dict[str, int]:
    from datetime import timedelta

    from django.utils import timezone

    from casework.caseload.crisis import crisis_report
    from casework.scheduling.services import appointment_create, task_create

    soon = timezone.now() + timedelta(days=1)
    task = task_create(actor=w.owner, title="Call", due_at=soon, client=w.client, program=w.program)
    appointment = appointment_create(
        actor=w.owner,
        client=w.client,
        program=w.program,
        worker=w.owner,
        data={"starts_at": soon, "duration_minutes": 30, "mode": "phone"},
    )
    crisis = crisis_report(
        actor=w.owner,
        client=w.client,
        program=w.program,
        kind="housing_loss",
        severity=2,
        what_happened="Eviction notice.",
    )
    from django.core.files.base import ContentFile

    from casework.casenotes.attachments import attachment_add
    from casework.casenotes.tests.test_attachments import pdf_bytes

    attachment = attachment_add(
        actor=w.owner, client=w.client, upload=ContentFile(pdf_bytes()), name="Abernathy.pdf"
    )
    return {
        "task_id": task.pk,
        "appointment_id": appointment.pk,
        "crisis_id": crisis.pk,
        "attachment_id": attachment.pk,
        "member_id": _member(w),
    }


def _member(w: Any) -> int:
    from casework.caseload.careteam import care_team_add

    return care_team_add(
        actor=w.owner, client=w.client, role="landlord", data={"name": "Logan Delos"}
    ).pk


def _cl(key: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"pk": caseload_ids(w)[key]}


SELF_SCOPED = SELF_SCOPED | frozenset(
    {
        "worklist",
        "team_caseloads",
        "team_reassign",
        "task_list",
        "task_create",
        "calendar",
        "calendar_feed",
        "billing_export",
    }
)
# The feed is read by calendar apps without a session: its secret URL is the key (a wrong
# or revoked one is a 404, tested in casework/scheduling/tests).
PUBLIC = PUBLIC | frozenset({"calendar_feed_ics"})
CASELOAD_ROUTES: tuple[ObjectRoute, ...] = (
    ObjectRoute("note_list", _client, ("get",)),
    ObjectRoute("note_create", _client),
    ObjectRoute("note_detail", _cl("note_id")),
    ObjectRoute("note_autosave", _cl("note_id"), ("post",)),
    ObjectRoute("note_addendum", _cl("note_id"), ("post",)),
    ObjectRoute("note_cosign", _cl("note_id"), ("post",)),
    ObjectRoute("client_caseload_panel", _client, ("get",)),
    ObjectRoute("crisis_report", _client),
    ObjectRoute("crisis_resolve", _cl("crisis_id"), ("post",)),
    ObjectRoute("client_task_create", _client),
    ObjectRoute("task_detail", _cl("task_id")),
    ObjectRoute("task_complete", _cl("task_id"), ("post",)),
    ObjectRoute("appointment_create", _client),
    ObjectRoute("appointment_detail", _cl("appointment_id"), ("get",)),
    ObjectRoute("appointment_attendance", _cl("appointment_id"), ("post",)),
    ObjectRoute("continuity_summary", _client, ("get",)),
    ObjectRoute("client_attachments", _client),
    ObjectRoute("attachment_download", _cl("attachment_id"), ("get",)),
    ObjectRoute("care_team", _client),
    ObjectRoute("care_team_remove", _cl("member_id"), ("post",)),
)
# --- end of the caseload block ---------------------------------------------------------------


OBJECT_ROUTES: tuple[ObjectRoute, ...] = (
    ObjectRoute("client_detail", _client, ("get",)),
    ObjectRoute("client_edit", _client),
    ObjectRoute("record_sections", _client, ("get",)),
    ObjectRoute("record_profile", _client),
    ObjectRoute("record_ssn", _client),
    ObjectRoute("record_ssn_reveal", _client, ("post",)),
    ObjectRoute("record_history", _client, ("get",)),
    ObjectRoute("consent_list", _client, ("get",)),
    ObjectRoute("consent_create", _client),
    ObjectRoute("record_part_list", lambda w: {"pk": w.client.pk, "part": "identifiers"}),
    ObjectRoute(
        "record_part_edit",
        lambda w: {"pk": w.client.pk, "part": "insurance", "item_id": w.parts["insurance"]},
    ),
    ObjectRoute(
        "record_part_end",
        lambda w: {"pk": w.client.pk, "part": "contacts", "item_id": w.parts["contacts"]},
        ("post",),
    ),
    # issue 9: the accounting of disclosures (staff of the client's programs only)
    ObjectRoute("disclosure_list", _client, ("get",)),
    ObjectRoute("disclosure_print", _client, ("get",)),
    ObjectRoute("consent_revoke", lambda w: {"consent_id": w.consent.pk}, ("post",)),
    ObjectRoute("consent_form_download", lambda w: {"consent_id": w.consent.pk}, ("get",)),
    ObjectRoute("token_revoke", lambda w: {"pk": w.token.pk}, ("post",)),
    ObjectRoute("notification_read", lambda w: {"pk": w.notification.pk}, ("post",)),
    ObjectRoute("workforce_entry_edit", lambda w: {"kind": "ce", "pk": w.ce_id}),
    ObjectRoute("workforce_certificate", lambda w: {"pk": w.ce_id}, ("get",)),
    ObjectRoute("workforce_staff", lambda w: {"pk": w.owner.pk}, ("get",)),
    ObjectRoute(
        "workforce_verify",
        lambda w: {"kind": "licence", "pk": w.licence_id},
        ("post",),
        owner="org_admin",
    ),
    ObjectRoute(
        "workforce_hours_sign", lambda w: {"pk": w.hours_id}, ("post",), owner="sup_health"
    ),
    # Staff development: only the staff member and their supervisor.
    ObjectRoute("workforce_development_staff", lambda w: {"pk": w.owner.pk}),
    ObjectRoute("workforce_review", lambda w: {"pk": w.review_id}),
    ObjectRoute("workforce_goal_complete", lambda w: {"pk": w.goal_id}, ("post",)),
    ObjectRoute("intake_new_client", lambda w: {"program_id": w.program.pk}),
    ObjectRoute("intake_screen", lambda w: {"program_id": w.program.pk, "client_id": w.client.pk}),
    ObjectRoute("intake_result", lambda w: {"pk": w.screening_id}, ("get",)),
    ObjectRoute("intake_override", lambda w: {"pk": w.screening_id}, ("post",)),
    ObjectRoute("intake_finish", lambda w: {"pk": w.screening_id}, ("post",)),
    ObjectRoute("intake_rules", lambda w: {"program_id": w.program.pk}, owner="org_admin"),
    ObjectRoute("response_clock_edit", lambda w: {"program_id": w.program.pk}, owner="org_admin"),
    ObjectRoute(
        "import_status", lambda w: {"token": w.import_token}, ("get",), owner="intake_health"
    ),
    ObjectRoute(
        "import_confirm", lambda w: {"token": w.import_token}, ("post",), owner="intake_health"
    ),
    ObjectRoute(
        "import_cancel", lambda w: {"token": w.import_token}, ("post",), owner="intake_health"
    ),
    ObjectRoute("duplicate_merge", lambda w: {"pk": w.candidate.pk}, ("post",), owner="org_admin"),
    ObjectRoute(
        "duplicate_not_duplicate", lambda w: {"pk": w.candidate.pk}, ("post",), owner="org_admin"
    ),
    ObjectRoute("merge_undo", lambda w: {"pk": w.merge_id}, ("post",), owner="org_admin"),
    ObjectRoute("enrollment_transition", lambda w: {"pk": w.enrollment.pk}),
    # Issue 10: choosing the primary case manager.
    ObjectRoute("enrollment_case_manager", lambda w: {"pk": w.enrollment.pk}, owner="sup_health"),
    # Referrals (issue 14): the referring side's pages and actions, then the receiving side's.
    ObjectRoute("referral_create", _client),
    ObjectRoute("referral_detail", lambda w: {"pk": w.referral_id}, ("get",)),
    ObjectRoute("referral_transition", lambda w: {"pk": w.referral_id}, ("post",)),
    ObjectRoute("referral_message", lambda w: {"pk": w.referral_id}, ("post",)),
    ObjectRoute(
        "referral_attachment",
        lambda w: {"pk": w.referral_id, "attachment_id": w.extra["referral_attachment_id"]},
        ("get",),
    ),
    ObjectRoute(
        "referral_schedule", lambda w: {"pk": w.referral_id}, ("post",), owner="referral_partner"
    ),
    ObjectRoute(
        "partner_referral", lambda w: {"pk": w.referral_id}, ("get",), owner="referral_partner"
    ),
    ObjectRoute(
        "hsds_import_status", lambda w: {"token": w.hsds_import_token}, ("get",), owner="org_admin"
    ),
    ObjectRoute("enrollment_reenroll", lambda w: {"pk": w.enrollment.pk}, ("post",)),
    # Issue 13: assessments and risk flags.
    ObjectRoute("assessment_list", _client, ("get",)),
    ObjectRoute("assessment_new", lambda w: {"pk": w.client.pk, "code": "phq9"}),
    ObjectRoute("assessment_detail", lambda w: {"pk": w.extra["care"]["assessment_id"]}, ("get",)),
    ObjectRoute("flag_list", _client),
    ObjectRoute("flag_resolve", lambda w: {"pk": w.extra["care"]["flag_id"]}, ("post",)),
    ObjectRoute("plan_list", _client, ("get",)),
    ObjectRoute("plan_from_needs", _client, ("post",)),
    ObjectRoute("plan_detail", lambda w: {"pk": w.extra["care"]["plan_id"]}, ("get",)),
    ObjectRoute("plan_print", lambda w: {"pk": w.extra["care"]["plan_id"]}, ("get",)),
    ObjectRoute("goal_add", lambda w: {"pk": w.extra["care"]["plan_id"]}, ("post",)),
    ObjectRoute("goal_edit", lambda w: {"pk": w.extra["care"]["goal_id"]}, ("post",)),
    ObjectRoute("intervention_add", lambda w: {"pk": w.extra["care"]["goal_id"]}, ("post",)),
    ObjectRoute("objective_add", lambda w: {"pk": w.extra["care"]["goal_id"]}, ("post",)),
    ObjectRoute(
        "plan_step", lambda w: {"pk": w.extra["care"]["plan_id"], "step": "submit"}, ("post",)
    ),
    ObjectRoute("plan_sign", lambda w: {"pk": w.extra["care"]["plan_id"]}),
    ObjectRoute("plan_review", lambda w: {"pk": w.extra["care"]["plan_id"]}),
    ObjectRoute("plan_section", lambda w: {"pk": w.extra["care"]["plan_id"], "kind": "safety"}),
    *CASELOAD_ROUTES,
)


def web_route_names() -> Iterator[str]:
    """Every named route of the site outside the JSON API (which has its own matrix)."""

    def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, str | None]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name

    for route, name in walk(get_resolver().url_patterns):
        if not route.startswith("api/"):
            yield name or route

"""The inventory of audited reads: every page and API operation that shows client data.

Like the authorization inventory (``routes.py``), every GET web route and every GET API
operation must be in exactly one table here; ``test_audit_inventory`` fails for one that is
not, for an "audited read" that writes no read audit row naming the client, and for a
"no client data" one whose answer carries the client's name.
"""

from __future__ import annotations

from casework.clients.models import RECORD_PARTS

# The client record's parts: GET /clients/{id}/<part> and /clients/{id}/<part>/{item_id}.
_PART_READS = frozenset(
    path
    for name in RECORD_PARTS
    for path in (f"/clients/{{client_id}}/{name}", f"/clients/{{client_id}}/{name}/{{item_id}}")
)

# Web pages that show client data: each GET writes a read audit row (view, list, search,
# export, reveal) naming the client shown, or a read of the audit trail.
WEB_AUDITED_READS = frozenset(
    {
        "dashboard",
        "client_list",
        "client_detail",
        "client_edit",
        "record_profile",
        "record_ssn",
        "record_history",
        "record_part_list",
        "record_part_edit",
        "consent_list",
        "consent_create",
        "consent_form_download",
        "consent_event",
        "disclosure_list",
        "disclosure_print",
        "audit_list",
        "audit_export",
        "duplicate_queue",
        "intake_screen",
        "intake_result",
        "enrollment_transition",
        # care features (assessments, plans, notes, referrals, scheduling, caseload)
        "appointment_detail",
        # A competency review shows the notes and tasks linked as evidence, each read
        # through its own gate (audited there; a hidden client is not named).
        "workforce_review",
        "appointment_create",
        "assessment_detail",
        "assessment_list",
        "assessment_new",
        "billing_export",
        "calendar",
        "client_task_create",
        "continuity_summary",
        "crisis_report",
        "enrollment_case_manager",
        "flag_list",
        "note_create",
        "note_detail",
        "note_list",
        "partner_inbox",
        "partner_referral",
        "reassign",
        "referral_create",
        "referral_detail",
        "referral_list",
        "task_detail",
        "task_list",
        "team_caseloads",
        "team_reassign",
        "worklist",
        "attachment_download",
        "client_attachments",
        "goal_edit",
        "plan_detail",
        "plan_from_needs",
        "plan_list",
        "plan_print",
        "plan_review",
        "plan_section",
        "referral_attachment",
        "plan_sign",
        "care_team",
        "transfer_request",
        "transfer_detail",
        "transfer_list",
    }
)
# Audited reads this inventory found writing no read row (other helpers' pages, found at the
# last merge); their tests are strict xfails, so fixing one makes the suite say so.
KNOWN_GAPS: frozenset[str] = frozenset()
# Web pages that show no client data (or only to the caller about themselves).
WEB_NO_CLIENT_DATA = frozenset(
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
        "client_create",
        "tokens",
        "two_factor",
        "two_factor_setup",
        "two_factor_disable",
        "security_settings",
        "consent_elements",
        "consent_element_edit",
        "notifications_read_all",
        "notification_preferences",
        "my_credentials",
        "workforce_entry_add",
        "workforce_supervision",
        "workforce_compliance",
        "workforce_compliance_csv",
        "workforce_requirements",
        "workforce_rules",
        "workforce_rule_edit",
        "workforce_entry_edit",
        "workforce_certificate",
        "workforce_staff",
        "workforce_verify",
        "workforce_hours_sign",
        "intake_start",
        "intake_rules_list",
        "intake_rules",
        "intake_new_client",
        "intake_override",
        "intake_finish",
        "import_upload",
        "import_status",  # the uploader's own file, before any client exists
        "record_sections",  # counts and links, loaded inside the (audited) client page
        "import_confirm",
        "import_cancel",
        "emergency_access",
        "duplicate_run",
        "duplicate_merge",
        "duplicate_not_duplicate",
        "merge_undo",
        "record_ssn_reveal",
        "record_part_end",
        "consent_revoke",
        "token_revoke",
        "notification_read",
        "enrollment_reenroll",
        # care features: changes (POST), the resource directory, instruments, feeds
        "appointment_attendance",
        "care_team_remove",
        "calendar_feed",
        "calendar_feed_ics",
        "crisis_resolve",
        "transfer_accept",
        "team_weights",
        "transfer_decline",
        "transfer_withdraw",
        "directory_curation",
        "flag_resolve",
        "hsds_import_status",
        "hsds_upload",
        "instrument_library",
        "note_addendum",
        "note_autosave",
        "note_cosign",
        "referral_message",
        "referral_schedule",
        "referral_transition",
        "resource_list",
        "service_detail",
        "service_edit",
        "service_search",
        "service_verify",
        "response_clocks",
        "response_clock_edit",
        "organization_list",
        "organization_create",
        "organization_edit",
        "organization_partner",
        "location_create",
        "location_edit",
        "task_complete",
        "task_create",
        "goal_add",
        "intervention_add",
        "objective_add",
        "plan_step",
        "referral_metrics",
        "readmission_report",
        "workforce_development",
        "workforce_development_staff",
        "workforce_exam_prep",
        "workforce_framework",
        "workforce_goal_complete",
        "workforce_team",
    }
)
# The caller's own notifications: messages written to them by services (a title may name a
# client of their caseload); the client reads behind them are audited where they happen.
WEB_OWN_MESSAGES = frozenset({"notifications"})
# Fragments fetched only by the client page (htmx), whose own load is the audited read.
WEB_CLIENT_PAGE_PARTIALS = frozenset({"client_caseload_panel"})
# API operations (GET) that answer client data, each audited as a read naming the client.
API_AUDITED_READS = frozenset(
    {
        "/clients",
        "/clients/{client_id}",
        "/clients/{client_id}/profile",
        "/clients/{client_id}/ssn",
        "/clients/{client_id}/history",
        "/clients/{client_id}/consents",
        "/clients/{client_id}/disclosures",
        "/consents/{consent_id}/signed-form",
        "/enrollments",
        "/enrollments/{enrollment_id}",
        "/audit-events",
        "/screenings/{screening_id}",
        "/assessments/{assessment_id}",
        "/assessments/{assessment_id}/fhir",
        "/clients/{client_id}/assessments",
        "/clients/{client_id}/notes",
        "/clients/{client_id}/attachments",
        "/transfers",
        "/transfers/{transfer_id}",
        "/clients/{client_id}/continuity-summary",
        "/attachments/{attachment_id}/content",
        "/clients/{client_id}/plans",
        "/clients/{client_id}/risk-flags",
        "/intake/matches",
        "/notes/{note_id}",
        "/plans/{plan_id}",
        "/plans/{plan_id}/fhir",
        "/reports/readmissions",
        "/tasks/{task_id}",
        "/worklist",
        "/referrals",
        "/referrals/{referral_id}",
        "/referrals/{referral_id}/fhir",
        # A competency review shows its linked notes and tasks, each read through its gate.
        "/development/reviews/{review_id}",
    }
    | _PART_READS
)
API_NO_CLIENT_DATA = frozenset(
    {
        "/me",
        "/notifications/preferences",
        "/programs",
        "/pathway",
        "/programs/{program_id}/eligibility",
        "/workforce/staff",
        "/workforce/staff/{staff_id}",
        "/workforce/staff/{staff_id}/credentials",
        "/workforce/me",
        "/workforce/me/credentials",
        "/workforce/me/continuing-education",
        "/workforce/me/continuing-education/certificate",
        "/workforce/me/supervised-hours",
        "/duplicates",
        "/workforce/continuing-education/{entry_id}/certificate",
        "/instruments",
        "/instruments/{code}",
        "/instruments/{code}/fhir",
        "/services",
        "/programs/{program_id}/caseload-weights",
        "/directory/organizations",
        "/directory/organizations/{organization_id}",
        "/programs/{program_id}/referral-clock",
        # Staff development: the framework, review summaries, evidence choices (kinds and
        # dates, never a client), goals and the schedule.
        "/development/framework",
        "/development/reviews",
        "/development/reviews/{review_id}/evidence-choices",
        "/development/goals",
        "/development/schedule",
    }
)

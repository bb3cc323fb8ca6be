"""An audit row in plain words ("Updated the eligibility screening"), never model codes.

The one wording for every place audit rows are listed: the audit pages, the client page's
recent access, the change history, the CSV export and the API (``label``).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from casework.audit.models import AuditAction

# What each target is called in a sentence (with its article). A target not listed here is
# a model (``app.model`` or a model name), called by its verbose name.
TARGETS: dict[str, str] = {
    "user": "a user account",
    "unknown_account": "an unknown account",
    "organization": "the organization",
    "program": "the program",
    "membership": "a role assignment",
    "api_token": "an API token",
    "notification_preferences": "the notification settings",
    "audit_event_list": "the audit trail",
    "audit_trail": "the audit trail",
    "demo_data": "the demo data",
    "client": "the client record",
    "client_list": "a list of clients",
    "client_import": "a client import",
    "client_new_record_confirmed": "a new client record despite likely matches",
    "client_match_run": "a run of the duplicate check",
    "client_merge": "a merge of two client records",
    "client_unmerge": "the undoing of a merge",
    "duplicate_candidate": "a possible duplicate",
    "clientaddress": "an address",
    "clientcontact": "a phone or email",
    "clientname": "another name",
    "clientidentifier": "an identifier",
    "enrollment": "the enrollment",
    "consent": "a consent",
    "consent_form": "a signed consent form",
    "break_glass": "emergency access",
    "emergency_access_search": "clients for emergency access",
    "eligibility_rules": "the eligibility rules",
    "eligibility_screening": "the eligibility screening",
    "poverty_guideline": "the poverty guidelines",
    "assessment": "an assessment",
    "assessment_list": "a list of assessments",
    "instrument": "an instrument",
    "risk_flag": "a risk flag",
    "service_plan": "a service plan",
    "service_plan_list": "a list of service plans",
    "directory": "the resource directory",
    "directory_service": "a directory service",
    "hsds_import": "a directory import",
    "hsds_export": "a directory export",
    "referral": "a referral",
    "referral_inbox": "the referral inbox",
    "referral_message": "a referral message",
    "referral_attachment": "a referral attachment",
    "case_note": "a case note",
    "case_note_list": "a list of case notes",
    "attachment": "a file",
    "billing_export": "the billing export",
    "continuity_summary": "a continuity-of-care summary",
    "task": "a task",
    "calendar": "the calendar",
    "calendar_feed": "a calendar feed",
    "worklist": "the Today worklist",
    "team_caseloads": "the team caseloads",
    "crisis_event": "a crisis event",
    "care_team_member": "a care team member",
    "workforce.staff_record": "a staff record",
    "workforce.compliance": "the compliance report",
    "workforce.ce_certificate": "a continuing-education certificate",
    "workforce.development_record": "a development record",
    "attachment_list": "a list of files",
    "caseload_weights": "the caseload weights",
    "consent_element_set": "a consent element set",
    "directory_location": "a directory location",
    "directory_organization": "a directory organization",
    "readmission_report": "the readmission report",
    "referral_response_clock": "a program's referral response time",
    "transfer_list": "a list of transfers",
    "page": "a page",
}


def _model_noun(target_type: str) -> str:
    """The verbose name of the model ``app.model`` or ``model`` names, or ""."""
    app_label, _, model_name = target_type.rpartition(".")
    for config in apps.get_app_configs():
        if app_label and config.label != app_label:
            continue
        try:
            model = config.get_model(model_name)
        except LookupError:
            continue
        return f"the {model._meta.verbose_name}"
    return ""


def target_words(target_type: str) -> str:
    """The target as a sentence names it; unknown codes lose their punctuation."""
    if target_type in TARGETS:
        return TARGETS[target_type]
    noun = _model_noun(target_type) if target_type else ""
    return noun or target_type.split(".")[-1].replace("_", " ")


def action_words(action: str) -> str:
    try:
        return str(AuditAction(action).label)
    except ValueError:
        return action.replace("_", " ").capitalize()


def audit_label(action: str, target_type: str) -> str:
    """``("update", "eligibility_screening")`` -> "Updated the eligibility screening"."""
    target = target_words(target_type)
    verb = action_words(action)
    return f"{verb} {target}" if target else verb


def event_label(event: Any) -> str:
    return audit_label(str(event.action or ""), str(event.target_type or ""))

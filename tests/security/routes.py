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
        "intake_start",
        "intake_rules_list",
        "import_upload",
        "emergency_access",
        "duplicate_queue",
        "duplicate_run",
        # Resource directory and referrals (issue 14): the caller's own lists; directory
        # search and curation carry no client data (a client named in the query is gated).
        "service_search",
        "resource_list",
        "directory_curation",
        "hsds_upload",
        "referral_list",
        "referral_metrics",
        "partner_inbox",
    }
)

# Credential rules: platform administrators edit the published ones, org admins their
# own agency's override (the scope comes from the caller, never from the URL).
GLOBAL_ADMIN = frozenset({"workforce_rule_edit"})

# The shared resource directory (issue 14): one directory for every agency, no client data.
# Agency staff read it, curators (org admins) edit it; partners get 404
# (``casework/web/tests/test_directory_pages.py`` holds these rules).
SHARED_DIRECTORY = frozenset({"service_detail", "service_edit", "service_verify"})


@dataclass(frozen=True)
class ObjectRoute:
    """A page about one object: its URL kwargs from the world, methods, and its owner."""

    name: str
    kwargs: Callable[[Any], dict[str, Any]]
    methods: tuple[str, ...] = ("get", "post")
    owner: str = "cm_health"


def _client(w: Any) -> dict[str, Any]:
    return {"pk": w.client.pk}


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
    ObjectRoute("intake_new_client", lambda w: {"program_id": w.program.pk}),
    ObjectRoute("intake_screen", lambda w: {"program_id": w.program.pk, "client_id": w.client.pk}),
    ObjectRoute("intake_result", lambda w: {"pk": w.screening_id}, ("get",)),
    ObjectRoute("intake_override", lambda w: {"pk": w.screening_id}, ("post",)),
    ObjectRoute("intake_finish", lambda w: {"pk": w.screening_id}, ("post",)),
    ObjectRoute("intake_rules", lambda w: {"program_id": w.program.pk}, owner="org_admin"),
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
    # Referrals (issue 14): the referring side's pages and actions, then the receiving side's.
    ObjectRoute("referral_create", _client),
    ObjectRoute("referral_detail", lambda w: {"pk": w.referral_id}, ("get",)),
    ObjectRoute("referral_transition", lambda w: {"pk": w.referral_id}, ("post",)),
    ObjectRoute("referral_message", lambda w: {"pk": w.referral_id}, ("post",)),
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

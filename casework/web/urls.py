"""Routes of the web UI (namespace ``web``). Every page needs sign-in unless noted."""

from django.urls import include, path

from casework.web.views import (
    assignment,
    audit,
    auth,
    clients,
    consent_elements,
    dashboard,
    notifications,
    tokens,
    twofactor,
)

app_name = "web"

urlpatterns = [
    # Public: signing in and resetting a password.
    path("login/", auth.SignInView.as_view(), name="login"),
    path("logout/", auth.SignOutView.as_view(), name="logout"),
    path("account/password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password-reset/sent/",
        auth.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/password-reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/password-reset/done/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Signed in.
    path("", dashboard.dashboard, name="dashboard"),
    path("clients/", clients.client_list, name="client_list"),
    path("clients/new/", clients.client_create, name="client_create"),
    path("clients/<int:pk>/", clients.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", clients.client_edit, name="client_edit"),
    path(
        "enrollments/<int:pk>/case-manager/",
        assignment.enrollment_case_manager,
        name="enrollment_case_manager",
    ),
    path("caseloads/reassign/", assignment.reassign, name="reassign"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
    path("account/tokens/", tokens.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("account/two-factor/", twofactor.verify, name="two_factor"),
    path("account/two-factor/setup/", twofactor.setup, name="two_factor_setup"),
    path("account/two-factor/disable/", twofactor.disable, name="two_factor_disable"),
    path("settings/security/", twofactor.security_settings, name="security_settings"),
    path("settings/consent-elements/", consent_elements.consent_elements, name="consent_elements"),
    path(
        "settings/consent-elements/<slug:key>/",
        consent_elements.consent_element_edit,
        name="consent_element_edit",
    ),
    path("notifications/", notifications.notifications, name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        notifications.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/preferences/",
        notifications.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/read-all/",
        notifications.notifications_read_all,
        name="notifications_read_all",
    ),
    path("", include("casework.web.workforce_urls")),
    path("", include("casework.web.intake_urls")),
    path("", include("casework.web.record_urls")),
    path("", include("casework.web.care_urls")),
    path("", include("casework.web.directory_urls")),
    path("", include("casework.web.caseload_urls")),
]

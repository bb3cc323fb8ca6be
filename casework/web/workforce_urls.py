"""Workforce pages (issue 4), included by casework/web/urls.py under the `web` namespace.

Every page needs sign-in except the career pathway planner (`pathway*` names are public).
"""

from django.urls import URLPattern, URLResolver, path

from casework.web.views import workforce, workforce_development

urlpatterns: list[URLPattern | URLResolver] = [
    path("pathway/", workforce.pathway, name="pathway"),
    path("credentials/", workforce.my_credentials, name="my_credentials"),
    path("credentials/add/<slug:kind>/", workforce.entry_add, name="workforce_entry_add"),
    path(
        "credentials/edit/<slug:kind>/<int:pk>/",
        workforce.entry_edit,
        name="workforce_entry_edit",
    ),
    path(
        "credentials/ce/<int:pk>/certificate/",
        workforce.certificate_download,
        name="workforce_certificate",
    ),
    path("credentials/staff/<int:pk>/", workforce.staff_detail, name="workforce_staff"),
    path(
        "credentials/verify/<slug:kind>/<int:pk>/",
        workforce.credential_verify,
        name="workforce_verify",
    ),
    path("credentials/hours/<int:pk>/sign/", workforce.hours_sign, name="workforce_hours_sign"),
    path("credentials/supervision/", workforce.supervision, name="workforce_supervision"),
    path("credentials/compliance/", workforce.compliance, name="workforce_compliance"),
    path("credentials/compliance.csv", workforce.compliance_csv, name="workforce_compliance_csv"),
    path("credentials/requirements/", workforce.requirements, name="workforce_requirements"),
    path("credentials/rules/", workforce.rules, name="workforce_rules"),
    path("credentials/rules/<str:code>/", workforce.rule_edit, name="workforce_rule_edit"),
    # Staff development (issue 12): own record for staff, team for supervisors.
    path("development/", workforce_development.development, name="workforce_development"),
    path("development/team/", workforce_development.team, name="workforce_team"),
    path(
        "development/framework/", workforce_development.framework_edit, name="workforce_framework"
    ),
    path("development/exams/", workforce_development.exam_prep, name="workforce_exam_prep"),
    path(
        "development/staff/<int:pk>/",
        workforce_development.development_staff,
        name="workforce_development_staff",
    ),
    path(
        "development/reviews/<int:pk>/",
        workforce_development.review_detail,
        name="workforce_review",
    ),
    path(
        "development/goals/<int:pk>/complete/",
        workforce_development.goal_complete,
        name="workforce_goal_complete",
    ),
]

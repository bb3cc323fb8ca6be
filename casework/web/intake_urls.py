"""Intake pages (issue 3), included by casework/web/urls.py under the `web` namespace."""

from django.urls import URLPattern, URLResolver, path

from casework.web.views import intake

urlpatterns: list[URLPattern | URLResolver] = [
    path("intake/", intake.intake_start, name="intake_start"),
    path("intake/<int:program_id>/new/", intake.intake_new_client, name="intake_new_client"),
    path(
        "intake/<int:program_id>/clients/<int:client_id>/",
        intake.intake_screen,
        name="intake_screen",
    ),
    path("intake/screenings/<int:pk>/", intake.intake_result, name="intake_result"),
    path("intake/screenings/<int:pk>/override/", intake.intake_override, name="intake_override"),
    path("intake/screenings/<int:pk>/finish/", intake.intake_finish, name="intake_finish"),
    path("intake/rules/", intake.intake_rules_list, name="intake_rules_list"),
    path("intake/rules/<int:program_id>/", intake.intake_rules, name="intake_rules"),
]

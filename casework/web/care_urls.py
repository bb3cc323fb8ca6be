"""Pages of the care core (assessments, risk flags, service plans), included by
casework/web/urls.py under the `web` namespace."""

from django.urls import URLPattern, URLResolver, path

from casework.web.views import assessments, plans, readmissions

urlpatterns: list[URLPattern | URLResolver] = [
    path("instruments/", assessments.instrument_library, name="instrument_library"),
    path("clients/<int:pk>/assessments/", assessments.assessment_list, name="assessment_list"),
    path(
        "clients/<int:pk>/assessments/new/<slug:code>/",
        assessments.assessment_new,
        name="assessment_new",
    ),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment_detail"),
    path("clients/<int:pk>/flags/", assessments.flag_list, name="flag_list"),
    path("flags/<int:pk>/resolve/", assessments.flag_resolve, name="flag_resolve"),
    # Service plans.
    path("clients/<int:pk>/plans/", plans.plan_list, name="plan_list"),
    path("clients/<int:pk>/plans/from-needs/", plans.plan_from_needs, name="plan_from_needs"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/print/", plans.plan_print, name="plan_print"),
    path("plans/<int:pk>/goals/add/", plans.goal_add, name="goal_add"),
    path("plans/goals/<int:pk>/edit/", plans.goal_edit, name="goal_edit"),
    path(
        "plans/goals/<int:pk>/interventions/add/",
        plans.intervention_add,
        name="intervention_add",
    ),
    path("plans/goals/<int:pk>/objectives/add/", plans.objective_add, name="objective_add"),
    path("plans/<int:pk>/step/<slug:step>/", plans.plan_step, name="plan_step"),
    path("plans/<int:pk>/sign/", plans.plan_sign, name="plan_sign"),
    path("plans/<int:pk>/review/", plans.plan_review, name="plan_review"),
    path("plans/<int:pk>/sections/<slug:kind>/", plans.plan_section, name="plan_section"),
    path(
        "reports/readmissions/",
        readmissions.readmission_report_page,
        name="readmission_report",
    ),
]

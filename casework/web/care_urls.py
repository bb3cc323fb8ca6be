"""Pages of the care core (assessments, risk flags, service plans), included by
casework/web/urls.py under the `web` namespace."""

from django.urls import URLPattern, URLResolver, path

from casework.web.views import assessments

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
]

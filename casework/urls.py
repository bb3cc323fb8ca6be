"""Top-level routes: the web UI, the JSON API and the health probes."""

from django.urls import include, path

from casework.api.urls import api
from casework.web.views import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("", include("casework.web.urls")),
]

handler400 = "casework.web.views.errors.bad_request"
handler403 = "casework.web.views.errors.permission_denied"
handler404 = "casework.web.views.errors.page_not_found"
handler500 = "casework.web.views.errors.server_error"

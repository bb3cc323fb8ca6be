"""The JSON API at /api/v1/ (django-ninja). Each area's router lives in its own module.

Every operation requires authentication (``auth=API_AUTH`` is the default for every router,
including ones added later); every error is RFC 9457 problem+json (``casework.api.problems``).
"""

from casework.api import (
    audit,
    care,
    caseload,
    clients,
    development,
    directory,
    disclosure,
    enrollments,
    intake,
    me,
    notifications,
    programs,
    record,
    referrals,
    workforce,
)
from casework.api.auth import API_AUTH
from casework.api.base import CaseworkAPI

api = CaseworkAPI(
    title="Casework API",
    version="1",
    description=(
        "Case management JSON API. Authenticate with `Authorization: Bearer <token>` (a "
        "personal API token) or the web session plus the `X-CSRFToken` header. Errors are "
        "RFC 9457 `application/problem+json`. Changes need `If-Match` with the ETag you read. "
        "See docs/api.md."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=API_AUTH,
)
api.add_router("", me.router)
api.add_router("", programs.router)
api.add_router("", clients.router)
api.add_router("", enrollments.router)
api.add_router("", audit.router)
api.add_router("", workforce.router)
api.add_router("", development.router)
api.add_router("", intake.router)
api.add_router("", record.router)
api.add_router("", care.router)
api.add_router("", directory.router)
api.add_router("", referrals.router)
api.add_router("", caseload.router)
api.add_router("", disclosure.router)
api.add_router("", notifications.router)

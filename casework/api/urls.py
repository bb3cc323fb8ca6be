"""The JSON API at /api/v1/ (django-ninja). Each area's router lives in its own module."""

from ninja import NinjaAPI

from casework.api import workforce

api = NinjaAPI(
    title="Casework API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("", workforce.router)

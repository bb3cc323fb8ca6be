"""The JSON API at /api/v1/ (django-ninja)."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Casework API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

"""The Casework flavour of ``NinjaAPI``: problem+json everywhere, auth by default, cached schema."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from casework.api.problems import PROBLEM_CONTENT_TYPE, install_handlers, problem

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details, returned for every error.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "errors"],
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Unprocessable Content"},
        "status": {"type": "integer", "example": 422},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The request path."},
        "request_id": {"type": "string", "description": "Also in the X-Request-ID header."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


def _not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return problem(request, 404, "No such resource, or you may not see it.")


_not_found.csrf_exempt = True  # type: ignore[attr-defined]  # a 404 changes nothing


def _problem_405(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ninja's plain-text 405 into a problem, keeping its ``Allow`` header."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != PROBLEM_CONTENT_TYPE:
            allowed = response.get("Allow", "")
            return problem(
                request,
                405,
                f"Use one of: {allowed}.",
                headers={"Allow": allowed},
            )
        return response

    return wrapper


class CaseworkAPI(NinjaAPI):
    """A ``NinjaAPI`` whose every answer, including unknown paths, is JSON or problem+json."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        install_handlers(self)
        self._schema_cache: dict[str, OpenAPISchema] = {}

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _problem_405(pattern.callback)
        # ninja's root view raises Http404 into Django's HTML handler; keep its name (the
        # schema builder reverses it) but answer with a problem, as for any unknown path.
        urls = [u for u in urls if getattr(u, "name", None) != "api-root"]
        urls.append(path("", _not_found, name="api-root"))
        urls.append(re_path(r"^.*$", _not_found, name="api-not-found"))
        return urls

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Build once per prefix: the schema cannot change while the process runs."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cached = self._schema_cache.get(path_prefix)
        if cached is None:
            cached = super().get_openapi_schema(path_prefix=path_prefix)
            _document_problems(cached)
            _document_preconditions(cached)
            self._schema_cache[path_prefix] = cached
        return cached


def _document_problems(schema: OpenAPISchema) -> None:
    """Add the Problem component and a problem+json default response to every operation."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    error = {
        "description": "An error, as RFC 9457 problem details",
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("default", error)
                _errors_are_problems(operation["responses"])


def _errors_are_problems(responses: dict[Any, Any]) -> None:
    """An error declared with its own schema (a 409 with matches) is still problem+json."""
    for status, response in responses.items():
        content = response.get("content", {}) if isinstance(response, dict) else {}
        if str(status)[0] in "45" and "application/json" in content:
            content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")


def _document_preconditions(schema: OpenAPISchema) -> None:
    """Say what the server does with ``If-Match``: required (a missing one is a 428), and a
    stale one a 412. An operation whose summary says "If-Match optional" keeps it optional."""
    problem_content = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            header = next(
                (
                    p
                    for p in operation.get("parameters", [])
                    if p.get("in") == "header" and p.get("name") == "If-Match"
                ),
                None,
            )
            if header is None:
                continue
            header["schema"] = {"type": "string", "example": '"3"'}
            header["description"] = "The ETag of the version this change is based on."
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                412,
                {"description": "The record changed since that ETag.", "content": problem_content},
            )
            if "If-Match optional" not in operation.get("summary", ""):
                header["required"] = True
                responses.setdefault(
                    428, {"description": "If-Match is missing.", "content": problem_content}
                )

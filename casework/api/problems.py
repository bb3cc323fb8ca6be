"""RFC 9457 problem details: the one shape of every error the API returns.

Each exception that can escape an operation (from ninja, pydantic, Django or our services) is
mapped here to ``application/problem+json`` with a status, a title, a human ``detail`` and a
field-level ``errors`` list. Nothing the client sends may produce a 500: unexpected
exceptions are logged and answered with a bare problem that reveals nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.core import exceptions as django_exceptions
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import errors as ninja_errors

from casework.core import exceptions as core_exceptions
from casework.core.messages import plain

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("casework.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Django's key for errors that belong to no single field.
_NON_FIELD = django_exceptions.NON_FIELD_ERRORS
# Service-side field names that the API exposes under a different (``_id``) name.
FIELD_ALIASES = {
    "primary_case_manager": "primary_case_manager_id",
    "program": "program_id",
    "client": "client_id",
}


class TokenRefused(ninja_errors.AuthenticationError):
    """A Bearer token was sent but is unknown, revoked or expired."""


def problem(
    request: HttpRequest | None,
    status: int,
    detail: str,
    *,
    errors: Iterable[Mapping[str, str]] = (),
    headers: Mapping[str, str] | None = None,
    title: str | None = None,
) -> HttpResponse:
    """A problem+json response; ``title`` defaults to the HTTP reason phrase."""
    errors = [dict(e) for e in errors]
    if status == 422 and not errors:
        # Every 422 names what to fix; a mapping that found no field still says what failed.
        logger.warning("422 without field errors at %s: %s", getattr(request, "path", ""), detail)
        errors = [{"field": "body", "message": detail}]
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "errors": errors,
    }
    if request is not None:
        body["instance"] = request.path
        request_id = getattr(request, "request_id", "")
        if request_id:
            body["request_id"] = request_id
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_name(name: str) -> str:
    return FIELD_ALIASES.get(name, name)


def django_validation_errors(exc: django_exceptions.ValidationError) -> list[dict[str, str]]:
    """``[{field, message}]`` from a Django ``ValidationError`` (dict or list form)."""
    if hasattr(exc, "error_dict"):
        return [
            {"field": "" if field == _NON_FIELD else _field_name(field), "message": plain(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": plain(message)} for message in exc.messages]


def _location(loc: Iterable[Any]) -> str:
    """``("body", "payload", "address", 0)`` -> ``address.0``; ``("query", "page")`` -> ``page``.

    An error about the body as a whole (``("body", "payload")``: not an object, say) is
    on the field ``body``, so that every error names where to look.
    """
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        source, parts = parts[0], parts[1:]
        # A body schema is passed as one named argument; its name is not a field the client sent.
        if source == "body":
            parts = parts[1:] or ["body"]
    return ".".join(parts)


def ninja_validation_errors(exc: ninja_errors.ValidationError) -> list[dict[str, str]]:
    errors = []
    for error in exc.errors:
        # A validator's own sentence, without pydantic's "Value error, " in front of it.
        message = str(error.get("msg", "Invalid value.")).removeprefix("Value error, ")
        if error.get("type") == "extra_forbidden":
            message = "Unknown field."
        errors.append({"field": _location(error.get("loc", ())), "message": message})
    return errors


def _on_ninja_validation(request: HttpRequest, exc: ninja_errors.ValidationError) -> HttpResponse:
    return problem(
        request,
        422,
        "The request has invalid or unknown fields.",
        errors=ninja_validation_errors(exc),
    )


def _on_django_validation(
    request: HttpRequest, exc: django_exceptions.ValidationError
) -> HttpResponse:
    return problem(
        request, 422, "The request could not be applied.", errors=django_validation_errors(exc)
    )


def _on_http_error(request: HttpRequest, exc: ninja_errors.HttpError) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc, TokenRefused):
        return problem(
            request,
            401,
            "The API token is unknown, revoked or expired.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    if isinstance(exc, ninja_errors.AuthenticationError) or status == 401:
        return problem(
            request,
            401,
            "Sign in, or send an API token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if status == 400 and str(exc).startswith("Cannot parse request body"):
        return problem(request, 400, "The request body is not valid JSON.")
    if status == 403 and "CSRF" in str(exc):
        return problem(
            request,
            403,
            "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header.",
        )
    return problem(request, status, str(exc) or HTTPStatus(status).phrase)


def _on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 404, "No such resource, or you may not see it.")


def _on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    detail = str(exc) or "You may not do this."
    return problem(request, 403, detail)


def _on_stale(request: HttpRequest, exc: core_exceptions.StaleVersion) -> HttpResponse:
    return problem(
        request,
        412,
        "The record was changed by someone else. GET it again, re-apply your change and "
        "send the new ETag in If-Match.",
        headers={"ETag": f'"{exc.current_version}"'},
    )


def _on_conflict(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 409, str(exc) or "The change conflicts with the record's state.")


def _on_precondition_required(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(
        request,
        428,
        "Send the ETag of the version you changed in an If-Match header.",
        errors=[{"field": "If-Match", "message": "This header is required."}],
    )


def _on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 413, "The request body is too large.")


def _on_bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 400, "The request could not be read.")


def _on_integrity(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Services check invariants first; this is the loser of a race on a unique constraint.
    logger.info("integrity error answered with 409: %s", exc)
    return problem(request, 409, "The change conflicts with another record; try again.")


# Beyond these, a value sent in JSON or a query string cannot be stored: 64-bit integers,
# and four-digit years (a date near 9999-12-31 overflows once a service adds to it).
_INT_RANGE = 2**63
_FAR_YEAR = 9000


def _out_of_range(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return abs(value) >= _INT_RANGE
    if isinstance(value, str) and len(value) >= 10 and value[:4].isdigit() and value[4] == "-":
        return int(value[:4]) >= _FAR_YEAR or len(value.split("-")[0]) > 4
    return False


def _walk(value: Any, prefix: str) -> Iterable[str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{prefix}.{index}" if prefix else str(index))
    elif _out_of_range(value):
        yield prefix


def out_of_range_fields(request: HttpRequest) -> list[str]:
    """The fields of the request whose values no column can hold (best effort)."""
    found = [name for name, value in request.GET.items() if _out_of_range(_number(str(value)))]
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError, django_exceptions.RequestDataTooBig):
        body = None
    found += [name for name in _walk(body, "") if name]
    return found


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return text


def _on_data_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The database or the date arithmetic refused a value that passed the schema: name the
    # field it came from, so that no 422 leaves the caller guessing.
    message = "This value is out of the range that can be stored."
    fields = out_of_range_fields(request) or ["body"]
    return problem(
        request,
        422,
        "A value is out of range for its field.",
        errors=[{"field": name, "message": message} for name in fields],
    )


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error", exc_info=exc)
    return problem(request, 500, "Something went wrong on our side; it has been logged.")


def install_handlers(api: NinjaAPI) -> None:
    """Register every mapping on ``api``; more specific classes win (ninja walks the MRO)."""
    handlers: list[tuple[type[Exception], Any]] = [
        (Exception, _on_unexpected),
        (ninja_errors.ValidationError, _on_ninja_validation),
        (ninja_errors.HttpError, _on_http_error),
        (django_exceptions.ValidationError, _on_django_validation),
        (django_exceptions.RequestDataTooBig, _on_too_big),
        (django_exceptions.SuspiciousOperation, _on_bad_request),
        (django_exceptions.BadRequest, _on_bad_request),
        (django_exceptions.PermissionDenied, _on_forbidden),
        (core_exceptions.PermissionDenied, _on_forbidden),
        (core_exceptions.NotFound, _on_not_found),
        (Http404, _on_not_found),
        (django_exceptions.ObjectDoesNotExist, _on_not_found),
        (core_exceptions.StaleVersion, _on_stale),
        (core_exceptions.PreconditionRequired, _on_precondition_required),
        (core_exceptions.Conflict, _on_conflict),
        (IntegrityError, _on_integrity),
        (DataError, _on_data_error),
        # A date or number that Python or the database cannot represent (year 10000, ...).
        (OverflowError, _on_data_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)

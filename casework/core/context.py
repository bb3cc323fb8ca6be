"""Per-request context (request id, client IP, user agent) for audit rows.

Set by :class:`casework.core.middleware.RequestContextMiddleware`; read by the audit
service so that services need not be handed the request to record where a change came from.
Outside a request (commands, tasks) the context is empty and the audit row says so.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    user_agent: str = ""
    channel: str = "system"  # web, api, cli or system
    method: str = ""  # the HTTP method, in a request


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "casework_request_context",
    default=RequestContext(),  # noqa: B039 - immutable default
)


def current() -> RequestContext:
    return _current.get()


@contextmanager
def bind(context: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)

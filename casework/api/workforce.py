"""Workforce endpoints (credentials, pathway). Owned by the workforce work; see issue 4."""

from ninja import Router

router = Router(tags=["workforce"])

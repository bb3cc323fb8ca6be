"""Client record, consent, emergency access and duplicates endpoints (issue 3)."""

from ninja import Router

router = Router(tags=["client record"])

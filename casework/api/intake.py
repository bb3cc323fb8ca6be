"""Intake and eligibility endpoints (issue 3). Owned by the intake work."""

from ninja import Router

router = Router(tags=["intake"])

"""API operations of the care core (assessments, risk flags, service plans); the router is
added to the API by casework/api/urls.py."""

from ninja import Router

from casework.api import assessments, plans

router = Router(tags=["care"])
router.add_router("", assessments.router)
router.add_router("", plans.router)

"""API operations of this area; the router is added to the API by casework/api/urls.py."""

from ninja import Router

router = Router(tags=["directory"])

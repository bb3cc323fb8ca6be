"""API operations of the caseload area: notes, tasks, appointments, worklist, crises.

Each part has its own module and router; this router (added to the API by
``casework/api/urls.py``) gathers them.
"""

from ninja import Router

from casework.api import attachments, continuity, notes, transfers, weights, worklist

router = Router(tags=["caseload"])
router.add_router("", notes.router)
router.add_router("", attachments.router)
router.add_router("", transfers.router)
router.add_router("", weights.router)
router.add_router("", continuity.router)
router.add_router("", worklist.router)

"""The gate for client records: the only way ``web`` and ``api`` load a client.

A client the user may not see is answered exactly like one that does not exist (404), and
the attempt is audited. A client the user may see but not change (an auditor) gives 403.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from django.db.models import Q
from django.utils import timezone

from casework.accounts.access import access_for
from casework.accounts.rows import ModelRows
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.disclosure import (
    DISCLOSED_BASES,
    consents_to_readers,
    disclosure_notice,
    disclosure_notices,
    disclosure_record,
    disclosures_record,
)
from casework.clients.models import (
    BreakGlassAccess,
    Client,
    Consent,
    ConsentCategory,
    Enrollment,
)
from casework.clients.models.client import has_break_glass, has_consents_to
from casework.core import context
from casework.core.db import MAX_ID, bound_cursor
from casework.core.exceptions import NotFound, PermissionDenied

ALL_CATEGORIES = frozenset(ConsentCategory.values)
# The client gate's query (``_client_and_enrollment``): the client row plus whether it is
# enrolled in one of the caller's programs.
_CLIENT_ROWS = ModelRows(Client, "c")
_ENROLLED_SQL = f'SELECT 1 FROM "{Enrollment._meta.db_table}" e WHERE e.client_id = c.id'  # noqa: S608


def access_basis(
    user: Any, client: Client, *, enrolled: bool | None = None
) -> tuple[str, frozenset[str]]:
    """How the user reaches the client, and which information categories that opens.

    Staff of the client's own programs, its org admins and auditors, and an open
    break-the-glass access see every category. A recipient of consent sees only the
    categories of the consents in force that name their organization or program; a
    consent always opens the client's identity (``general``), without which nothing it
    releases could be read. ``enrolled`` says whether the client is enrolled in one of
    the user's programs, when the caller already knows (otherwise it is looked up).
    """
    known = None if enrolled is None else ({client.pk} if enrolled else set())
    return access_bases(user, [client], enrolled=known)[client.pk]


def access_bases(
    user: Any, clients: Iterable[Client], *, enrolled: Collection[int] | None = None
) -> dict[int, tuple[str, frozenset[str]]]:
    """``access_basis`` for each client of a page, with one query per step for the whole
    page (enrollments, emergency accesses, consents), whatever its length. ``enrolled``:
    the ids among them enrolled in one of the user's programs, when the caller knows."""
    access = access_for(user)
    bases: dict[int, tuple[str, frozenset[str]]] = {}
    rest: list[int] = []
    for client in clients:
        if client.organization_id in access.org_wide_org_ids:
            bases[client.pk] = ("organization", ALL_CATEGORIES)
        else:
            rest.append(client.pk)
    if rest and enrolled is None:
        enrolled = (
            set(
                Enrollment.objects.filter(
                    client_id__in=rest, program_id__in=access.program_ids
                ).values_list("client_id", flat=True)
            )
            if access.program_ids
            else set()
        )
    rest = _settle(bases, rest, set(enrolled or ()), "program")
    if rest and has_break_glass(access):
        glass = BreakGlassAccess.objects.filter(
            client_id__in=rest, user_id=access.user_id or 0, expires_at__gt=timezone.now()
        )
        rest = _settle(bases, rest, set(glass.values_list("client_id", flat=True)), "break_glass")
    consents = (
        consents_to_readers(user, rest, fresh=True)
        if rest and not access.is_empty and has_consents_to(access)
        else {}
    )
    for pk in rest:
        if not consents.get(pk):
            bases[pk] = ("none", frozenset())
            continue
        categories = {c for consent in consents[pk] for c in consent.categories or []}
        bases[pk] = ("consent", frozenset(categories | {ConsentCategory.GENERAL}))
    return bases


def _settle(
    bases: dict[int, tuple[str, frozenset[str]]], rest: list[int], found: set[int], basis: str
) -> list[int]:
    """Give ``basis`` (every category) to the ids ``found``; the ids still undecided."""
    for pk in rest:
        if pk in found:
            bases[pk] = (basis, ALL_CATEGORIES)
    return [pk for pk in rest if pk not in found]


def mark_list_access(user: Any, clients: Iterable[Client]) -> list[Client]:
    """The client gate for a page of clients (a list, a search) that ``visible_to`` found:
    sets ``access_basis``, ``access_categories`` and ``disclosure_notice`` on each, as
    ``access_client`` does for one, with a bounded number of queries for the whole page.
    Staff without consents or emergency accesses cost no query (every client they list is
    in their own programs or organizations: no notice). Clients already marked are kept."""
    clients = list(clients)
    access = access_for(user)
    unmarked = [c for c in clients if not getattr(c, "access_basis", "")]
    if not unmarked:
        return clients
    if access.is_empty or not (has_consents_to(access) or has_break_glass(access)):
        for client in unmarked:
            client.disclosure_notice = None
        return clients
    bases = access_bases(user, unmarked)
    for client in unmarked:
        client.access_basis, client.access_categories = bases[client.pk]
    notices = disclosure_notices(user, unmarked)
    for client in unmarked:
        client.disclosure_notice = notices[client.pk]
    return clients


def list_disclosures_record(
    *, actor: Any, clients: Iterable[Client], what: str, audit_event: Any = None
) -> int:
    """Account for each client a list or search showed ``actor`` through a consent or an
    emergency access (a name shown outside the client's programs is a disclosure of its
    identity), in one insert. Marks the clients as ``mark_list_access`` does. Returns how
    many were written; staff without such access cost no query."""
    clients = mark_list_access(actor, clients)
    return disclosures_record(
        actor=actor,
        clients=clients,
        what=what,
        audit_event=audit_event,
        categories=[ConsentCategory.GENERAL],
    )


def in_care_team(user: Any, client: Client) -> bool:
    """Primary case managers of the client's open enrollments and those programs' supervisors."""
    access = access_for(user)
    leads = access.supervised_program_ids | frozenset(
        p for p, roles in access.program_roles.items() if "program_admin" in roles
    )
    return (
        Enrollment.objects.open()
        .filter(client_id=client.pk)
        .filter(Q(primary_case_manager_id=access.user_id) | Q(program_id__in=leads))
        .exists()
    )


def redact_confidential_addresses(user: Any, clients: Iterable[Client]) -> None:
    """Blank the address of every confidential-address client the user is not care team for.

    Done on the instances, before any template, serializer or export sees them, so no
    delivery path can show what it was never given. Sets ``address_hidden`` on each.
    """
    for client in clients:
        hidden = client.address_confidential and not in_care_team(user, client)
        client.address_hidden = hidden
        if hidden:
            for name in Client.ADDRESS_FIELDS:
                setattr(client, name, "")


def can_write_client(user: Any, client: Client) -> bool:
    access = access_for(user)
    if client.organization_id in access.admin_org_ids:
        return True
    writable = access.write_program_ids
    if not writable:
        return False
    return Enrollment.objects.filter(client_id=client.pk, program_id__in=writable).exists()


def _deny(user: Any, client_id: int, reason: str) -> None:
    existing = Client.objects.filter(pk=client_id).values_list("organization_id", flat=True).first()
    record(
        actor=user,
        action=AuditAction.DENIED,
        target_type="client",
        target_id=client_id,
        client_id=int(str(client_id)) if existing is not None else None,
        organization_id=existing,
        details={"reason": reason},
    )


def _client_and_enrollment(pk: int, program_ids: frozenset[int]) -> tuple[Client | None, bool]:
    """The client (None if missing), and whether it is enrolled in one of ``program_ids``.

    One hand-written query for both: every client read runs it (see ``accounts.rows``).
    """
    enrolled = "0"
    if program_ids:
        placeholders = ", ".join(["%s"] * len(program_ids))
        enrolled = f"EXISTS ({_ENROLLED_SQL} AND e.program_id IN ({placeholders}))"
    sql = f"SELECT {_CLIENT_ROWS.columns}, {enrolled} FROM {_CLIENT_ROWS.table} WHERE c.id = %s"  # noqa: S608 - placeholders only
    with bound_cursor() as cursor:
        cursor.execute(sql, [*sorted(program_ids), pk])
        row = cursor.fetchone()
    if row is None:
        return None, False
    return _CLIENT_ROWS.load(row[:-1], cursor.db), bool(row[-1])


def access_client(
    user: Any, client_id: object, *, write: bool = False, audit: bool = True, page: str = ""
) -> Client:
    """Load a client the user may see (and, with ``write``, change).

    Reads are audited as a view unless ``audit=False`` (the caller records a more specific
    event). A page that shows the record while offering to change it (an edit form) names
    itself in ``page``: the read is then recorded as a view of that page even with
    ``write``, so views never write audit rows themselves. Raises :class:`NotFound` for
    missing *and* hidden clients, and :class:`PermissionDenied` when the client is visible
    but ``write`` is not allowed.
    """
    try:
        pk = int(str(client_id))
    except ValueError:
        raise NotFound("client") from None
    if not 0 < pk <= MAX_ID:
        # An id no database row can have (from a query string, say): missing, not a 500.
        raise NotFound("client")
    # One row by primary key, then the visibility rule decided step by step (the same rule
    # as ``visible_to``; a test holds them together): cheaper than compiling visible_to.
    client, enrolled = _client_and_enrollment(pk, access_for(user).program_ids)
    basis, categories = (
        access_basis(user, client, enrolled=enrolled)
        if client is not None
        else ("none", frozenset())
    )
    if client is None or basis == "none":
        _deny(user, pk, "not visible")
        raise NotFound("client")
    client.access_basis = basis
    client.access_categories = categories
    if write:
        if not can_write_client(user, client):
            _deny(user, pk, "read-only access")
            raise PermissionDenied("You can view this client but not change it.")
        if not page and context.current().method in ("GET", "HEAD"):
            # Any edit form shows the record as it stands, so a GET through the write gate
            # is a read like any other, whether or not its view names its page (or asks
            # for no audit: a form page has no more specific event to record).
            page = "form"
        if not page:
            return client
    redact_confidential_addresses(user, [client])
    client.disclosure_notice = disclosure_notice(user, client)
    if audit or page:
        details = {"basis": basis} if basis not in ("program", "organization") else {}
        details |= {"page": page} if page else {}
        event = record(
            actor=user,
            action=AuditAction.VIEW,
            target_type="client",
            target_id=pk,
            client_id=pk,
            organization_id=client.organization_id,
            details=details or None,
        )
        if basis in DISCLOSED_BASES:
            disclosure_record(actor=user, client=client, what="client", audit_event=event)
    return client


def access_enrollment(
    user: Any, enrollment_id: object, *, write: bool = False, page: str = ""
) -> Enrollment:
    """An enrollment, reachable only through its client's gate (``page``: see
    :func:`access_client`); ``enrollment.client`` is the loaded client."""
    try:
        pk = int(str(enrollment_id))
    except ValueError:
        raise NotFound("enrollment") from None
    enrollment = Enrollment.objects.select_related("program", "client").filter(pk=pk).first()
    if enrollment is None:
        raise NotFound("enrollment")
    enrollment.client = access_client(
        user, enrollment.client_id, write=write, audit=False, page=page
    )
    if write and not access_for(user).can_write_in_program(
        enrollment.program_id, enrollment.organization_id
    ):
        raise PermissionDenied("You cannot change enrollments in this program.")
    return enrollment


def programs_for_new_client(user: Any) -> list[int]:
    """Programs in which the user may create (and so enroll) a client."""
    access = access_for(user)
    from casework.accounts.models import Program

    ids = set(access.write_program_ids)
    if access.admin_org_ids:
        ids |= set(
            Program.objects.filter(
                organization_id__in=access.admin_org_ids, is_active=True
            ).values_list("pk", flat=True)
        )
    return sorted(ids)


def access_consent(user: Any, consent_id: object, *, write: bool = False) -> Consent:
    """A consent, reachable only through its client's gate; ``consent.client`` is the loaded
    client. Missing and hidden consents are both :class:`NotFound`."""
    try:
        pk = int(str(consent_id))
    except ValueError:
        raise NotFound("consent") from None
    client_id = Consent.objects.filter(pk=pk).values_list("client_id", flat=True).first()
    if client_id is None:
        raise NotFound("consent")
    client = access_client(user, client_id, write=write, audit=False)
    consent = Consent.objects.get(pk=pk)
    consent.client = client
    return consent


STAFF_BASES = frozenset({"program", "organization"})
# Bases that open the whole record (consent, SSN, history, who accessed it): the client's
# own staff and an open emergency access, never a consent recipient.
WHOLE_RECORD_BASES = frozenset({"program", "organization", "break_glass"})


def reads_whole_record(client: Client) -> bool:
    """Whether the gate-loaded ``client`` was reached on a basis that opens the whole record."""
    return getattr(client, "access_basis", "none") in WHOLE_RECORD_BASES


def require_whole_record(client: Client) -> None:
    """Refuse pages and operations about the whole record to a consent recipient, with the
    same :class:`NotFound` as a hidden client (they must not learn that such parts exist)."""
    if not reads_whole_record(client):
        raise NotFound("client")


def check_can_take_in(user: Any, client: Client) -> None:
    """Refuse to enroll or screen an existing client reached only through a consent or
    emergency access: enrolling would turn read-only or time-limited access into lasting
    full access. A brand-new client (no enrollment yet) is the creator's to enroll."""
    if not Enrollment.objects.filter(client_id=client.pk).exists():
        return
    basis, _ = access_basis(user, client)
    if basis not in STAFF_BASES:
        raise PermissionDenied(
            "You reach this client through a consent or emergency access; ask the client's "
            "program to make the referral."
        )


# Keys under which an address can sit in audit changes or a merge's pre-merge snapshot.
_AUDIT_ADDRESS_KEYS = frozenset(Client.ADDRESS_FIELDS) | {"line1", "line2", "county"}
HIDDEN = "[confidential]"


def redact_audit_addresses(user: Any, events: Sequence[Any]) -> None:
    """Hide address values in audit rows about confidential-address clients from readers
    outside the care team (org admins and auditors included), as the pages do.

    The one function for every delivery of audit changes (audit trail, export, API,
    a client's "What changed"): address keys are masked, and every value of a change to
    an address row of the record. Works on the instances, before anything renders them.
    """
    client_ids = {e.client_id for e in events if e.client_id}
    if not client_ids:
        return
    confidential = set(
        Client.objects.filter(pk__in=client_ids, address_confidential=True).values_list(
            "pk", flat=True
        )
    )
    hidden = {pk for pk in confidential if not in_care_team(user, Client(pk=pk))}
    for event in events:
        if event.client_id not in hidden:
            continue
        whole_row = event.target_type == "clientaddress"
        event.changes = {
            key: [HIDDEN, HIDDEN] if whole_row or key in _AUDIT_ADDRESS_KEYS else value
            for key, value in (event.changes or {}).items()
        }
        pre = (event.details or {}).get("pre_merge")
        if isinstance(pre, dict):
            masked = {k: HIDDEN if k in _AUDIT_ADDRESS_KEYS else v for k, v in pre.items()}
            event.details = {**event.details, "pre_merge": masked}

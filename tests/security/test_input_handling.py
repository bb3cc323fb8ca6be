"""Hostile input: sort and filter injection, oversized and malformed bodies, unicode, CSV
formulas, open redirects, header injection, CSRF, session fixation, framing, uploads."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.audit.models import AuditEvent
from casework.conftest import PASSWORD
from tests.security.conftest import FAMILY, PDF, World, signed_in
from tests.security.routes import OBJECT_ROUTES
from tests.security.test_api_authorization import Api

# --- Sorting and filtering -----------------------------------------------------------------

HOSTILE_SORTS = [
    "-password",
    "organization__name",
    "created_by__password",
    "family_name; DROP TABLE clients_client; --",
    "(SELECT 1)",
    "ssn_encrypted",
]


@pytest.mark.parametrize("sort", HOSTILE_SORTS)
def test_client_list_sort_is_whitelisted(sort: str, world: World) -> None:
    http = signed_in(world.owner)
    response = http.get("/clients/", {"sort": sort})
    assert response.status_code == 200
    baseline = http.get("/clients/")
    ids = re.compile(rb'href="/clients/(\d+)/"')
    assert ids.findall(response.content) == ids.findall(baseline.content)


@pytest.mark.parametrize(
    "query",
    [
        {"ordering": "-password"},
        {"sort": "organization__name"},
        {"organization__name": "Lakeside Health"},
        {"family_name__startswith": "A"},
        {"q__regex": ".*"},
        {"program": "1 OR 1=1"},
        {"date_of_birth": "1961-04-12' OR '1'='1"},
    ],
)
def test_api_lists_refuse_unknown_or_malformed_filters(query: dict[str, str], world: World) -> None:
    from urllib.parse import urlencode

    response = Api(world.owner).get(f"/clients?{urlencode(query)}")
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("field", ["user", "action", "client", "date_from"])
def test_audit_filters_survive_injection(field: str, world: World, org_admin: Any) -> None:
    value = "x' OR '1'='1"
    response = signed_in(org_admin).get("/audit/", {field: value})
    assert response.status_code in (200, 400)
    export = signed_in(org_admin).get("/audit/export.csv", {field: value})
    assert export.status_code in (200, 400)


def test_search_text_is_not_a_pattern(world: World) -> None:
    """``%`` and ``_`` are not wildcards: ``%bernathy`` does not find Abernathy."""
    http = signed_in(world.owner)
    for text in ("%bernathy", "_bernathy", "%ernathy%", ".*thy", "[A]bernathy"):
        page = http.get("/clients/", {"q": text})
        assert page.status_code == 200
        assert f'href="/clients/{world.client.pk}/"' not in page.content.decode()


# --- Bodies ----------------------------------------------------------------------------------


def test_oversized_api_bodies_are_refused_without_a_crash(world: World) -> None:
    big = json.dumps({"given_name": "A" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = Api(world.owner).call("post", "/clients", big)
    assert response.status_code in (400, 413, 422)


@pytest.mark.parametrize(
    "body", ['{"given_name": ', "[]", "null", '"text"', "\x00", '{"a": NaN}', "{" * 5000]
)
def test_malformed_json_is_a_problem_not_a_crash(body: str, world: World) -> None:
    response = Api(world.owner).call("post", "/clients", body)
    assert response.status_code in (400, 422), response.content[:300]
    assert response["Content-Type"] == "application/problem+json"


def test_oversized_form_posts_are_refused_without_a_crash(world: World) -> None:
    http = signed_in(world.owner)
    big = "A" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = http.post(f"/clients/{world.client.pk}/edit/", {"given_name": big})
    assert response.status_code in (400, 413, 422)


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("Zoë", True),
        ("Nguyễn", True),
        ("محمد", True),
        ("李", True),
        ("A\x00B", False),
        ("\u202eevil", True),
    ],
)
def test_unicode_names_round_trip_or_are_refused(name: str, accepted: bool, world: World) -> None:
    api = Api(world.owner)
    body = {"given_name": name, "family_name": "Unicode", "program_id": world.program.pk}
    response = api.call("post", "/clients", body)
    if accepted:
        assert response.status_code == 201, response.content[:300]
        assert api.get(f"/clients/{response.json()['id']}").json()["given_name"] == name
        page = signed_in(world.owner).get(f"/clients/{response.json()['id']}/")
        assert page.status_code == 200
    else:
        assert response.status_code == 422


def test_html_in_names_is_escaped_on_pages(world: World) -> None:
    api = Api(world.owner)
    body = {
        "given_name": "<script>alert(1)</script>",
        "family_name": '"><img src=x onerror=alert(1)>',
        "program_id": world.program.pk,
    }
    created = api.call("post", "/clients", body)
    assert created.status_code == 201
    for url in (f"/clients/{created.json()['id']}/", "/clients/", "/"):
        text = signed_in(world.owner).get(url).content.decode()
        assert "<script>alert(1)" not in text, url
        assert "<img src=x" not in text, url


# --- CSV exports ---------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_audit_export_neutralizes_formulas(formula: str, world: World, org_admin: Any) -> None:
    signed_in(None).post("/login/", {"username": formula, "password": "wrong"})
    http = signed_in(org_admin)
    http.get("/clients/", {"q": formula}, HTTP_USER_AGENT=formula)
    body = b"".join(http.get("/audit/export.csv").streaming_content).decode()
    import csv
    import io

    for row in csv.reader(io.StringIO(body)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or re.fullmatch(
                r"-?\d+(\.\d+)?", cell
            ), cell


# --- Redirects and headers ------------------------------------------------------------------

EVIL = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("target", EVIL)
def test_sign_in_never_redirects_off_site(target: str, world: World) -> None:
    http = signed_in(None)
    response = http.post(
        f"/login/?next={target}", {"username": world.owner.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:300]
    assert "evil.example" not in response["Location"]
    assert not response["Location"].startswith("javascript:")


@pytest.mark.parametrize("target", EVIL)
def test_notification_links_never_redirect_off_site(target: str, world: World) -> None:
    url = reverse("web:notification_read", kwargs={"pk": world.notification.pk})
    response = signed_in(world.owner).post(url, {"open": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:notifications")


def test_notification_links_go_on_to_local_pages(world: World) -> None:
    """The twin: a local target is followed."""
    url = reverse("web:notification_read", kwargs={"pk": world.notification.pk})
    response = signed_in(world.owner).post(url, {"open": f"/clients/{world.client.pk}/"})
    assert response["Location"] == f"/clients/{world.client.pk}/"


@pytest.mark.parametrize(
    "value",
    [
        "short",
        "a" * 65,
        "abc\r\nSet-Cookie: x=1",
        "<script>alert(1)</script>",
        "x" * 4000,
        "é" * 10,
    ],
)
def test_request_ids_from_outside_are_used_only_when_well_formed(value: str, world: World) -> None:
    response = signed_in(world.owner).get("/clients/", HTTP_X_REQUEST_ID=value)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert AuditEvent.objects.latest("id").request_id == response["X-Request-ID"]


def test_a_well_formed_request_id_is_kept(world: World) -> None:
    response = signed_in(world.owner).get("/clients/", HTTP_X_REQUEST_ID="req-12345678")
    assert response["X-Request-ID"] == "req-12345678"
    assert AuditEvent.objects.latest("id").request_id == "req-12345678"


@pytest.mark.parametrize(
    "url", ["/", "/clients/", "/clients/{pk}/", "/login/", "/audit/", "/clients/{pk}/ssn/"]
)
def test_pages_forbid_framing_and_inline_script(url: str, world: World, org_admin: Any) -> None:
    user = {"/audit/": org_admin, "/login/": None}.get(url, world.owner)
    response = signed_in(user).get(url.format(pk=world.client.pk))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "script-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_api_answers_are_not_cached_or_sniffed(world: World) -> None:
    response = Api(world.owner).get(f"/clients/{world.client.pk}")
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


# --- CSRF and sessions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "route", [r for r in OBJECT_ROUTES if "post" in r.methods], ids=lambda route: route.name
)
def test_unsafe_web_routes_need_the_csrf_token(
    route: Any, world: World, request: pytest.FixtureRequest
) -> None:
    owner = request.getfixturevalue(route.owner)
    http = signed_in(owner, enforce_csrf_checks=True)
    response = http.post(reverse(f"web:{route.name}", kwargs=route.kwargs(world)), {})
    assert response.status_code == 403, route.name


@pytest.mark.parametrize(
    "name",
    [
        "client_create",
        "tokens",
        "notifications_read_all",
        "duplicate_run",
        "import_upload",
        "emergency_access",
        "logout",
        "two_factor_disable",
    ],
)
def test_unsafe_self_routes_need_the_csrf_token(name: str, world: World, org_admin: Any) -> None:
    http = signed_in(org_admin, enforce_csrf_checks=True)
    assert http.post(reverse(f"web:{name}"), {}).status_code == 403


def test_api_session_writes_need_the_csrf_header(world: World) -> None:
    http = signed_in(world.owner, enforce_csrf_checks=True)
    response = http.patch(
        f"/api/v1/clients/{world.client.pk}",
        data=json.dumps({"phone": "555-0000"}),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{world.client.version}"',
    )
    assert response.status_code == 403


def test_session_id_rotates_at_sign_in(world: World) -> None:
    http = signed_in(None)
    http.get("/login/")
    http.session["planted"] = "by-attacker"
    http.session.save()
    before = http.cookies[settings.SESSION_COOKIE_NAME].value
    response = http.post("/login/", {"username": world.owner.email, "password": PASSWORD})
    assert response.status_code == 302
    after = http.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    old = signed_in(None)
    old.cookies[settings.SESSION_COOKIE_NAME] = before
    assert old.get("/clients/").status_code == 302  # the planted id is not signed in


def test_session_cookie_flags(world: World) -> None:
    http = signed_in(None)
    http.post("/login/", {"username": world.owner.email, "password": PASSWORD})
    cookie = http.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


# --- Uploads ---------------------------------------------------------------------------------


def _consent_post(http: Any, world: World, upload: Any) -> Any:
    return http.post(
        f"/clients/{world.client.pk}/consents/new/",
        {
            "recipient_name": "Dr. Ford",
            "categories": ["general"],
            "purpose": "Coordination",
            "kind": "single_purpose",
            "effective_date": "2025-01-01",
            "signature_method": "uploaded",
            "signed_by_name": "Dolores Abernathy",
            "signed_on": "2025-01-01",
            "signed_form": upload,
        },
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("form.pdf", b"<html><script>alert(1)</script></html>"),
        ("form.html", b"<html><script>alert(1)</script></html>"),
        ("form.svg", b"<svg onload=alert(1)></svg>"),
        ("form.exe", b"MZ\x90\x00"),
    ],
)
def test_consent_uploads_are_checked_by_content(name: str, content: bytes, world: World) -> None:
    from casework.clients.models import Consent

    before = Consent.objects.count()
    response = _consent_post(signed_in(world.owner), world, SimpleUploadedFile(name, content))
    assert response.status_code == 422
    assert Consent.objects.count() == before


def test_consent_uploads_get_a_random_name_inside_media(world: World) -> None:
    from casework.clients.models import Consent

    upload = SimpleUploadedFile("../../../../etc/Abernathy.pdf", PDF)
    response = _consent_post(signed_in(world.owner), world, upload)
    assert response.status_code == 302, response.content[:500]
    stored = Consent.objects.latest("id").signed_form
    assert FAMILY not in stored.name
    assert ".." not in stored.name
    path = Path(stored.path).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert signed_in(world.owner).get(f"/media/{stored.name}").status_code == 404


def test_certificates_are_checked_and_stored_inside_media(world: World) -> None:
    from casework.workforce.models import ContinuingEducation

    http = signed_in(world.owner)
    data = {
        "provider": "NASW",
        "course": "Ethics",
        "completed_on": "2025-03-01",
        "hours": "1.5",
        "category": "ethics",
    }
    bad = SimpleUploadedFile("cert.pdf", b"<html>not a pdf</html>")
    refused = http.post("/credentials/add/ce/", data | {"certificate": bad})
    assert refused.status_code == 200  # the form again, with the error
    assert b"PDF, PNG or JPEG" in refused.content
    sneaky = SimpleUploadedFile("../../../outside.pdf", PDF)
    response = http.post("/credentials/add/ce/", data | {"certificate": sneaky})
    assert response.status_code in (200, 302)
    entry = ContinuingEducation.objects.filter(course="Ethics").first()
    if entry is not None and entry.certificate:
        path = Path(entry.certificate.path).resolve()
        assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        assert ".." not in entry.certificate.name


def test_import_refuses_files_that_are_not_csv(world: World, intake_health: Any) -> None:
    http = signed_in(intake_health)
    for name, content in (("people.csv", PDF), ("people.csv", b"\x00\x01\x02" * 100)):
        upload = SimpleUploadedFile(name, content, content_type="text/csv")
        response = http.post("/clients/import/", {"program": world.program.pk, "file": upload})
        assert response.status_code == 422, name


def test_import_tokens_are_not_paths(world: World, intake_health: Any) -> None:
    http = signed_in(intake_health)
    for token in ("..%2F..%2Fsettings", "..", "a" * 48 + "/../x", "A" * 48):
        assert http.get(f"/clients/import/{token}/").status_code == 404

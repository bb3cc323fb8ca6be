"""Attachments: content-checked, size-limited, random names, served only through the gate;
a file uploaded through one S3 storage instance is served by another (moto's S3 server)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.test import override_settings
from PIL import Image
from pypdf import PdfWriter

from casework.audit.models import AuditEvent
from casework.casenotes.models import Attachment


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def _http(user: Any) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def _upload(http: HttpClient, client: Any, name: str, content: bytes) -> Any:
    return http.post(
        f"/clients/{client.pk}/files/",
        {"file": SimpleUploadedFile(name, content, "application/octet-stream")},
    )


def test_a_checked_file_is_stored_under_a_random_name_and_served_to_staff_only(
    cm_health: Any, cm_mental_health: Any, client_health: Any
) -> None:
    http = _http(cm_health)
    response = _upload(http, client_health, "../../Dolores Abernathy scan.pdf", pdf_bytes())
    assert response.status_code == 302, response.content[:500]
    attachment = Attachment.objects.get(client=client_health)
    assert attachment.title == "Dolores Abernathy scan.pdf"
    assert "Abernathy" not in attachment.stored_name
    assert ".." not in attachment.stored_name
    download = http.get(f"/files/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(
        target_type="attachment", target_id=str(attachment.pk), action="view"
    ).exists()
    assert _http(cm_mental_health).get(f"/files/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.pdf", png_bytes(), "The content is PNG, but the name ends .pdf"),
        ("notes.exe", b"MZ\x90\x00" + b"\x00" * 100, "Upload a PDF, PNG, JPEG"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "could not be read as a PDF"),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"garbage", "could not be read as a PNG"),
    ],
)
def test_content_that_does_not_match_or_parse_is_refused(
    cm_health: Any, client_health: Any, name: str, content: bytes, message: str
) -> None:
    response = _upload(_http(cm_health), client_health, name, content)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_an_oversize_file_is_refused(cm_health: Any, client_health: Any) -> None:
    big = pdf_bytes() + b"%" * 2048
    response = _upload(_http(cm_health), client_health, "big.pdf", big)
    assert response.status_code in (413, 422)
    assert not Attachment.objects.exists()


@pytest.fixture
def s3_endpoint() -> Any:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _forget_attachment_storage() -> None:
    """Make the next ``storages["attachments"]`` a new instance, as on another server."""
    storages._storages.pop("attachments", None)  # type: ignore[attr-defined]  # Django's cache


def _s3(endpoint: str) -> dict[str, Any]:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "casework-test",
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            "access_key": "testing",
            "secret_key": "testing",
            "location": "attachments",
            "file_overwrite": False,
        },
    }


def test_a_file_uploaded_through_one_app_server_is_served_by_another(
    s3_endpoint: str, settings: Any, cm_health: Any, client_health: Any
) -> None:
    import boto3

    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket="casework-test")
    settings.STORAGES = settings.STORAGES | {"attachments": _s3(s3_endpoint)}
    _forget_attachment_storage()  # "server A": a fresh storage instance
    first = storages["attachments"]
    response = _upload(_http(cm_health), client_health, "scan.pdf", pdf_bytes())
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    _forget_attachment_storage()  # "server B": another instance, same bucket
    second = storages["attachments"]
    assert second is not first
    assert not (settings.MEDIA_ROOT / "attachments" / attachment.stored_name).exists()
    download = _http(cm_health).get(f"/files/{attachment.pk}/")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]  # a FileResponse
    assert body.startswith(b"%PDF")
    assert body == second.open(attachment.stored_name).read()
    _forget_attachment_storage()


# --- The attachments API and the audited list (issue 15) ----------------------------------


def test_the_files_page_records_a_read_naming_the_files_shown(
    cm_health: Any, client_health: Any
) -> None:
    http = _http(cm_health)
    assert _upload(http, client_health, "scan.pdf", pdf_bytes()).status_code == 302
    attachment = Attachment.objects.get()
    response = http.get(f"/clients/{client_health.pk}/files/")
    assert response.status_code == 200
    row = AuditEvent.objects.filter(action="list", target_type="attachment_list").last()
    assert row is not None
    assert row.client_id == client_health.pk
    assert row.details == {"attachment_ids": [attachment.pk]}


def test_the_api_lists_uploads_and_downloads_through_the_same_gates(
    cm_health: Any, cm_mental_health: Any, client_health: Any
) -> None:
    http = _http(cm_health)
    created = http.post(
        f"/api/v1/clients/{client_health.pk}/attachments",
        {"file": SimpleUploadedFile("../intake scan.pdf", pdf_bytes(), "application/pdf")},
    )
    assert created.status_code == 201, created.content[:300]
    body = created.json()
    assert body["title"] == "intake scan.pdf"
    assert body["kind"] == "pdf"
    assert created["Location"] == body["download"]
    listed = http.get(f"/api/v1/clients/{client_health.pk}/attachments")
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()] == [body["id"]]
    assert AuditEvent.objects.filter(
        action="list", target_type="attachment_list", client_id=client_health.pk
    ).exists()
    download = http.get(body["download"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(
        action="view", target_type="attachment", target_id=str(body["id"])
    ).exists()
    outsider = _http(cm_mental_health)
    assert outsider.get(f"/api/v1/clients/{client_health.pk}/attachments").status_code == 404
    assert outsider.get(body["download"]).status_code == 404


def test_the_api_refuses_a_file_whose_content_does_not_match_naming_the_field(
    cm_health: Any, client_health: Any
) -> None:
    response = _http(cm_health).post(
        f"/api/v1/clients/{client_health.pk}/attachments",
        {"file": SimpleUploadedFile("photo.pdf", png_bytes(), "application/pdf")},
    )
    assert response.status_code == 422
    problem = response.json()
    assert "The content is PNG" in str(problem)
    assert "file" in str(problem.get("errors", problem))
    assert not Attachment.objects.exists()

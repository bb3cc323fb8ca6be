"""The CSV import upload page: preview first, confirm to write, clear errors (issue 3)."""

from __future__ import annotations

import io
import os
import re
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client as HttpClient

from casework.clients.models import Client
from casework.web.tests.helpers import signed_in, text

CSV = b"given_name,family_name,date_of_birth,external_id\nAda,Lovelace,1945-12-10,A-1\n"


def upload(http, program, content=CSV, name="people.csv"):
    return http.post(
        "/clients/import/",
        {"program": program.pk, "file": SimpleUploadedFile(name, content, "text/csv")},
    )


def test_upload_previews_then_confirm_imports_once(programs, intake_health, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    http = signed_in(HttpClient(), intake_health)
    assert http.get("/clients/import/").status_code == 200
    response = upload(http, programs["healthcare"])
    assert response.status_code == 302
    status_url = response["Location"]
    preview = text(http.get(status_url))
    assert "Preview: nothing is saved yet" in preview
    assert re.search(
        r'uploaded <time datetime="[^"]+">\w{3} \d{1,2}, \d{4} \d{1,2}:\d{2} [AP]', preview
    )
    assert "Lovelace" in preview
    assert not Client.objects.exists()
    found = re.search(r"/clients/import/([0-9a-f]+)/", status_url)
    assert found is not None
    token = found.group(1)
    done = http.post(f"/clients/import/{token}/confirm/", follow=True)
    assert "Imported 1 client" in text(done)
    assert Client.objects.count() == 1
    again = http.post(f"/clients/import/{token}/confirm/", follow=True)
    assert "already imported" in text(again)
    # The same file uploaded again finds the person on file.
    second = upload(http, programs["healthcare"])
    assert "already on file" in text(http.get(second["Location"]))
    assert Client.objects.count() == 1


def test_another_user_cannot_see_or_confirm_an_upload(
    programs, intake_health, org_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    mine = upload(signed_in(HttpClient(), intake_health), programs["healthcare"])
    other = signed_in(HttpClient(), org_admin)
    assert other.get(mine["Location"]).status_code == 404
    assert other.post(mine["Location"] + "confirm/").status_code == 404
    assert not Client.objects.exists()


def test_bad_rows_are_listed_and_cannot_be_confirmed(programs, intake_health, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    http = signed_in(HttpClient(), intake_health)
    content = b"given_name,family_name,date_of_birth\nAda,Lovelace,2026-02-30\nX,Y,2999-01-01\n"
    response = upload(http, programs["healthcare"], content)
    page = text(http.get(response["Location"]))
    assert "Line 2, date_of_birth" in page
    assert "Line 3, date_of_birth: Date of birth cannot be in the future." in page
    assert "Import 0" not in page
    http.post(response["Location"] + "confirm/")
    assert not Client.objects.exists()


def test_malformed_and_oversize_files_get_clear_errors(programs, intake_health, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    http = signed_in(HttpClient(), intake_health)
    bad = upload(http, programs["healthcare"], b"\xff\xfe\x00given_name")
    assert bad.status_code == 422
    assert "not UTF-8" in text(bad)
    big = upload(http, programs["healthcare"], CSV + b"Ada,Lovelace,1945-12-10,A-2\n" * 400)
    assert big.status_code == 422
    assert "too large" in text(big)
    assert not Client.objects.exists()


def test_case_managers_cannot_import(programs, cm_health):
    http = signed_in(HttpClient(), cm_health)
    assert http.get("/clients/import/").status_code == 403


def _staged_files(tmp_path):
    return sorted(p.name.split(".", 1)[1] for p in (tmp_path / "imports").iterdir())


def test_the_waiting_upload_is_encrypted_and_deleted_once_imported(
    programs, intake_health, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    http = signed_in(HttpClient(), intake_health)
    token = upload(http, programs["healthcare"])["Location"].rstrip("/").rsplit("/", 1)[1]
    assert _staged_files(tmp_path) == ["csv.enc", "json", "plan.enc"]
    on_disk = b"".join(p.read_bytes() for p in (tmp_path / "imports").iterdir())
    assert b"Lovelace" not in on_disk
    assert b"1945-12-10" not in on_disk
    http.post(f"/clients/import/{token}/confirm/")
    assert _staged_files(tmp_path) == ["json"]


def test_cancel_deletes_the_upload_at_once(programs, intake_health, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    http = signed_in(HttpClient(), intake_health)
    status_url = upload(http, programs["healthcare"])["Location"]
    assert "Cancel and delete the file" in text(http.get(status_url))
    cancelled = http.post(status_url + "cancel/", follow=True)
    assert "Cancelled: people.csv was deleted." in text(cancelled)
    assert _staged_files(tmp_path) == []
    assert http.get(status_url).status_code == 404
    assert http.post(status_url + "confirm/").status_code == 404
    assert not Client.objects.exists()


def test_abandoned_uploads_are_swept_after_a_day(programs, intake_health, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    http = signed_in(HttpClient(), intake_health)
    old_url = upload(http, programs["healthcare"])["Location"]
    day_ago = time.time() - 24 * 3600 - 60
    for path in (tmp_path / "imports").iterdir():
        os.utime(path, (day_ago, day_ago))
    call_command("sweep_imports", stdout=io.StringIO())
    assert _staged_files(tmp_path) == []
    assert http.get(old_url).status_code == 404
    # A new upload also sweeps what was abandoned, and keeps what is fresh.
    fresh_url = upload(http, programs["healthcare"])["Location"]
    for path in (tmp_path / "imports").iterdir():
        os.utime(path, (day_ago, day_ago))
    upload(http, programs["healthcare"])
    assert http.get(fresh_url).status_code == 404
    assert _staged_files(tmp_path) == ["csv.enc", "json", "plan.enc"]


# --- Issue 9: the preview is stored; control characters are refused row by row --------------


def test_the_preview_is_computed_once_and_stored(
    programs, intake_health, settings, tmp_path, monkeypatch
):
    from casework.web.views import imports

    settings.MEDIA_ROOT = tmp_path
    http = signed_in(HttpClient(), intake_health)
    status_url = upload(http, programs["healthcare"])["Location"]

    def parse_again(*args, **kwargs):
        raise AssertionError("the preview was parsed again")

    monkeypatch.setattr(imports, "import_parse", parse_again)
    for _ in range(2):
        assert "Lovelace" in text(http.get(status_url))
    found = re.search(r"/clients/import/([0-9a-f]+)/", status_url)
    assert found is not None
    token = found.group(1)
    done = http.post(f"/clients/import/{token}/confirm/", follow=True)
    assert "Imported 1 client" in text(done)
    assert not list(tmp_path.glob("imports/*.plan.enc"))  # deleted with the file


def test_control_characters_are_refused_on_their_own_row(
    programs, intake_health, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    http = signed_in(HttpClient(), intake_health)
    content = (
        b"given_name,family_name,date_of_birth,external_id\n"
        b"Ada,Lovelace,1945-12-10,A-1\n"
        b"Al\x00an,Turing,1912-06-23,A-2\n"
        b"Grace,Hop\x07per,1906-12-09,A-3\n"
    )
    response = upload(http, programs["healthcare"], content)
    assert response.status_code == 302
    preview = text(http.get(response["Location"]))
    assert "U+0000, NUL" in preview
    assert "U+0007" in preview
    assert "<strong>1 new</strong>" in preview
    assert "<strong>2 with errors</strong>" in preview

"""Directory pages: search (from a client, pre-filled), a service, the resource list, HSDS
upload with its status, curation. Staff read; curators edit; partners get 404."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from casework.audit.models import AuditEvent
from casework.resources.models import ImportRun, Service
from casework.resources.testing import make_directory

pytestmark = pytest.mark.django_db
EXAMPLES = Path("/work/shared/standards/hsds/v3.0/examples/csv")


@pytest.fixture
def directory(db: None) -> dict[str, Service]:
    return make_directory()


def _as(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def test_search_from_a_client_is_prefilled_with_their_zip_and_offers_referral(
    cm_health, client_health, directory
) -> None:
    client_health.postal_code = "12207"
    client_health.save(update_fields=["postal_code"])
    page = _as(cm_health).get(
        f"/directory/?client={client_health.pk}&need=housing-instability&radius=5"
    )
    assert page.status_code == 200
    assert b"Emergency rent assistance" in page.content
    assert b"Buffalo housing help" not in page.content
    assert f"/clients/{client_health.pk}/referrals/new/?service=".encode() in page.content
    assert AuditEvent.objects.filter(action="search", client_id=client_health.pk).exists()


def test_search_refuses_an_unknown_zip_with_a_message(cm_health, directory) -> None:
    page = _as(cm_health).get("/directory/?zip=00000")
    assert b"Not a US ZIP code we know." in page.content


def test_search_of_a_client_the_worker_cannot_see_is_404(cm_mental_health, client_health) -> None:
    assert _as(cm_mental_health).get(f"/directory/?client={client_health.pk}").status_code == 404


def test_service_page_and_resource_list(cm_health, directory) -> None:
    rent = directory["rent"]
    page = _as(cm_health).get(f"/directory/services/{rent.pk}/")
    assert b"Emergency rent assistance" in page.content
    assert b"Never verified" in page.content
    listing = _as(cm_health).get(f"/directory/resource-list/?service={rent.pk}&lang=es")
    assert b"Su lista de recursos" in listing.content
    assert b"Se habla espa" in listing.content
    assert b"1 State St" in listing.content


@pytest.mark.parametrize("path", ["/directory/", "/directory/services/{pk}/",
                                  "/directory/services/{pk}/edit/", "/directory/curation/",
                                  "/directory/import/"])  # fmt: skip
def test_partners_see_no_directory_page(partner, directory, path: str) -> None:
    response = _as(partner).get(path.format(pk=directory["rent"].pk))
    assert response.status_code in (403, 404)


def test_a_case_manager_reads_but_does_not_curate(cm_health, directory) -> None:
    rent = directory["rent"]
    assert _as(cm_health).get(f"/directory/services/{rent.pk}/edit/").status_code == 404
    assert _as(cm_health).post(f"/directory/services/{rent.pk}/verify/").status_code == 404
    assert _as(cm_health).get("/directory/curation/").status_code == 403
    rent.refresh_from_db()
    assert rent.last_verified_at is None


def test_a_curator_edits_verifies_and_sees_stale_listings(org_admin, directory) -> None:
    rent = directory["rent"]
    http = _as(org_admin)
    assert b"Emergency rent assistance" in http.get("/directory/curation/").content
    response = http.post(
        f"/directory/services/{rent.pk}/edit/",
        {"name": "Emergency rent help", "status": "active", "minimum_age": 18},
    )
    assert response.status_code == 302
    rent.refresh_from_db()
    assert rent.name == "Emergency rent help"
    assert rent.last_verified_by == org_admin
    assert b"Emergency rent help" not in http.get("/directory/curation/").content
    http.post(f"/directory/services/{directory['pantry'].pk}/verify/")
    assert Service.objects.filter(last_verified_at__isnull=True).count() == 2


def test_a_curator_s_bad_edit_names_the_field(org_admin, directory) -> None:
    response = _as(org_admin).post(
        f"/directory/services/{directory['rent'].pk}/edit/",
        {"name": "X", "status": "active", "minimum_age": 30, "maximum_age": 10},
    )
    assert b"The maximum age is below the minimum age." in response.content


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in folder.iterdir():
            archive.write(file, file.name)
    return buffer.getvalue()


def test_upload_runs_the_import_and_shows_its_status(
    org_admin, django_capture_on_commit_callbacks
) -> None:
    http = _as(org_admin)
    upload = SimpleUploadedFile("hsds.zip", _zip(EXAMPLES), "application/zip")
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post("/directory/import/", {"file": upload})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.state == "done"
    assert run.progress == 100
    page = http.get(response["Location"])
    assert b"Imported" in page.content
    assert b"service" in page.content
    assert Service.objects.count() == 1


def test_a_broken_upload_lists_located_problems_and_writes_nothing(
    org_admin, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    folder = tmp_path / "pkg"
    shutil.copytree(EXAMPLES, folder)
    text = (folder / "services.csv").read_text().replace(",active,", ",open,")
    (folder / "services.csv").write_text(text)
    http = _as(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            "/directory/import/", {"file": SimpleUploadedFile("bad.zip", _zip(folder))}
        )
    page = http.get(response["Location"])
    assert b"Nothing was imported" in page.content
    assert b"services.csv" in page.content
    assert b"status" in page.content
    assert Service.objects.count() == 0


def test_only_the_starter_sees_an_import_status(org_admin, other_agency_admin) -> None:
    run = ImportRun.objects.create(token="abc", started_by=org_admin, file_name="x.zip")
    assert _as(other_agency_admin).get(f"/directory/import/{run.token}/").status_code == 404

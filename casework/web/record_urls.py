"""Client record, consent, emergency access, duplicates and import pages (issue 3)."""

from django.urls import URLPattern, URLResolver, path

from casework.web.views import consent, disclosures, duplicates, imports, record

urlpatterns: list[URLPattern | URLResolver] = [
    path("clients/import/", imports.import_upload, name="import_upload"),
    path("clients/import/<str:token>/", imports.import_status, name="import_status"),
    path("clients/import/<str:token>/confirm/", imports.import_confirm, name="import_confirm"),
    path("clients/import/<str:token>/cancel/", imports.import_cancel, name="import_cancel"),
    path("clients/<int:pk>/sections/", record.client_sections, name="record_sections"),
    path("clients/<int:pk>/profile/", record.profile_edit, name="record_profile"),
    path("clients/<int:pk>/ssn/", record.ssn_edit, name="record_ssn"),
    path("clients/<int:pk>/ssn/reveal/", record.ssn_reveal, name="record_ssn_reveal"),
    path("clients/<int:pk>/history/", record.history, name="record_history"),
    path("clients/<int:pk>/record/<str:part>/", record.part_list, name="record_part_list"),
    path(
        "clients/<int:pk>/record/<str:part>/<int:item_id>/",
        record.part_edit,
        name="record_part_edit",
    ),
    path(
        "clients/<int:pk>/record/<str:part>/<int:item_id>/end/",
        record.part_end,
        name="record_part_end",
    ),
    path("clients/<int:pk>/consents/", consent.consent_list, name="consent_list"),
    path("clients/<int:pk>/consents/new/", consent.consent_create, name="consent_create"),
    path("consents/<int:consent_id>/revoke/", consent.consent_revoke, name="consent_revoke"),
    path("consents/<int:consent_id>/event/", consent.consent_event, name="consent_event"),
    path(
        "consents/<int:consent_id>/signed-form/",
        consent.consent_form_download,
        name="consent_form_download",
    ),
    path("clients/<int:pk>/disclosures/", disclosures.disclosure_list, name="disclosure_list"),
    path(
        "clients/<int:pk>/disclosures/print/",
        disclosures.disclosure_print,
        name="disclosure_print",
    ),
    path("emergency-access/", consent.emergency_access, name="emergency_access"),
    path("duplicates/", duplicates.duplicate_queue, name="duplicate_queue"),
    path("duplicates/run/", duplicates.duplicate_run, name="duplicate_run"),
    path("duplicates/<int:pk>/merge/", duplicates.duplicate_merge, name="duplicate_merge"),
    path(
        "duplicates/<int:pk>/not-duplicate/",
        duplicates.duplicate_not_duplicate,
        name="duplicate_not_duplicate",
    ),
    path("merges/<int:pk>/undo/", duplicates.merge_undo, name="merge_undo"),
    path(
        "enrollments/<int:pk>/transition/",
        record.enrollment_transition,
        name="enrollment_transition",
    ),
    path("enrollments/<int:pk>/reenroll/", record.enrollment_reenroll, name="enrollment_reenroll"),
]

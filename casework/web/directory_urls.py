"""Pages of the resource directory and referrals, included by casework/web/urls.py."""

from django.urls import URLPattern, URLResolver, path

from casework.web.views import directory, directory_edit, partner, referral_clocks, referrals

urlpatterns: list[URLPattern | URLResolver] = [
    path("directory/", directory.service_search, name="service_search"),
    path("directory/services/<str:pk>/", directory.service_detail, name="service_detail"),
    path("directory/services/<str:pk>/edit/", directory.service_edit, name="service_edit"),
    path("directory/services/<str:pk>/verify/", directory.service_verify, name="service_verify"),
    path("directory/resource-list/", directory.resource_list, name="resource_list"),
    path("directory/curation/", directory.directory_curation, name="directory_curation"),
    path("directory/organizations/", directory_edit.organization_list, name="organization_list"),
    path(
        "directory/organizations/new/",
        directory_edit.organization_create,
        name="organization_create",
    ),
    path(
        "directory/organizations/<str:pk>/",
        directory_edit.organization_edit,
        name="organization_edit",
    ),
    path(
        "directory/organizations/<str:pk>/partner/",
        directory_edit.organization_partner,
        name="organization_partner",
    ),
    path(
        "directory/organizations/<str:pk>/locations/new/",
        directory_edit.location_create,
        name="location_create",
    ),
    path("directory/locations/<str:pk>/", directory_edit.location_edit, name="location_edit"),
    path("directory/import/", directory.hsds_upload, name="hsds_upload"),
    path(
        "directory/import/<str:token>/",
        directory.hsds_import_status,
        name="hsds_import_status",
    ),
    path("clients/<int:pk>/referrals/new/", referrals.referral_create, name="referral_create"),
    path("referrals/", referrals.referral_list, name="referral_list"),
    path("referrals/outcomes/", referrals.referral_metrics, name="referral_metrics"),
    path("referrals/response-times/", referral_clocks.response_clocks, name="response_clocks"),
    path(
        "referrals/response-times/<int:program_id>/",
        referral_clocks.response_clock_edit,
        name="response_clock_edit",
    ),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/status/", referrals.referral_transition, name="referral_transition"),
    path("referrals/<int:pk>/messages/", referrals.referral_message, name="referral_message"),
    path("referrals/<int:pk>/schedule/", referrals.referral_schedule, name="referral_schedule"),
    path(
        "referrals/<int:pk>/attachments/<int:attachment_id>/",
        referrals.referral_attachment,
        name="referral_attachment",
    ),
    path("partner/", partner.partner_inbox, name="partner_inbox"),
    path("partner/referrals/<int:pk>/", partner.partner_referral, name="partner_referral"),
]

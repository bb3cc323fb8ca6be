"""Pages of the caseload area (notes, tasks, appointments, worklist, crises), included by
casework/web/urls.py under the ``web`` namespace."""

from django.urls import URLPattern, URLResolver, path

from casework.web.views import (
    appointments,
    attachments,
    billing,
    careteam,
    casenotes,
    crisis,
    tasks,
    transfers,
    worklist,
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("today/", worklist.worklist, name="worklist"),
    path("team/caseloads/", worklist.team_caseloads, name="team_caseloads"),
    path("team/reassign/", worklist.team_reassign, name="team_reassign"),
    path("team/weights/", worklist.team_weights, name="team_weights"),
    path("clients/<int:pk>/caseload/", crisis.client_caseload_panel, name="client_caseload_panel"),
    path("clients/<int:pk>/crisis/new/", crisis.crisis_report_view, name="crisis_report"),
    path("crises/<int:pk>/resolve/", crisis.crisis_resolve_view, name="crisis_resolve"),
    path("clients/<int:pk>/notes/", casenotes.note_list, name="note_list"),
    path("clients/<int:pk>/notes/new/", casenotes.note_create, name="note_create"),
    path("notes/<int:pk>/", casenotes.note_detail, name="note_detail"),
    path("notes/<int:pk>/autosave/", casenotes.note_autosave, name="note_autosave"),
    path("notes/<int:pk>/addenda/", casenotes.note_addendum, name="note_addendum"),
    path("notes/<int:pk>/cosign/", casenotes.note_cosign, name="note_cosign"),
    path("clients/<int:pk>/files/", attachments.client_attachments, name="client_attachments"),
    path("files/<int:pk>/", attachments.attachment_download, name="attachment_download"),
    path("clients/<int:pk>/care-team/", careteam.care_team, name="care_team"),
    path("care-team/<int:pk>/remove/", careteam.care_team_remove, name="care_team_remove"),
    path("clients/<int:pk>/transfer/", transfers.transfer_request, name="transfer_request"),
    path("transfers/", transfers.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", transfers.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/accept/", transfers.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/decline/", transfers.transfer_decline, name="transfer_decline"),
    path("transfers/<int:pk>/withdraw/", transfers.transfer_withdraw, name="transfer_withdraw"),
    path("billing/export/", billing.billing_export, name="billing_export"),
    path("clients/<int:pk>/summary/", billing.continuity_summary, name="continuity_summary"),
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/new/", tasks.task_create, name="task_create"),
    path("clients/<int:pk>/tasks/new/", tasks.client_task_create, name="client_task_create"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/complete/", tasks.task_complete, name="task_complete"),
    path(
        "clients/<int:pk>/appointments/new/",
        appointments.appointment_create,
        name="appointment_create",
    ),
    path("appointments/<int:pk>/", appointments.appointment_detail, name="appointment_detail"),
    path(
        "appointments/<int:pk>/attendance/",
        appointments.appointment_attendance,
        name="appointment_attendance",
    ),
    path("calendar/", appointments.calendar, name="calendar"),
    path("calendar/feed/", appointments.calendar_feed, name="calendar_feed"),
    path(
        "calendar/feed/<str:token>.ics",
        appointments.calendar_feed_ics,
        name="calendar_feed_ics",
    ),
]
